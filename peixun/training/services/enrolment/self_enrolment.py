"""Self-enrolment: a teacher enrols themself — first come within capacity and the school's quota
(waitlisted when full, if the project keeps a waitlist), or registers for a lottery project's draw.
The hot path of deadline day: one place UPDATE, one INSERT, one audit row (ADR 0021, 0030)."""

from datetime import datetime

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
    ProjectFullError,
    QuotaFullError,
    WrongEnrolmentModeError,
)
from peixun.training.models import LIVE, Enrolment, EnrolmentMode, EnrolmentSource, Project
from peixun.training.rules import eligibility
from peixun.training.services.enrolment.common import (
    S,
    admitted_status,
    record,
    stage_notice,
    subject_for,
    write_enrolment,
)
from peixun.training.services.enrolment.places import try_take_place


def check_can_enrol(project: Project, person: Person, *, now: datetime | None = None) -> eligibility.Decision:
    """Raise the reason a person cannot enrol themself now; the decision when they can."""
    now = now or timezone.now()
    if project.enrolment_mode == EnrolmentMode.NOMINATION:
        raise WrongEnrolmentModeError
    if not project.enrolment_open(now):
        raise EnrolmentClosedError
    decision = selectors.decision_for(project, person, timezone.localdate(now))
    if not decision.eligible:
        raise NotEligibleError(decision.reasons)
    return decision


def enrol(
    *,
    project: Project,
    person: Person,
    actor: User | None,
    subject: str = "",
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Enrolment:
    """A teacher enrols themself: first come within capacity and the school's quota (waitlisted
    when full, if the project keeps a waitlist), or registers for a lottery project's draw. Raises
    a DomainError (closed, not eligible, already enrolled, full, quota used …)."""
    now = now or timezone.now()
    decision = check_can_enrol(project, person, now=now)
    subject = subject_for(decision, subject)
    source = (
        EnrolmentSource.LOTTERY if project.enrolment_mode == EnrolmentMode.LOTTERY else EnrolmentSource.SELF
    )
    # Most attempts are a first enrolment: claim and insert straight away. UNIQUE(project, person)
    # refuses the insert when a row exists — a second click that lost the race, or an earlier
    # enrolment — and the whole attempt, its place included, is rolled back.
    try:
        with transaction.atomic():
            return _take(project, person, actor, source=source, subject=subject, request=request, new=True)
    except (IntegrityError, ProjectFullError, QuotaFullError):
        # Refused at the insert, or before it for want of a place: someone already enrolled hears
        # that, not "full"; someone with an earlier, ended enrolment takes it up below.
        status = (
            Enrolment.objects.filter(project=project, person=person).values_list("status", flat=True).first()
        )
        if status is None:
            raise
        if status in LIVE:
            raise AlreadyEnrolledError from None
    # Enrolling again after withdrawing (or being cancelled): the old row is locked and taken up.
    try:
        with transaction.atomic():
            return _take(project, person, actor, source=source, subject=subject, request=request)
    except IntegrityError:
        if Enrolment.objects.filter(project=project, person=person).exists():
            raise AlreadyEnrolledError from None
        raise


def _take(
    project: Project,
    person: Person,
    actor: User | None,
    *,
    source: str,
    subject: str,
    request: HttpRequest | None = None,
    new: bool = False,
) -> Enrolment:
    """Take a place (or the waitlist, or the draw) and write the enrolment. `new`: insert without
    looking for an earlier row first (the caller falls back when the insert is refused)."""
    existing = (
        None if new else Enrolment.objects.select_for_update().filter(project=project, person=person).first()
    )
    if existing is not None and existing.status in LIVE:
        raise AlreadyEnrolledError
    stage = ""
    if source == EnrolmentSource.LOTTERY:
        status = S.APPLIED  # a registration takes no place: the draw takes the winners' places
    else:
        refusal = try_take_place(project, person.org_id)
        if refusal is None:
            status, stage = admitted_status(project)
        elif project.waitlist:
            status = S.WAITLISTED
        elif refusal == QuotaFullError.code:
            raise QuotaFullError
        else:
            raise ProjectFullError
    enrolment = write_enrolment(  # a new row may race: see enrol
        project=project,
        person=person,
        existing=existing,
        status=status,
        source=source,
        stage=stage,
        subject=subject,
        school_id=person.org_id,
        offer_expires_at=None,
        lottery_rank=None,
        cohort=None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record(enrolment, "enrolment_created", actor, request, status=[None, status], source=source)
    if status == S.PENDING:
        stage_notice(enrolment)
    return enrolment
