"""Exemptions from mandatory enrolment (B4), decided by the school then the county; an approved
one gives the place back, to the first on the waitlist. Enrolling the mandatory audience itself is
`mandatory_runs`."""

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.orgs.models import GrantRole
from peixun.training.exceptions import (
    ExemptionNotAllowedError,
    InvalidEnrolmentStateError,
)
from peixun.training.models import (
    Enrolment,
    EnrolmentSource,
    ExemptionRequest,
    ExemptionStatus,
)
from peixun.training.services import notify
from peixun.training.services.enrolment.common import S, move, record, teacher
from peixun.training.services.enrolment.places import give_back_place
from peixun.training.services.enrolment.waitlist import promote_waitlist


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
            promote_waitlist(project=enrolment.project)  # the freed place goes down the waitlist
        notify.send(teacher(enrolment), "exemption_approved", project=enrolment.project)
    else:
        notify.send(teacher(enrolment), "exemption_rejected", project=enrolment.project)
    return exemption
