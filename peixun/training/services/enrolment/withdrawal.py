"""Ways out of an enrolment that hold no approval: withdrawal (or declining a nomination or an
offer) and lapsed offers. A freed place goes back and on to the waitlist at once."""

from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from peixun.accounts.models import User
from peixun.training.exceptions import InvalidEnrolmentStateError
from peixun.training.models import Enrolment, EnrolmentSource, Project
from peixun.training.rules import lifecycle
from peixun.training.services import notify
from peixun.training.services.enrolment.common import (
    S,
    move,
    teacher,
)
from peixun.training.services.enrolment.places import give_back_place
from peixun.training.services.enrolment.waitlist import promote_waitlist


@transaction.atomic
def withdraw_enrolment(
    *, enrolment: Enrolment, actor: User, request: HttpRequest | None = None, as_teacher: bool = False
) -> Enrolment:
    """Withdraw (or decline a nomination or offer). A freed place goes to the waitlist at once.
    A teacher acting for themself may not leave a mandatory project (they ask for an exemption)
    nor one that has started (their school withdraws them)."""
    enrolment = Enrolment.objects.select_related("project", "project__organiser", "person", "school").get(
        pk=enrolment.pk
    )
    if (
        enrolment.status not in lifecycle.WITHDRAWABLE
        or enrolment.project.status not in lifecycle.BEFORE_ASSESSMENT
    ):
        raise InvalidEnrolmentStateError
    if as_teacher and enrolment.source == EnrolmentSource.MANDATORY and enrolment.status == S.ENROLLED:
        raise InvalidEnrolmentStateError(
            gettext("A mandatory project cannot be left; ask for an exemption instead.")
        )
    if as_teacher and enrolment.project.status not in lifecycle.OPEN_FOR_ENROLMENT:
        raise InvalidEnrolmentStateError(
            gettext("The training has started: ask your school to withdraw you.")
        )
    held = enrolment.holds_place
    if not move(
        enrolment,
        S.WITHDRAWN,
        frm=lifecycle.WITHDRAWABLE,
        actor=actor,
        request=request,
        offer_expires_at=None,
        stage="",
    ):
        raise InvalidEnrolmentStateError
    if held:
        give_back_place(enrolment.project, enrolment.school_id)
        promote_waitlist(project=enrolment.project)
    return enrolment


@transaction.atomic
def expire_offers(*, project: Project, now: datetime | None = None) -> int:
    """Offers not confirmed in time lapse; their places go to the next on the waitlist."""
    now = now or timezone.now()
    expired = 0
    for enrolment in project.enrolments.filter(status=S.OFFERED, offer_expires_at__lte=now).select_related(
        "person", "school", "project"
    ):
        if move(enrolment, S.EXPIRED, frm={S.OFFERED}, actor=None, offer_expires_at=None):
            give_back_place(project, enrolment.school_id)
            notify.send(teacher(enrolment), "offer_expired", project=project)
            expired += 1
    if expired:
        promote_waitlist(project=project, now=now)
    return expired
