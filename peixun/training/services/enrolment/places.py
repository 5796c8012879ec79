"""Places: the one way a place in a project is taken, and given back.

Every mode that gives someone a place — self-enrolment, nomination, waitlist promotion, mandatory
enrolment, the lottery draw — calls `take_places`; every way out of a place (withdrawal, rejection,
a lapsed offer, an approved exemption) calls `give_back_place`. Nothing else in the product changes
`Project.places_taken` or `SchoolQuota.used` upwards (tests/test_places.py holds this).

Capacity (docs/decisions/0021-enrolment-capacity.md): a place is taken only by conditional UPDATEs —
the school's quota row, then the project row —

    UPDATE training_schoolquota SET used = used + n WHERE project_id = … AND org_id = … AND used <= quota - n
    UPDATE training_project SET places_taken = places_taken + 1 WHERE id = … AND places_taken < capacity

PostgreSQL re-checks the WHERE after waiting for a concurrent writer's row lock, so two requests can
never both take the last place; SQLite runs writers one at a time (IMMEDIATE transactions). CHECK
constraints (`places_taken ≤ capacity`, `used ≤ quota`) back this up in the database. Lock order
everywhere: the enrolment row (the caller's), then the quota rows in school order, then the project
row — so concurrent enrolments and withdrawals never deadlock.

One place for the project is the compiled `TAKE_PLACE` (ADR 0030: built once a process, prepared on
PostgreSQL), the statement every enrolment attempt runs; several at once (the draw, mandatory
enrolment) are one ORM UPDATE for the lot.
"""

from collections.abc import Mapping

from django.db import transaction
from django.db.models import F

from peixun.core.compiled import CompiledUpdate
from peixun.training.exceptions import ProjectFullError, QuotaFullError
from peixun.training.models import Project, QuotaMode, SchoolQuota

TAKE_PLACE = CompiledUpdate(
    lambda pk: Project.objects.filter(pk=pk, places_taken__lt=F("capacity")),
    places_taken=F("places_taken") + 1,
)


def uses_quotas(project: Project) -> bool:
    return project.quota_mode != QuotaMode.NONE


def take_places(project: Project, per_school: Mapping[int, int], *, within_quotas: bool = True) -> None:
    """Take places for teachers of the schools in `per_school` ({school id: how many}): each
    school's quota (when the project has quotas and `within_quotas`), then the project's capacity.
    All or nothing: a refusal raises QuotaFullError or ProjectFullError and leaves nothing taken
    (the quota steps run in a savepoint; without them it is one UPDATE that changed nothing).

    `within_quotas=False` is for mandatory enrolment (B1): everyone in the audience is enrolled,
    and school quotas do not apply."""
    count = sum(per_school.values())
    if within_quotas and uses_quotas(project):
        with transaction.atomic():
            for school_id in sorted(per_school):
                _take_quota(project, school_id, per_school[school_id])
            _take_capacity(project, count)
    else:
        _take_capacity(project, count)


def _take_quota(project: Project, school_id: int, count: int) -> None:
    rows = SchoolQuota.objects.filter(project_id=project.pk, org_id=school_id)
    if project.quotas_released_at is not None:
        # After the release a school takes from the common pool: its quota grows with its use.
        if not rows.update(quota=F("quota") + count, used=F("used") + count):
            SchoolQuota.objects.get_or_create(project_id=project.pk, org_id=school_id)
            rows.update(quota=F("quota") + count, used=F("used") + count)
    elif not rows.filter(used__lte=F("quota") - count).update(used=F("used") + count):
        raise QuotaFullError


def _take_capacity(project: Project, count: int) -> None:
    if count == 1:
        taken = TAKE_PLACE.run(project.pk)
    else:
        taken = Project.objects.filter(pk=project.pk, places_taken__lte=F("capacity") - count).update(
            places_taken=F("places_taken") + count
        )
    if not taken:
        raise ProjectFullError


def try_take_place(project: Project, school_id: int) -> str | None:
    """`take_places` for one teacher of `school_id`: None when taken, else the refusal's code
    (for callers that turn a refusal into the waitlist or their own error)."""
    try:
        take_places(project, {school_id: 1})
    except (ProjectFullError, QuotaFullError) as refusal:
        return refusal.code
    return None


def give_back_place(project: Project, school_id: int) -> None:
    """Give back one place (the reverse of take_places, in the same lock order)."""
    if uses_quotas(project):
        rows = SchoolQuota.objects.filter(project_id=project.pk, org_id=school_id, used__gt=0)
        if project.quotas_released_at is not None:
            rows.update(quota=F("quota") - 1, used=F("used") - 1)  # the place goes back to the pool
        else:
            rows.update(used=F("used") - 1)
    Project.objects.filter(pk=project.pk, places_taken__gt=0).update(places_taken=F("places_taken") - 1)


def give_back_places(project: Project, count: int) -> None:
    """Give back `count` places of the project at once — undoing a mandatory enrolment, which took
    them without school quotas (`within_quotas=False`, B1)."""
    if count > 0:
        Project.objects.filter(pk=project.pk, places_taken__gte=count).update(
            places_taken=F("places_taken") - count
        )
