"""Mandatory enrolment (B1) and exemptions from it (B4): everyone in the mandatory audience is
enrolled at once, their places taken together through `take_places`; an exemption, decided by the
school then the county, gives the place back."""

from collections import Counter

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.orgs.models import GrantRole
from peixun.training import selectors
from peixun.training.exceptions import (
    CapacityTooSmallError,
    EnrolmentClosedError,
    ExemptionNotAllowedError,
    InvalidEnrolmentStateError,
    ProjectFullError,
    WrongEnrolmentModeError,
)
from peixun.training.models import (
    LIVE,
    Enrolment,
    EnrolmentMode,
    EnrolmentSource,
    ExemptionRequest,
    ExemptionStatus,
    Project,
)
from peixun.training.rules import lifecycle
from peixun.training.services import notify
from peixun.training.services.enrolment.common import S, move, record, teacher
from peixun.training.services.enrolment.places import give_back_place, take_places


@transaction.atomic
def enrol_mandatory(*, project: Project, actor: User, request: HttpRequest | None = None) -> int:
    """Enrol everyone in the audience for whom the project is mandatory (B1), except those already
    enrolled or exempted. Refused whole when the free places do not suffice."""
    if project.enrolment_mode != EnrolmentMode.MANDATORY:
        raise WrongEnrolmentModeError
    if project.status not in lifecycle.OPEN_FOR_ENROLMENT:
        raise EnrolmentClosedError
    people = selectors.eligible_people(project, mandatory=True)
    existing = {e.person_id: e for e in Enrolment.objects.select_for_update().filter(project=project)}
    todo = [p for p in people if p.pk not in existing or existing[p.pk].status not in LIVE]
    if not todo:
        return 0
    try:
        # B1: the whole audience attends, so school quotas do not apply; the capacity does.
        take_places(project, Counter(person.org_id for person in todo), within_quotas=False)
    except ProjectFullError:
        project.refresh_from_db(fields=["places_taken"])
        raise CapacityTooSmallError(eligible=len(todo), places=project.places_left) from None
    decisions = selectors.decide(project, todo)
    created, reused = [], []
    for person in todo:
        subject = decisions[person.pk].subjects[0] if decisions[person.pk].subjects else ""
        fields = {
            "status": S.ENROLLED,
            "source": EnrolmentSource.MANDATORY,
            "stage": "",
            "subject": subject,
            "school_id": person.org_id,
            "created_by": actor,
        }
        if person.pk in existing:
            enrolment = existing[person.pk]
            for name, value in fields.items():
                setattr(enrolment, name, value)
            reused.append(enrolment)
        else:
            created.append(Enrolment(project=project, person=person, **fields))
    Enrolment.objects.bulk_create(created, batch_size=1000)
    Enrolment.objects.bulk_update(reused, ["status", "source", "stage", "subject", "school", "created_by"])
    events.record(
        action="enrolments_mandatory",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"enrolled": len(todo)},
        request=request,
    )
    notify.send(notify.accounts_of([p.pk for p in todo]), "mandatory_enrolled", project=project)
    return len(todo)


@transaction.atomic
def request_exemption(
    *, enrolment: Enrolment, reason: str, note: str, actor: User, request: HttpRequest | None = None
) -> ExemptionRequest:
    """Ask to be excused from a mandatory enrolment (B4); the school decides, then the county."""
    if enrolment.source != EnrolmentSource.MANDATORY or enrolment.status != S.ENROLLED:
        raise ExemptionNotAllowedError
    if enrolment.exemptions.filter(
        status__in=[ExemptionStatus.PENDING_SCHOOL, ExemptionStatus.PENDING_COUNTY]
    ).exists():
        raise ExemptionNotAllowedError
    try:
        with transaction.atomic():
            exemption = ExemptionRequest.objects.create(
                enrolment=enrolment, reason=reason, note=note[:500], requested_by=actor
            )
    except IntegrityError:
        raise ExemptionNotAllowedError from None
    record(enrolment, "exemption_requested", actor, request, reason=reason)
    notify.send(
        notify.role_holders(GrantRole.SCHOOL_COORDINATOR, enrolment.school.path),
        "exemption_waiting",
        project=enrolment.project,
        name=enrolment.person.name,
    )
    return exemption


@transaction.atomic
def decide_exemption(
    *,
    exemption: ExemptionRequest,
    approve: bool,
    actor: User,
    note: str = "",
    request: HttpRequest | None = None,
) -> ExemptionRequest:
    """The school's decision moves an approved request on to the county; the county's is final.
    A final approval exempts the enrolment and frees its place."""
    exemption = (
        ExemptionRequest.objects.select_for_update()
        .select_related("enrolment", "enrolment__project", "enrolment__person", "enrolment__school")
        .get(pk=exemption.pk)
    )
    enrolment = exemption.enrolment
    now = timezone.now()
    before = exemption.status
    if exemption.status == ExemptionStatus.PENDING_SCHOOL:
        exemption.school_decided_by, exemption.school_decided_at = actor, now
        exemption.status = ExemptionStatus.PENDING_COUNTY if approve else ExemptionStatus.REJECTED
    elif exemption.status == ExemptionStatus.PENDING_COUNTY:
        exemption.county_decided_by, exemption.county_decided_at = actor, now
        exemption.status = ExemptionStatus.APPROVED if approve else ExemptionStatus.REJECTED
    else:
        raise InvalidEnrolmentStateError
    exemption.decision_note = note[:500]
    exemption.save()
    record(enrolment, "exemption_decided", actor, request, status=[before, exemption.status])
    if exemption.status == ExemptionStatus.PENDING_COUNTY:
        notify.send(
            notify.holders("training.county_approve", enrolment.school.path),
            "exemption_waiting",
            project=enrolment.project,
            name=enrolment.person.name,
        )
    elif exemption.status == ExemptionStatus.APPROVED:
        if move(enrolment, S.EXEMPTED, frm={S.ENROLLED}, actor=actor, request=request):
            give_back_place(enrolment.project, enrolment.school_id)
        notify.send(teacher(enrolment), "exemption_approved", project=enrolment.project)
    else:
        notify.send(teacher(enrolment), "exemption_rejected", project=enrolment.project)
    return exemption
