"""The demo region in the database: its org tree, its people and one demo account per role.

`seed` writes what `peixun.demo.plan` draws through bulk paths — orgs with their materialised paths
computed before the insert (primary keys assigned up front), people in batches of `bulk_create` —
in one transaction, so a demo region is either complete or absent. Synthetic rows are not audited
one by one: they are nobody's change.

`demo_logins` lists the demo accounts that exist, for `manage.py seed_demo` and `manage.py serve`.
"""

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management.color import no_style
from django.db import connection, reset_queries, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from peixun.demo import plan
from peixun.demo.archive import seed_outside
from peixun.demo.competitions import seed_competitions
from peixun.demo.delivery import seed_delivery
from peixun.demo.finance import seed_finance
from peixun.demo.honours import seed_honours
from peixun.demo.interest import seed_interest
from peixun.demo.ledger import seed_ledger
from peixun.demo.quality import seed_quality
from peixun.demo.records import seed_records
from peixun.demo.returns import seed_returns
from peixun.demo.schoolbased import seed_schoolbased
from peixun.demo.surveys import seed_surveys
from peixun.demo.training import seed_training
from peixun.lib.pinyin import pinyin_keys
from peixun.orgs.access import needs_second_factor
from peixun.orgs.models import PATH_SEGMENT, GrantRole, Org, Person, RoleGrant

DEMO_ROOT_CODE = plan.PROVINCE[0]
DEMO_PASSWORD = "Peixun@2026"  # noqa: S105 - the published password of the demo accounts
# The published second-factor secret of the demo administrators (bureau, centre): added to an
# authenticator app by hand or from `manage.py demo_code`, which prints their current codes. Demo
# only: real accounts each set up their own secret at the first sign-in.
DEMO_TOTP_KEY = "70656978756e2d64656d6f2d3266612d6b657921"
# DEMO_TOTP_KEY in base32, as apps take it.
DEMO_TOTP_SECRET = "OBSW S6DV NYWW IZLN N4WT EZTB FVVW K6JB"  # noqa: S105
BATCH_SIZE = 2_000
PUBLIC_SCALES = ("small", "district", "city", "province")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    hint: str  # how else the account signs in


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role_label: str
    org_name: str
    also: str
    # Signs in with a code from an authenticator app too (the demo key, DEMO_TOTP_SECRET).
    second_factor: bool = False


@dataclass(frozen=True)
class SeedResult:
    orgs: int
    people: int
    seconds: float


DEMO_ACCOUNTS = (
    DemoAccount("admin", GrantRole.BUREAU_ADMIN, ""),
    DemoAccount("centre", GrantRole.CENTRE_STAFF, ""),
    DemoAccount("school", GrantRole.SCHOOL_COORDINATOR, ""),
    DemoAccount("tutor", GrantRole.TUTOR, ""),
    DemoAccount("teacher", GrantRole.TEACHER, "mobile"),
)


def demo_exists() -> bool:
    """Whether a demo region is in the database (its root org is the marker)."""
    return Org.objects.filter(code=DEMO_ROOT_CODE).exists()


def _today() -> date:
    return datetime.now(tz=ZoneInfo("Asia/Shanghai")).date()


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@transaction.atomic
def seed(*, scale: str, seed: int = 2026, progress=None) -> SeedResult:
    """Create the demo region of `scale` with its demo accounts. Raises ValueError when a demo
    region or one of the demo usernames already exists."""
    started = time.monotonic()
    if demo_exists():
        raise ValueError(_("Demo data already exists."))
    User = get_user_model()
    taken = list(
        User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).values_list(
            "username", flat=True
        )
    )
    if taken:
        raise ValueError(_("Demo usernames already taken: %(names)s") % {"names": ", ".join(taken)})
    validate_password(DEMO_PASSWORD)

    rng = plan.make_rng(seed)
    specs = plan.plan_tree(plan.SCALES[scale], rng)
    orgs = _insert_orgs(specs)
    if progress:
        progress(f"orgs: {len(orgs)}")

    generator = plan.PeopleGenerator(rng, today=_today())
    demo_school = next(spec for spec in specs if spec.kind == "school")
    demo_centre = next(
        spec for spec in specs if spec.kind == "institution" and spec.parent_code == demo_school.area_code
    )
    staff: dict[str, list[plan.PersonSpec]] = {demo_school.code: [], demo_centre.code: []}
    count = 0
    for batch in _chunks(plan.generate_people(specs, generator), BATCH_SIZE):
        Person.objects.bulk_create([_person(spec, orgs[spec.org_code]) for spec in batch])
        for spec in batch:
            if spec.org_code in staff:
                staff[spec.org_code].append(spec)
        count += len(batch)
        reset_queries()  # under DEBUG the logged INSERTs would hold hundreds of MB at province scale
        if progress and count % 50_000 < BATCH_SIZE:
            progress(f"people: {count}")

    _create_accounts(
        scale,
        orgs,
        specs,
        school=orgs[demo_school.code],
        school_staff=staff[demo_school.code],
        centre_staff=staff[demo_centre.code],
    )
    # Training projects in every state, so the training pages have something to show.
    seed_training(school=orgs[demo_school.code], centre=orgs[demo_centre.code], seed=seed, today=_today())
    # Credit policies and five years of training records for the demo county.
    county = orgs[next(spec.code for spec in specs if spec.kind == "county")]
    seed_ledger(root=orgs[DEMO_ROOT_CODE], county=county, seed=seed, today=_today())
    # Lessons, attendance and coursework under way; a closed project with hours and certificates.
    seed_delivery(school=orgs[demo_school.code], centre=orgs[demo_centre.code], seed=seed, today=_today())
    # The county's prescribed topics and the demo school's draft school-based plan.
    seed_schoolbased(school=orgs[demo_school.code], county=county, today=_today())
    # Qualification certificates (one due soon), degrees, a probation, a head teacher to certify.
    seed_records(school=orgs[demo_school.code], today=_today())
    # The county's teaching competition in its school round.
    seed_competitions(school=orgs[demo_school.code], county=county, today=_today())
    # The county's ethics selection in public notice, and a 骨干教师 title at the demo school.
    seed_honours(school=orgs[demo_school.code], county=county, today=_today())
    # Fees with a statement and a payment, two schools' budget figures, the book subsidy list.
    seed_finance(school=orgs[demo_school.code], county=county, today=_today())
    # Overseas training at the demo school; another school's annual return confirmed.
    seed_returns(school=orgs[demo_school.code], county=county, today=_today())
    # The county's interest group term: two groups at the demo school, one missing deliverables.
    seed_interest(school=orgs[demo_school.code], county=county, today=_today())
    # A satisfaction survey open on the running project, answered by most of its trainees.
    seed_surveys(today=_today(), seed=seed)
    # A few trainers in the county's pool; the closed project's summary written up.
    seed_quality(county=county, year=_today().year)
    # The demo teacher's declared outside training, for their file.
    seed_outside(today=_today())
    return SeedResult(orgs=len(orgs), people=count, seconds=time.monotonic() - started)


def _insert_orgs(specs: list[plan.OrgSpec]) -> dict[str, Org]:
    """Insert the orgs in one pass: keys are assigned here so each path is known before the insert."""
    next_pk = (Org.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    by_code: dict[str, Org] = {}
    for offset, spec in enumerate(specs):
        parent = by_code[spec.parent_code] if spec.parent_code else None
        pk = next_pk + offset
        path = (parent.path if parent else "") + PATH_SEGMENT.format(pk)
        by_code[spec.code] = Org(
            pk=pk,
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            parent=parent,
            path=path,
            depth=path.count("/") - 1,
        )
    Org.objects.bulk_create(by_code.values(), batch_size=BATCH_SIZE)
    # PostgreSQL's sequence does not see explicit keys; SQLite's AUTOINCREMENT does.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Org]):
            cursor.execute(statement)
    return by_code


def _person(spec: plan.PersonSpec, org: Org) -> Person:
    full, initials = pinyin_keys(spec.name)
    person = Person(
        name=spec.name,
        name_pinyin=full,
        name_initials=initials,
        gender=spec.gender,
        birth_date=spec.birth_date,
        mobile=spec.mobile,
        org=org,
        section=spec.section,
        subjects=spec.subjects,
        title=spec.title,
        roles=spec.roles,
        hire_date=spec.hire_date,
        status=spec.status,
        teacher_cert_no=spec.teacher_cert_no,
    )
    person.set_id_number("resident_id", spec.id_number)
    return person


def _pick(people: list[plan.PersonSpec], taken: set[str], test) -> plan.PersonSpec:
    """The first person passing `test` not already given an account (any person if none does)."""
    for candidate in people:
        if candidate.id_number not in taken and candidate.status == "active" and test(candidate):
            taken.add(candidate.id_number)
            return candidate
    candidate = next(p for p in people if p.id_number not in taken)
    taken.add(candidate.id_number)
    return candidate


def _create_accounts(
    scale: str,
    orgs: dict[str, Org],
    specs: list[plan.OrgSpec],
    *,
    school: Org,
    school_staff: list[plan.PersonSpec],
    centre_staff: list[plan.PersonSpec],
) -> None:
    """The demo accounts: the bureau admin over the top of the region (the county for the one-county
    scales), the centre staff over the county, and the school roles over the demo school, linked
    to people there (so the teacher can sign in by mobile phone too); the centre staff account is
    linked to a trainer of the county's training centre."""
    User = get_user_model()
    county = orgs[next(spec.code for spec in specs if spec.kind == "county")]
    top = {"city": orgs[plan.HOME_CITY], "province": orgs[DEMO_ROOT_CODE]}.get(scale, county)
    taken: set[str] = set()
    people = {
        "school": _pick(school_staff, taken, lambda p: "cadre" in p.roles and "principal" not in p.roles),
        "tutor": _pick(school_staff, taken, lambda p: p.title in ("first", "senior")),
        "teacher": _pick(school_staff, taken, lambda p: "head_teacher" in p.roles and p.subjects == ["语文"]),
        "centre": _pick(centre_staff, taken, lambda p: True),
    }
    hashes = {}
    for username, spec in people.items():
        probe = Person()
        probe.set_id_number("resident_id", spec.id_number)
        hashes[username] = probe.id_hash
    linked = {p.id_hash: p for p in Person.objects.filter(id_hash__in=hashes.values())}
    scopes = {
        GrantRole.BUREAU_ADMIN: top,
        GrantRole.CENTRE_STAFF: county,
        GrantRole.SCHOOL_COORDINATOR: school,
        GrantRole.TUTOR: school,
        GrantRole.TEACHER: school,
    }
    for account in DEMO_ACCOUNTS:
        person = linked.get(hashes.get(account.username, ""))
        user = User.objects.create_user(username=account.username, password=DEMO_PASSWORD, person=person)
        RoleGrant.objects.create(user=user, role=account.role, org=scopes[account.role])
        if needs_second_factor(user):
            TOTPDevice.objects.create(user=user, name="authenticator", key=DEMO_TOTP_KEY, confirmed=True)


def demo_logins() -> list[DemoLogin]:
    """One line per demo account present in the database, in role order."""
    User = get_user_model()
    users = {
        user.username: user
        for user in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).select_related(
            "person"
        )
    }
    grants = {
        (grant.user.username, grant.role): grant.org.name
        for grant in RoleGrant.objects.filter(user__in=users.values()).select_related("user", "org")
    }
    logins = []
    for account in DEMO_ACCOUNTS:
        user = users.get(account.username)
        if user is None or (account.username, account.role) not in grants:
            continue
        also = ""
        if account.hint == "mobile" and user.person_id and user.person.mobile:
            also = _("or mobile %(mobile)s") % {"mobile": user.person.mobile}
        logins.append(
            DemoLogin(
                username=account.username,
                password=DEMO_PASSWORD,
                role_label=str(GrantRole(account.role).label),
                org_name=grants[(account.username, account.role)],
                also=also,
                second_factor=TOTPDevice.objects.filter(
                    user=user, confirmed=True, key=DEMO_TOTP_KEY
                ).exists(),
            )
        )
    return logins


def format_logins(logins: list[DemoLogin]) -> str:
    """The demo logins as an aligned plain-text table (CJK characters count as two columns)."""
    if not logins:
        return _("No demo accounts in this database (run: manage.py seed_demo --scale small).")
    header = (_("Role"), _("Username"), _("Password"), _("Scope"), "")
    rows = [header, *((x.role_label, x.username, x.password, x.org_name, x.also) for x in logins)]
    widths = [max(_width(row[col]) for row in rows) for col in range(len(header))]
    lines = ["  ".join(_pad(cell, widths[col]) for col, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths[:-1]))
    with_code = [x.username for x in logins if x.second_factor]
    if with_code:
        lines += [
            "",
            _(
                "%(usernames)s also ask for a 6-digit code: add the key %(secret)s to an authenticator "
                "app, or run `manage.py demo_code` for the current code."
            )
            % {"usernames": "、".join(with_code), "secret": DEMO_TOTP_SECRET},
        ]
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
