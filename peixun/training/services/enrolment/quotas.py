"""School quotas: set by hand or in proportion to each school's eligible teachers, and released to
a common pool on their date. Quotas are checked when a place is taken (places.take_places); here
they are only set and released."""

from collections import Counter
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.training import selectors
from peixun.training.exceptions import QuotaError
from peixun.training.models import Project, QuotaMode, SchoolQuota
from peixun.training.rules import quotas
from peixun.training.services.enrolment.places import uses_quotas
from peixun.training.services.enrolment.waitlist import promote_waitlist


@transaction.atomic
def set_quotas(
    *,
    project: Project,
    quotas_by_school: dict[int, int],
    actor: User | None,
    request: HttpRequest | None = None,
) -> list[SchoolQuota]:
    """Set school quotas by hand. They may not add up to more than the capacity, nor fall below
    what a school already holds."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    total = sum(max(0, n) for n in quotas_by_school.values())
    if total > project.capacity:
        raise QuotaError(total=total, capacity=project.capacity)
    current = {q.org_id: q for q in SchoolQuota.objects.select_for_update().filter(project=project)}
    for org_id, quota in quotas_by_school.items():
        row = current.get(org_id)
        if row is not None and quota < row.used:
            raise QuotaError(total=total, capacity=project.capacity)
    rows = []
    for org_id, quota in quotas_by_school.items():
        row = current.get(org_id) or SchoolQuota(project=project, org_id=org_id)
        row.quota = max(0, quota)
        rows.append(row)
    SchoolQuota.objects.bulk_create([r for r in rows if r.pk is None])
    SchoolQuota.objects.bulk_update([r for r in rows if r.pk is not None], ["quota"])
    if project.quota_mode == QuotaMode.NONE:
        Project.objects.filter(pk=project.pk).update(quota_mode=QuotaMode.MANUAL)
    events.record(
        action="quotas_set",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"schools": len(rows), "total": total},
        request=request,
    )
    return rows


def proportional_quotas(project: Project) -> dict[int, tuple[int, int]]:
    """{school id: (quota, eligible headcount)} in proportion to each school's eligible teachers."""
    counts = Counter(person.org_id for person in selectors.eligible_people(project))
    shares = quotas.proportional(project.capacity, counts)
    return {school: (shares[school], counts[school]) for school in counts}


@transaction.atomic
def set_proportional_quotas(
    *, project: Project, actor: User | None, request: HttpRequest | None = None
) -> list[SchoolQuota]:
    computed = proportional_quotas(project)
    rows = set_quotas(
        project=project, quotas_by_school={k: v[0] for k, v in computed.items()}, actor=actor, request=request
    )
    for row in rows:
        row.eligible = computed[row.org_id][1]
    SchoolQuota.objects.bulk_update(rows, ["eligible"])
    Project.objects.filter(pk=project.pk).update(quota_mode=QuotaMode.PROPORTIONAL)
    return rows


@transaction.atomic
def release_quotas(
    *,
    project: Project,
    actor: User | None = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Return unused quota to the common pool (each quota becomes what its school holds) and fill
    the freed places from the waitlist. Returns the number of places released."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.quotas_released_at is not None or not uses_quotas(project):
        return 0
    rows = list(SchoolQuota.objects.select_for_update().filter(project=project))
    freed = quotas.unused({row.org_id: (row.quota, row.used) for row in rows})
    SchoolQuota.objects.filter(project=project).update(quota=F("used"))
    project.quotas_released_at = now or timezone.now()
    Project.objects.filter(pk=project.pk).update(quotas_released_at=project.quotas_released_at)
    events.record(
        action="quotas_released",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"released": freed},
        request=request,
    )
    promote_waitlist(project=project, now=now)
    return freed
