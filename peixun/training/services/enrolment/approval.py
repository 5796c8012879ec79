"""Confirmation and approval of a place already taken: a nomination or an offered place is
confirmed; an approval chain decides at the school, then the county. A rejection gives the place
back to the waitlist."""

from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.training.exceptions import InvalidEnrolmentStateError
from peixun.training.models import ApprovalChain, ApprovalStage, Enrolment
from peixun.training.services import notify
from peixun.training.services.enrolment.common import S, move, stage_notice, teacher
from peixun.training.services.enrolment.places import give_back_place
from peixun.training.services.enrolment.waitlist import promote_waitlist


@transaction.atomic
def confirm_enrolment(
    *, enrolment: Enrolment, actor: User, request: HttpRequest | None = None, now: datetime | None = None
) -> Enrolment:
    """Confirm a nomination (teacher or school) or an offered place (before it expires)."""
    now = now or timezone.now()
    project = enrolment.project
    if enrolment.status == S.OFFERED:
        if enrolment.offer_expires_at is not None and enrolment.offer_expires_at <= now:
            raise InvalidEnrolmentStateError
        if not move(
            enrolment, S.ENROLLED, frm={S.OFFERED}, actor=actor, request=request, offer_expires_at=None
        ):
            raise InvalidEnrolmentStateError
        return enrolment
    if enrolment.status == S.NOMINATED:
        if project.approval_chain == ApprovalChain.SCHOOL_COUNTY:
            moved = move(
                enrolment,
                S.PENDING,
                frm={S.NOMINATED},
                actor=actor,
                request=request,
                stage=ApprovalStage.COUNTY,
            )
            if moved:
                stage_notice(enrolment)
        else:
            moved = move(enrolment, S.ENROLLED, frm={S.NOMINATED}, actor=actor, request=request)
        if not moved:
            raise InvalidEnrolmentStateError
        return enrolment
    raise InvalidEnrolmentStateError


@transaction.atomic
def decide_enrolment(
    *, enrolment: Enrolment, approve: bool, actor: User, request: HttpRequest | None = None
) -> Enrolment:
    """Approve or reject an enrolment at its current stage (school, then county when the chain
    has both). A rejection frees the place for the waitlist."""
    if enrolment.status != S.PENDING:
        raise InvalidEnrolmentStateError
    project = enrolment.project
    if not approve:
        if not move(enrolment, S.REJECTED, frm={S.PENDING}, actor=actor, request=request, stage=""):
            raise InvalidEnrolmentStateError
        give_back_place(project, enrolment.school_id)
        notify.send(teacher(enrolment), "enrolment_rejected", project=project)
        promote_waitlist(project=project)
        return enrolment
    if enrolment.stage == ApprovalStage.SCHOOL and project.approval_chain == ApprovalChain.SCHOOL_COUNTY:
        if not move(
            enrolment, S.PENDING, frm={S.PENDING}, actor=actor, request=request, stage=ApprovalStage.COUNTY
        ):
            raise InvalidEnrolmentStateError
        stage_notice(enrolment)
        return enrolment
    if not move(enrolment, S.ENROLLED, frm={S.PENDING}, actor=actor, request=request, stage=""):
        raise InvalidEnrolmentStateError
    notify.send(teacher(enrolment), "enrolment_approved", project=project)
    return enrolment
