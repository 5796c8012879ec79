"""What the enrolment modes share: the statuses they name (the sets are in
peixun.training.rules.lifecycle), the enrolment row written
once a place is settled (the compiled `NEW_ENROLMENT`, ADR 0030), audited status moves, and the
notices of an approval stage."""

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core.compiled import CompiledInsert
from peixun.orgs.models import GrantRole, Person
from peixun.training.exceptions import SubjectRequiredError
from peixun.training.models import (
    ApprovalChain,
    ApprovalStage,
    Enrolment,
    EnrolmentStatus,
    Project,
)
from peixun.training.rules import eligibility
from peixun.training.services import notify

S = EnrolmentStatus
# The INSERT of every first enrolment, compiled once.
NEW_ENROLMENT = CompiledInsert(Enrolment)


def write_enrolment(
    *, project: Project, person: Person, existing: Enrolment | None, **fields: object
) -> Enrolment:
    """Take up the person's earlier (ended, locked) row with `fields`, or insert a new one —
    which UNIQUE(project, person) refuses with IntegrityError when a concurrent attempt won."""
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        enrolment = existing
    else:
        enrolment = NEW_ENROLMENT.create(project=project, person=person, **fields)
    enrolment.person, enrolment.project, enrolment.school = person, project, person.org
    return enrolment


def record(
    enrolment: Enrolment,
    action: str,
    actor: User | None,
    request: HttpRequest | None = None,
    **changes: object,
) -> None:
    events.record(
        action=action,
        actor=actor,
        target=enrolment,
        org_path=enrolment.school.path if enrolment.school_id and hasattr(enrolment, "school") else "",
        changes=changes,
        request=request,
        target_repr=f"{enrolment.person.name} · {enrolment.project.title}"[:200],
    )


def move(
    enrolment: Enrolment,
    to: EnrolmentStatus,
    *,
    frm: Iterable[str],  # statuses, e.g. one of the lifecycle's sets
    actor: User | None,
    request: HttpRequest | None = None,
    **fields: object,
) -> bool:
    """Change the status only if it is still one of `frm` (a conditional UPDATE, so two clicks or
    two clerks cannot both act); audited."""
    before = enrolment.status
    now = timezone.now()
    updated = Enrolment.objects.filter(pk=enrolment.pk, status__in=list(frm)).update(
        status=to, updated_at=now, **fields
    )
    if not updated:
        return False
    enrolment.status = to
    for name, value in fields.items():
        setattr(enrolment, name, value)
    record(
        enrolment,
        "enrolment_changed",
        actor,
        request,
        status=[before, to],
        **{k: str(v) for k, v in fields.items() if k == "stage"},
    )
    return True


def teacher(enrolment: Enrolment) -> list[int]:
    return notify.accounts_of([enrolment.person_id])


def stage_notice(enrolment: Enrolment) -> None:
    """Tell whoever decides the enrolment's current approval stage."""
    if enrolment.stage == ApprovalStage.SCHOOL:
        users = notify.role_holders(GrantRole.SCHOOL_COORDINATOR, enrolment.school.path)
    else:
        users = notify.holders("training.county_approve", enrolment.school.path)
    notify.send(users, "enrolment_waiting", project=enrolment.project, name=enrolment.person.name)


def subject_for(decision: eligibility.Decision, subject: str) -> str:
    """B8: with target subjects, each enrolment names exactly one of them the person teaches."""
    if not decision.subjects:
        return ""
    if subject in decision.subjects:
        return subject
    if len(decision.subjects) == 1 and not subject:
        return decision.subjects[0]
    raise SubjectRequiredError


def admitted_status(project: Project) -> tuple[EnrolmentStatus, str]:
    """(status, stage) of someone who got a place: waiting for the school when the project has an
    approval chain, else enrolled."""
    if project.approval_chain != ApprovalChain.NONE:
        return S.PENDING, ApprovalStage.SCHOOL
    return S.ENROLLED, ""
