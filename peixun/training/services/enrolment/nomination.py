"""Nomination: the school coordinator names a teacher of their school, within its quota; the
teacher (or the school on their behalf) then confirms (approval.confirm_enrolment)."""

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.orgs.models import Person
from peixun.training import selectors
from peixun.training.exceptions import (
    AlreadyEnrolledError,
    EnrolmentClosedError,
    NotEligibleError,
    WrongEnrolmentModeError,
)
from peixun.training.models import LIVE, Enrolment, EnrolmentMode, EnrolmentSource, Project
from peixun.training.services import notify
from peixun.training.services.enrolment.common import S, record, subject_for, teacher, write_enrolment
from peixun.training.services.enrolment.places import take_places


@transaction.atomic
def nominate(
    *, project: Project, person: Person, actor: User, subject: str = "", request: HttpRequest | None = None
) -> Enrolment:
    """The school coordinator nominates a teacher of their school within its quota; the teacher
    (or the school on their behalf) confirms."""
    if project.enrolment_mode != EnrolmentMode.NOMINATION:
        raise WrongEnrolmentModeError
    now = timezone.now()
    if not project.enrolment_open(now):
        raise EnrolmentClosedError
    decision = selectors.decision_for(project, person, timezone.localdate(now))
    if not decision.eligible:
        raise NotEligibleError(decision.reasons)
    subject = subject_for(decision, subject)
    existing = Enrolment.objects.select_for_update().filter(project=project, person=person).first()
    if existing is not None and existing.status in LIVE:
        raise AlreadyEnrolledError
    take_places(project, {person.org_id: 1})  # QuotaFullError, ProjectFullError
    try:
        with transaction.atomic():
            enrolment = write_enrolment(
                project=project,
                person=person,
                existing=existing,
                status=S.NOMINATED,
                source=EnrolmentSource.NOMINATION,
                stage="",
                subject=subject,
                school_id=person.org_id,
                offer_expires_at=None,
                created_by=actor,
            )
    except IntegrityError:
        raise AlreadyEnrolledError from None
    record(enrolment, "enrolment_created", actor, request, status=[None, S.NOMINATED], source="nomination")
    notify.send(notify.exclude(teacher(enrolment), actor), "nominated", project=project)
    return enrolment
