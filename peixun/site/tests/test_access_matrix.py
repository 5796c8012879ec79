"""Every role × every view × an object inside and outside the user's scope, generated from the URLconf.

Each named URL must have an entry in VIEWS (test_every_url_has_an_expectation fails otherwise), so
a new view is covered the day it is added. For every persona of the shared world the test expects:
anonymous → sent to sign in (or served, for public pages); a user without the view's permission →
refused (403, or 404 where the object itself is what is checked); a user with it → served for an
object in their subtree and 404 for one outside it, the same answer as for a missing object.

"Near" objects belong to 东湖实验小学 (inside every persona's scope but the outsider's); "far"
objects to 临江第二中学 in another city (inside only the outsider's scope).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone

from peixun.accounts.models import PasswordSlipBatch
from peixun.competitions.tests.matrix import COMPETITION_VIEWS, competition_objects
from peixun.core.runs import RunState
from peixun.core.vault import vault
from peixun.delivery.tests.matrix import DELIVERY_VIEWS, delivery_objects
from peixun.finance.tests.matrix import FINANCE_VIEWS, finance_objects
from peixun.honours.tests.matrix import HONOURS_VIEWS, honours_objects
from peixun.imports.models import ImportJob, ImportKind
from peixun.interest.tests.matrix import INTEREST_VIEWS, interest_objects
from peixun.ledger.tests.matrix import LEDGER_VIEWS, ledger_objects
from peixun.orgs.access import has_perm
from peixun.orgs.models import GrantRole, RoleGrant
from peixun.participation.tests.matrix import PARTICIPATION_VIEWS
from peixun.quality.tests.matrix import QUALITY_VIEWS, quality_objects
from peixun.recognition.tests.matrix import RECOGNITION_VIEWS, recognition_objects
from peixun.records.tests.matrix import RECORDS_VIEWS
from peixun.returns.tests.matrix import RETURNS_VIEWS, returns_objects
from peixun.schoolbased.tests.matrix import SCHOOLBASED_VIEWS, schoolbased_objects
from peixun.surveys.tests.matrix import SURVEYS_VIEWS, surveys_objects
from peixun.testing.factories import make_user
from peixun.testing.personas import World, build_world
from peixun.training.tests.matrix import TRAINING_VIEWS, training_objects

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed-in"  # any signed-in user


@dataclass(frozen=True)
class View:
    """What a URL requires: a permission from orgs.access.PERMISSIONS (or PUBLIC / SIGNED_IN), the
    method to call it with, and which kind of object its URL names (see OBJECTS)."""

    perm: str
    method: str = "get"
    obj: str | None = None
    # Form data, given the side's objects (so a grant names an org on the same side).
    data: Callable[[dict], dict] | None = None
    # The teacher may open their own record without people.view.
    own_record: bool = False
    # Where the object alone decides (import jobs are visible to whoever may import for their org),
    # a user without the permission gets 404 rather than 403.
    denied: tuple[int, ...] = (403,)
    # Where no one permission decides, the personas served (e.g. everyone a project is published to).
    personas: frozenset[str] | None = None
    # A JSON API endpoint: the anonymous get 401 rather than the sign-in page.
    api: bool = False
    # The statuses of a served request.
    served: tuple[int, ...] = (200, 302)
    # False for objects outside the org tree (a shipped preset): no out-of-scope call.
    scoped: bool = True


SLIP_ISSUERS = frozenset({"coordinator_a1", "outsider"})

VIEWS: dict[str, View] = {
    "site:home": View(SIGNED_IN),
    "set_language": View(PUBLIC, method="post", data=lambda side: {"language": "en"}),
    "accounts:login": View(PUBLIC),
    "accounts:logout": View(PUBLIC, method="post"),
    "accounts:password-change": View(SIGNED_IN),
    "accounts:security": View(SIGNED_IN),
    "accounts:two-factor": View(SIGNED_IN),
    "accounts:two-factor-setup": View(SIGNED_IN),
    "accounts:recovery-codes": View(SIGNED_IN),
    "accounts:recovery-codes-download": View(SIGNED_IN),
    "accounts:two-factor-reset": View("accounts.manage", method="post", obj="account"),
    "accounts:list": View("accounts.manage"),
    "accounts:detail": View("accounts.manage", obj="account"),
    "accounts:grant": View(
        "accounts.manage",
        method="post",
        obj="account",
        data=lambda side: {"role": "tutor", **side["org_code"]},
    ),
    "accounts:withdraw": View("accounts.manage", method="post", obj="grant"),
    "accounts:password-reset": View("accounts.manage", method="post", obj="account"),
    "accounts:provision": View("accounts.provision"),
    "accounts:inactive": View("accounts.activate"),
    "accounts:teachers": View("accounts.activate"),
    "accounts:teachers-create": View(
        "accounts.provision", method="post", data=lambda side: {"all": "1", "org": side["org"]["pk"]}
    ),
    "accounts:teachers-reset": View("accounts.activate", method="post", obj="account"),
    "accounts:reset-initial": View(
        "accounts.activate", method="post", data=lambda side: {"all": "1", "org": side["org"]["pk"]}
    ),
    # Slips are their issuer's alone (coordinator_a1 near, the outsider far): 404 for everyone else.
    "accounts:slips": View("accounts.activate", obj="slips", personas=SLIP_ISSUERS, denied=(404,)),
    "accounts:slips-download": View(
        "accounts.activate",
        method="post",
        obj="slips",
        personas=SLIP_ISSUERS,
        denied=(404,),
        data=lambda side: {"org": side["org"]["pk"], "format": "pdf"},
    ),
    "orgs:tree": View("orgs.view"),
    "orgs:tree-children": View("orgs.view", obj="org"),
    "orgs:people": View("people.view"),
    "orgs:people-export": View("people.export"),
    "orgs:person-detail": View("people.view", obj="person", own_record=True),
    "orgs:person-reveal": View("people.reveal_id", method="post", obj="person"),
    # Tutors open it too, for the score workbooks of their classes (assessment.scores).
    "imports:list": View(
        "people.import",
        personas=frozenset(
            {"city_admin", "county_admin", "centre_staff", "coordinator_a1", "tutor_a1", "outsider"}
        ),
    ),
    "imports:upload-people": View("people.import"),
    "imports:upload-orgs": View("orgs.import"),
    "imports:template-people": View("people.import"),
    "imports:template-orgs": View("orgs.import"),
    "imports:detail": View("people.import", obj="job", denied=(404,)),
    "imports:apply": View("people.import", method="post", obj="job", denied=(404,)),
    "imports:errors": View("people.import", obj="job", denied=(404,)),
    "imports:rerun": View("people.import", method="post", obj="job", denied=(404,)),
    # The preview workbook: 404 in scope too when the file changes nothing (the matrix's job).
    "imports:changes": View("people.import", obj="job", denied=(404,), served=(200, 404)),
    "api:import-job": View("people.import", obj="api_job", denied=(404,), api=True),
    "site:audit-log": View("audit.view"),
    "site:audit-export": View("audit.view"),
}
VIEWS.update({name: View(**spec) for name, spec in TRAINING_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in LEDGER_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in DELIVERY_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in RECOGNITION_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in QUALITY_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in SCHOOLBASED_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in RECORDS_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in COMPETITION_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in PARTICIPATION_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in HONOURS_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in FINANCE_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in SURVEYS_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in RETURNS_VIEWS.items()})
VIEWS.update({name: View(**spec) for name, spec in INTEREST_VIEWS.items()})

PERSONAS = [
    "city_admin",
    "county_admin",
    "centre_staff",
    "coordinator_a1",
    "tutor_a1",
    "teacher_user",
    "outsider",
    "no_role",
]


def _url_names(resolver: URLResolver, namespace: str = "") -> list[str]:
    names = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names.extend(_url_names(entry, inner))
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{namespace}{entry.name}")
    return names


def _pages(names: set[str]) -> set[str]:
    """The URL names of pages and of the API operations listed in VIEWS. The lifecycle API's
    operations (`api:`) are checked for scope, action and subtree in
    peixun/api/tests/test_lifecycle_api.py, per API key rather than per persona."""
    return {name for name in names if not name.startswith("api:") or name in VIEWS}


def test_every_url_has_an_expectation():
    names = _pages(set(_url_names(get_resolver())))
    assert sorted(names - set(VIEWS)) == [], "add these URL names to VIEWS in this test"
    assert sorted(set(VIEWS) - names) == [], "these VIEWS entries name no URL"


def _unnamed(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found.extend(_unnamed(entry, prefix + str(entry.pattern)))
        elif isinstance(entry, URLPattern) and not entry.name:
            found.append(prefix + str(entry.pattern))
    return found


def test_every_url_has_a_name_so_the_matrix_sees_it():
    assert _unnamed(get_resolver()) == [], "name these URLs (and add them to VIEWS)"


def test_a_url_added_anywhere_is_picked_up_without_being_listed():
    """The URLconf is walked, included apps and namespaces too: a new view has no way around VIEWS."""
    thing = path("thing/<int:pk>/", lambda request, pk: None, name="thing")
    app = URLResolver(RegexPattern(r"^new/"), [thing], app_name="newapp", namespace="newapp")
    site = URLResolver(RegexPattern(r"^/"), [*get_resolver().url_patterns, app])
    assert sorted(_pages(set(_url_names(site))) - set(VIEWS)) == ["newapp:thing"]


class Side(dict):
    """The URL kwargs of one side (near or far), by object kind. The kinds of the base world are
    there from the start; the apps' objects are added one app after another in a fixed order (the
    `matrix` fixture loads them all once per module)."""

    def __init__(self, loader: "Loader", kinds: dict) -> None:
        super().__init__(kinds)
        self.loader = loader

    def __missing__(self, kind: str):
        while self.loader.load_next():
            if dict.__contains__(self, kind):
                return dict.__getitem__(self, kind)
        raise KeyError(kind)


class Loader:
    """Makes the apps' near and far objects in order, each once, into both sides."""

    PROVIDERS: tuple[Callable[[World], tuple[dict, dict]], ...] = (
        training_objects,
        ledger_objects,
        delivery_objects,
        recognition_objects,
        schoolbased_objects,
        competition_objects,
        honours_objects,
        finance_objects,
        surveys_objects,
        quality_objects,
        returns_objects,
        interest_objects,
    )

    def __init__(self, world: World) -> None:
        self.world = world
        self.next = 0
        self.sides: tuple[Side, ...] = ()

    def load_next(self) -> bool:
        if self.next >= len(self.PROVIDERS):
            return False
        near, far = self.PROVIDERS[self.next](self.world)
        self.next += 1
        self.sides[0].update(near)
        self.sides[1].update(far)
        return True


@dataclass
class Objects:
    """For each object kind: URL kwargs for the near and the far object."""

    near: Side
    far: Side


def _objects(world: World) -> Objects:
    far_account = make_user(
        "far_teacher", (GrantRole.TEACHER, world.other_school), person=world.other_teacher
    )
    near_grant = RoleGrant.objects.get(user=world.teacher_user)
    far_grant = RoleGrant.objects.get(user=far_account)
    uploader = make_user("uploader")

    def job(org) -> ImportJob:
        return ImportJob.objects.create(
            kind=ImportKind.PEOPLE,
            state=RunState.DONE,
            created_by=uploader,
            org=org,
            filename="roster.csv",
            content=b"",
            errors=[{"row": 2, "column": "姓名", "message": "缺少姓名"}],
        )

    near_job, far_job = job(world.school_a1), job(world.other_school)

    def slips(issuer, school) -> PasswordSlipBatch:
        return PasswordSlipBatch.objects.create(
            created_by=issuer,
            expires_at=timezone.now() + timedelta(hours=1),
            count=0,
            sealed=vault().encrypt("{}", purpose="password-slips"),
            schools=[{"id": school.pk, "name": school.name, "path": school.path, "count": 0}],
        )

    near_slips, far_slips = (
        slips(world.coordinator_a1, world.school_a1),
        slips(world.outsider, world.other_school),
    )
    loader = Loader(world)
    near = Side(
        loader,
        {
            "org": {"pk": world.school_a1.pk},
            "org_code": {"org_code": world.school_a1.code},
            "person": {"pk": world.teacher_a1.pk},
            "account": {"pk": world.teacher_user.pk},
            "grant": {"pk": world.teacher_user.pk, "grant_pk": near_grant.pk},
            "job": {"pk": near_job.pk},
            "api_job": {"job_id": near_job.pk},
            "slips": {"pk": near_slips.pk},
        },
    )
    far = Side(
        loader,
        {
            "org": {"pk": world.other_school.pk},
            "org_code": {"org_code": world.other_school.code},
            "person": {"pk": world.other_teacher.pk},
            "account": {"pk": far_account.pk},
            "grant": {"pk": far_account.pk, "grant_pk": far_grant.pk},
            "job": {"pk": far_job.pk},
            "api_job": {"job_id": far_job.pk},
            "slips": {"pk": far_slips.pk},
        },
    )
    loader.sides = (near, far)
    return Objects(near=near, far=far)


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The world and every app's near and far objects, made once per module (on each worker)
    inside a transaction that is rolled back at the end. Each test runs in a savepoint within it
    (pytest-django's `db`), so what a call changes is undone before the next one — and the
    thousands of calls no longer build the world each."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            objects = _objects(world)
            while objects.near.loader.load_next():
                pass
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield world, objects
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _call(client, spec: View, name: str, side: dict):
    url = reverse(name, kwargs=side[spec.obj] if spec.obj else None)
    send: Callable = client.post if spec.method == "post" else client.get
    return send(url, spec.data(side) if spec.data else {})


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_anonymous_visitors_are_sent_to_sign_in_except_on_public_pages(client, db, matrix, name):
    spec = VIEWS[name]
    _world, objects = matrix
    response = _call(client, spec, name, objects.near)
    if spec.api:
        assert response.status_code == 401
    elif spec.perm == PUBLIC:
        assert response.status_code in {200, 302}
        assert "/accounts/login/?next=" not in response.get("Location", "")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(name for name, spec in VIEWS.items() if spec.perm != PUBLIC))
def test_each_role_is_served_in_scope_refused_without_permission_and_404_out_of_scope(
    client, db, matrix, name, persona
):
    spec = VIEWS[name]
    world, objects = matrix
    user = getattr(world, persona)
    # The outsider's home is the far city; everyone else's is the near one.
    home, away = (objects.far, objects.near) if persona == "outsider" else (objects.near, objects.far)
    client.force_login(user)
    allowed = spec.perm == SIGNED_IN or has_perm(user, spec.perm)
    if spec.personas is not None:
        allowed = persona in spec.personas
    own = spec.own_record and user.person_id is not None and home["person"]["pk"] == user.person_id

    if spec.obj is None:
        response = _call(client, spec, name, home)
        if allowed:
            assert response.status_code in spec.served, response.status_code
        else:
            assert response.status_code in spec.denied
        return

    inside = _call(client, spec, name, home)
    if allowed or own:
        assert inside.status_code in spec.served, f"in scope: {inside.status_code}"
    else:
        assert inside.status_code in spec.denied, f"no permission: {inside.status_code}"
    if not spec.scoped:
        return
    outside = _call(client, spec, name, away)
    if allowed:
        assert outside.status_code == 404, f"out of scope: {outside.status_code}"
    else:
        assert outside.status_code in {*spec.denied, 404}, f"no permission: {outside.status_code}"
