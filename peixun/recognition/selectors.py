"""Reads of recognition: a teacher's declarations, the review inboxes, the duplicates a reviewer
sees beside a declaration, and who a project's rule exempts."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from peixun.ledger.models import CreditEntry, Source
from peixun.orgs.access import path_q, scope_paths
from peixun.recognition.models import Declaration, ProjectRule, Status
from peixun.recognition.rules import dedup, states


def mine(user) -> QuerySet[Declaration]:
    if not user.is_authenticated or not user.person_id:
        return Declaration.objects.none()
    return Declaration.objects.filter(person_id=user.person_id).defer("proof")


def inbox(user, step: str, *, show: str = "waiting") -> QuerySet[Declaration]:
    """The declarations of the user's subtree at `step` ("school" or "bureau"): those waiting for
    them (`show="waiting"`) or all of them (`show="all"`)."""
    perm = "recognition.school" if step == "school" else "recognition.bureau"
    queryset = Declaration.objects.filter(path_q(scope_paths(user, perm), "org_path"))
    if show == "waiting":
        waiting = Status.PENDING_SCHOOL if step == "school" else Status.PENDING_BUREAU
        queryset = queryset.filter(status=waiting)
    return queryset.select_related("person", "person__org").defer("proof").order_by("created_at", "id")


def _claim(declaration: Declaration) -> dedup.Claim:
    return dedup.Claim(
        ref=declaration.pk or 0,
        person_id=declaration.person_id,
        provider=declaration.provider,
        course=declaration.course,
        starts_on=declaration.starts_on,
        ends_on=declaration.ends_on,
        certificate=declaration.certificate_no,
    )


def _candidates(person_id: int, starts_on: date, ends_on: date, certificate_key: str) -> list[Declaration]:
    query = Q(person_id=person_id, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if certificate_key:
        query |= Q(certificate_key=certificate_key)
    return list(
        Declaration.objects.filter(query, status__in=states.LIVE)
        .select_related("person", "person__org")
        .defer("proof")
    )


def _ledger(person_id: int, starts_on: date, ends_on: date) -> list[CreditEntry]:
    """The person's entries from elsewhere in the dates: not recognitions, not reversed."""
    return list(
        CreditEntry.objects.filter(
            person_id=person_id, earned_on__gte=starts_on, earned_on__lte=ends_on, reverses__isnull=True
        )
        .exclude(source=Source.RECOGNITION)
        .exclude(reversal__isnull=False)
    )


@dataclass(frozen=True)
class Found:
    """A duplicate as the reviewer sees it: its kind and the other declaration or ledger entry."""

    kind: str
    declaration: Declaration | None = None
    entry: CreditEntry | None = None

    @property
    def blocks(self) -> bool:
        return (
            self.kind == dedup.SAME_CERTIFICATE
            and self.declaration is not None
            and self.declaration.status == Status.APPROVED
        )


def duplicates(declaration: Declaration) -> list[Found]:
    """What `declaration` may duplicate, for the panel beside it and the approval's check."""
    others = _candidates(
        declaration.person_id, declaration.starts_on, declaration.ends_on, declaration.certificate_key
    )
    entries = _ledger(declaration.person_id, declaration.starts_on, declaration.ends_on)
    by_pk = {other.pk: other for other in others}
    by_entry = {entry.pk: entry for entry in entries}
    found = dedup.find(
        _claim(declaration),
        [_claim(other) for other in others],
        [dedup.Entry(e.pk, e.person_id, e.title, e.earned_on) for e in entries],
    )
    return [
        Found(d.kind, entry=by_entry[d.ref]) if d.kind == dedup.IN_LEDGER else Found(d.kind, by_pk[d.ref])
        for d in found
    ]


def exempt_people(project, person_ids: list[int]) -> dict[int, str]:
    """{person id: the recognised course} for the people `project`'s rule exempts: an approved
    recognition at city level or above ending in the project's year (B6). Empty when the project
    does not say so."""
    if not person_ids or not ProjectRule.objects.filter(project=project, city_level_exempts=True).exists():
        return {}
    levels = ("overseas", "national", "provincial", "city")
    rows = (
        Declaration.objects.filter(
            person_id__in=person_ids, status=Status.APPROVED, level__in=levels, ends_on__year=project.year
        )
        .order_by("person_id", "-ends_on")
        .values_list("person_id", "course")
    )
    found: dict[int, str] = {}
    for person_id, course in rows:
        found.setdefault(person_id, course)
    return found


def project_rule(project) -> bool:
    return ProjectRule.objects.filter(project=project, city_level_exempts=True).exists()


def declarations_of(person_id: int, start: date, end: date) -> list[Declaration]:
    """A person's declarations of outside training that ended in [start, end] (withdrawn ones left
    out), oldest first."""
    return list(
        Declaration.objects.filter(person_id=person_id, ends_on__gte=start, ends_on__lte=end)
        .exclude(status=Status.WITHDRAWN)
        .order_by("ends_on", "pk")
    )
