"""Writes for enrolment: self-enrolment, nomination and its confirmation, approval chains,
mandatory enrolment with exemptions, withdrawal, the waitlist and its promotion, school quotas
and their release, the lottery, and the end of the enrolment window.

Capacity (docs/decisions/0021-enrolment-capacity.md): a place is taken only by conditional
UPDATEs — the school's quota row, then the project row —

    UPDATE training_schoolquota SET used = used + 1 WHERE project_id = … AND org_id = … AND used < quota
    UPDATE training_project SET places_taken = places_taken + 1 WHERE id = … AND places_taken < capacity

and given back the same way. PostgreSQL re-checks the WHERE after waiting for a concurrent
writer's row lock, so two requests can never both take the last place; SQLite runs writers one at a
time (IMMEDIATE transactions). CHECK constraints (`places_taken ≤ capacity`, `used ≤ quota`) and
UNIQUE(project, person) back this up in the database. Lock order everywhere: the enrolment row,
then the quota row, then the project row — so concurrent enrolments and withdrawals never deadlock.
The locked part is a few statements; notices and audit rows are plain INSERTs.
"""

from collections import Counter
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from peixun.audit import events
from peixun.core.compiled import CompiledInsert, CompiledUpdate
from peixun.lib.dates import format_date_zh
from peixun.orgs.models import GrantRole, Person
from peixun.training import selectors
from peixun.training.exceptions import (
    AlreadyEnrolledError,
    CapacityTooSmallError,
    EnrolmentClosedError,
    ExemptionNotAllowedError,
    InvalidEnrolmentStateError,
    LotteryAlreadyDrawnError,
    NotEligibleError,
    ProjectFullError,
    QuotaError,
    QuotaFullError,
    SubjectRequiredError,
    WrongEnrolmentModeError,
)
from peixun.training.models import (
    HOLDING,
    LIVE,
    ApprovalChain,
    ApprovalStage,
    Enrolment,
    EnrolmentMode,
    EnrolmentSource,
    EnrolmentStatus,
    ExemptionRequest,
    ExemptionStatus,
    LotteryDraw,
    Project,
    ProjectStatus,
    QuotaMode,
    SchoolQuota,
)
from peixun.training.rules import eligibility, lottery, quotas
from peixun.training.services import notify
from peixun.training.services.projects import transition_project

S = EnrolmentStatus
# A teacher may withdraw (or decline) from these; managers too.
WITHDRAWABLE = frozenset({S.APPLIED, S.PENDING, S.NOMINATED, S.OFFERED, S.ENROLLED, S.WAITLISTED})
# Project states in which teachers may still withdraw themselves.
TEACHER_WITHDRAWABLE = frozenset({ProjectStatus.PUBLISHED, ProjectStatus.ENROLLING})
# Project states in which enrolments may still change.
ACTIVE_PROJECT = frozenset({ProjectStatus.PUBLISHED, ProjectStatus.ENROLLING, ProjectStatus.RUNNING})
PROMOTION_SCAN = 500
# What every enrolment attempt runs, compiled once: the UPDATE that takes a place, the new row.
NEW_ENROLMENT = CompiledInsert(Enrolment)
TAKE_PLACE = CompiledUpdate(
    lambda pk: Project.objects.filter(pk=pk, places_taken__lt=F("capacity")),
    places_taken=F("places_taken") + 1,
)


# --- Places ---------------------------------------------------------------------------------------


def _uses_quotas(project: Project) -> bool:
    return project.quota_mode != QuotaMode.NONE


def _claim(project: Project, school_id: int) -> None:
    """Take one place for a teacher of `school_id`: the school's quota, then the project's
    capacity. Raises QuotaFullError or ProjectFullError; callers run it in a savepoint so a
    refusal undoes the quota step."""
    if _uses_quotas(project):
        rows = SchoolQuota.objects.filter(project_id=project.pk, org_id=school_id)
        if project.quotas_released_at is not None:
            # After the release a school takes from the common pool: its quota grows with its use.
            if not rows.update(quota=F("quota") + 1, used=F("used") + 1):
                SchoolQuota.objects.get_or_create(project_id=project.pk, org_id=school_id)
                rows.update(quota=F("quota") + 1, used=F("used") + 1)
        elif not rows.filter(used__lt=F("quota")).update(used=F("used") + 1):
            raise QuotaFullError
    if not TAKE_PLACE.run(project.pk):
        raise ProjectFullError


def _release(project: Project, school_id: int) -> None:
    """Give back one place (the reverse of _claim, in the same lock order)."""
    if _uses_quotas(project):
        rows = SchoolQuota.objects.filter(project_id=project.pk, org_id=school_id, used__gt=0)
        if project.quotas_released_at is not None:
            rows.update(quota=F("quota") - 1, used=F("used") - 1)  # the place goes back to the pool
        else:
            rows.update(used=F("used") - 1)
    Project.objects.filter(pk=project.pk, places_taken__gt=0).update(places_taken=F("places_taken") - 1)


def _try_claim(project: Project, school_id: int) -> str | None:
    """_claim: None when taken, else the refusal's code. With quotas it runs in a savepoint, so a
    full project undoes the quota step; without, it is one UPDATE that changed nothing when refused."""
    try:
        if _uses_quotas(project):
            with transaction.atomic():
                _claim(project, school_id)
        else:
            _claim(project, school_id)
    except (ProjectFullError, QuotaFullError) as refusal:
        return refusal.code
    return None


def _record(enrolment: Enrolment, action: str, actor, request=None, **changes) -> None:
    events.record(
        action=action,
        actor=actor,
        target=enrolment,
        org_path=enrolment.school.path if enrolment.school_id and hasattr(enrolment, "school") else "",
        changes=changes,
        request=request,
        target_repr=f"{enrolment.person.name} · {enrolment.project.title}"[:200],
    )


def _move(enrolment: Enrolment, to: str, *, frm, actor, request=None, **fields) -> bool:
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
    _record(
        enrolment,
        "enrolment_changed",
        actor,
        request,
        status=[before, to],
        **{k: str(v) for k, v in fields.items() if k == "stage"},
    )
    return True


def _teacher(enrolment: Enrolment) -> list[int]:
    return notify.accounts_of([enrolment.person_id])


def _stage_notice(enrolment: Enrolment) -> None:
    """Tell whoever decides the enrolment's current approval stage."""
    if enrolment.stage == ApprovalStage.SCHOOL:
        users = notify.role_holders(GrantRole.SCHOOL_COORDINATOR, enrolment.school.path)
    else:
        users = notify.holders("training.county_approve", enrolment.school.path)
    notify.send(users, "enrolment_waiting", project=enrolment.project, name=enrolment.person.name)


def _subject(project: Project, decision: eligibility.Decision, subject: str) -> str:
    """B8: with target subjects, each enrolment names exactly one of them the person teaches."""
    if not decision.subjects:
        return ""
    if subject in decision.subjects:
        return subject
    if len(decision.subjects) == 1 and not subject:
        return decision.subjects[0]
    raise SubjectRequiredError


def _admitted_status(project: Project) -> tuple[str, str]:
    """(status, stage) of someone who got a place: waiting for the school when the project has an
    approval chain, else enrolled."""
    if project.approval_chain != ApprovalChain.NONE:
        return S.PENDING, ApprovalStage.SCHOOL
    return S.ENROLLED, ""


# --- Self-enrolment -------------------------------------------------------------------------------


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
    *, project: Project, person: Person, actor, subject: str = "", request=None, now: datetime | None = None
) -> Enrolment:
    """A teacher enrols themself: first come within capacity and the school's quota (waitlisted
    when full, if the project keeps a waitlist), or registers for a lottery project's draw. Raises
    a DomainError (closed, not eligible, already enrolled, full, quota used …)."""
    now = now or timezone.now()
    decision = check_can_enrol(project, person, now=now)
    subject = _subject(project, decision, subject)
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
    project: Project, person: Person, actor, *, source: str, subject: str, request=None, new: bool = False
) -> Enrolment:
    """Claim a place (or the waitlist, or the draw) and write the enrolment. `new`: insert without
    looking for an earlier row first (the caller falls back when the insert is refused)."""
    existing = (
        None if new else Enrolment.objects.select_for_update().filter(project=project, person=person).first()
    )
    if existing is not None and existing.status in LIVE:
        raise AlreadyEnrolledError
    stage = ""
    if source == EnrolmentSource.LOTTERY:
        status = S.APPLIED
    else:
        refusal = _try_claim(project, person.org_id)
        if refusal is None:
            status, stage = _admitted_status(project)
        elif project.waitlist:
            status = S.WAITLISTED
        elif refusal == QuotaFullError.code:
            raise QuotaFullError
        else:
            raise ProjectFullError
    fields = {
        "status": status,
        "source": source,
        "stage": stage,
        "subject": subject,
        "school_id": person.org_id,
        "offer_expires_at": None,
        "lottery_rank": None,
        "cohort": None,
        "created_by": actor if getattr(actor, "pk", None) else None,
    }
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        enrolment = existing
    else:
        enrolment = NEW_ENROLMENT.create(project=project, person=person, **fields)  # may race: see enrol
    enrolment.person, enrolment.project = person, project
    enrolment.school = person.org
    _record(enrolment, "enrolment_created", actor, request, status=[None, status], source=source)
    if status == S.PENDING:
        _stage_notice(enrolment)
    return enrolment


# --- Nomination, confirmation, approval -----------------------------------------------------------


@transaction.atomic
def nominate(*, project: Project, person: Person, actor, subject: str = "", request=None) -> Enrolment:
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
    subject = _subject(project, decision, subject)
    existing = Enrolment.objects.select_for_update().filter(project=project, person=person).first()
    if existing is not None and existing.status in LIVE:
        raise AlreadyEnrolledError
    refusal = _try_claim(project, person.org_id)
    if refusal == QuotaFullError.code:
        raise QuotaFullError
    if refusal is not None:
        raise ProjectFullError
    fields = {
        "status": S.NOMINATED,
        "source": EnrolmentSource.NOMINATION,
        "stage": "",
        "subject": subject,
        "school_id": person.org_id,
        "offer_expires_at": None,
        "created_by": actor,
    }
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        enrolment = existing
    else:
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(project=project, person=person, **fields)
        except IntegrityError:
            raise AlreadyEnrolledError from None
    enrolment.person, enrolment.project, enrolment.school = person, project, person.org
    _record(enrolment, "enrolment_created", actor, request, status=[None, S.NOMINATED], source="nomination")
    notify.send(notify.exclude(_teacher(enrolment), actor), "nominated", project=project)
    return enrolment


@transaction.atomic
def confirm_enrolment(*, enrolment: Enrolment, actor, request=None, now: datetime | None = None) -> Enrolment:
    """Confirm a nomination (teacher or school) or an offered place (before it expires)."""
    now = now or timezone.now()
    project = enrolment.project
    if enrolment.status == S.OFFERED:
        if enrolment.offer_expires_at is not None and enrolment.offer_expires_at <= now:
            raise InvalidEnrolmentStateError
        if not _move(
            enrolment, S.ENROLLED, frm={S.OFFERED}, actor=actor, request=request, offer_expires_at=None
        ):
            raise InvalidEnrolmentStateError
        return enrolment
    if enrolment.status == S.NOMINATED:
        if project.approval_chain == ApprovalChain.SCHOOL_COUNTY:
            moved = _move(
                enrolment,
                S.PENDING,
                frm={S.NOMINATED},
                actor=actor,
                request=request,
                stage=ApprovalStage.COUNTY,
            )
            if moved:
                _stage_notice(enrolment)
        else:
            moved = _move(enrolment, S.ENROLLED, frm={S.NOMINATED}, actor=actor, request=request)
        if not moved:
            raise InvalidEnrolmentStateError
        return enrolment
    raise InvalidEnrolmentStateError


@transaction.atomic
def decide_enrolment(*, enrolment: Enrolment, approve: bool, actor, request=None) -> Enrolment:
    """Approve or reject an enrolment at its current stage (school, then county when the chain
    has both). A rejection frees the place for the waitlist."""
    if enrolment.status != S.PENDING:
        raise InvalidEnrolmentStateError
    project = enrolment.project
    if not approve:
        if not _move(enrolment, S.REJECTED, frm={S.PENDING}, actor=actor, request=request, stage=""):
            raise InvalidEnrolmentStateError
        _release(project, enrolment.school_id)
        notify.send(_teacher(enrolment), "enrolment_rejected", project=project)
        promote_waitlist(project=project)
        return enrolment
    if enrolment.stage == ApprovalStage.SCHOOL and project.approval_chain == ApprovalChain.SCHOOL_COUNTY:
        if not _move(
            enrolment, S.PENDING, frm={S.PENDING}, actor=actor, request=request, stage=ApprovalStage.COUNTY
        ):
            raise InvalidEnrolmentStateError
        _stage_notice(enrolment)
        return enrolment
    if not _move(enrolment, S.ENROLLED, frm={S.PENDING}, actor=actor, request=request, stage=""):
        raise InvalidEnrolmentStateError
    notify.send(_teacher(enrolment), "enrolment_approved", project=project)
    return enrolment


# --- Withdrawal and the waitlist ------------------------------------------------------------------


@transaction.atomic
def withdraw_enrolment(*, enrolment: Enrolment, actor, request=None, as_teacher: bool = False) -> Enrolment:
    """Withdraw (or decline a nomination or offer). A freed place goes to the waitlist at once.
    A teacher acting for themself may not leave a mandatory project (they ask for an exemption)
    nor one that has started (their school withdraws them)."""
    enrolment = Enrolment.objects.select_related("project", "project__organiser", "person", "school").get(
        pk=enrolment.pk
    )
    if enrolment.status not in WITHDRAWABLE or enrolment.project.status not in ACTIVE_PROJECT:
        raise InvalidEnrolmentStateError
    if as_teacher and enrolment.source == EnrolmentSource.MANDATORY and enrolment.status == S.ENROLLED:
        raise InvalidEnrolmentStateError(
            gettext("A mandatory project cannot be left; ask for an exemption instead.")
        )
    if as_teacher and enrolment.project.status not in TEACHER_WITHDRAWABLE:
        raise InvalidEnrolmentStateError(
            gettext("The training has started: ask your school to withdraw you.")
        )
    held = enrolment.holds_place
    if not _move(
        enrolment,
        S.WITHDRAWN,
        frm=WITHDRAWABLE,
        actor=actor,
        request=request,
        offer_expires_at=None,
        stage="",
    ):
        raise InvalidEnrolmentStateError
    if held:
        _release(enrolment.project, enrolment.school_id)
        promote_waitlist(project=enrolment.project)
    return enrolment


def promote_waitlist(*, project: Project, now: datetime | None = None) -> list[Enrolment]:
    """Fill free places from the waitlist, in order, skipping people whose school has used its
    quota. With a confirmation window the place is offered (and lapses if not confirmed);
    without one the person is enrolled at once. Call inside a transaction."""
    project = Project.objects.get(pk=project.pk)
    if not project.waitlist or project.status not in ACTIVE_PROJECT or project.places_left <= 0:
        return []
    now = now or timezone.now()
    promoted: list[Enrolment] = []
    for candidate in selectors.waitlist(project)[:PROMOTION_SCAN]:
        status, stage = _admitted_status(project)
        fields: dict = {"stage": stage}
        if status == S.ENROLLED and project.confirm_hours:
            status, fields["offer_expires_at"] = S.OFFERED, now + timedelta(hours=project.confirm_hours)
        try:
            with transaction.atomic():
                if not Enrolment.objects.filter(pk=candidate.pk, status=S.WAITLISTED).update(
                    status=status, updated_at=now, **fields
                ):
                    continue
                _claim(project, candidate.school_id)
        except QuotaFullError:
            continue
        except ProjectFullError:
            break
        candidate.project = project
        _record(candidate, "enrolment_changed", None, status=[S.WAITLISTED, status], promoted=True)
        if status == S.OFFERED:
            deadline = timezone.localtime(fields["offer_expires_at"])
            notify.send(
                _teacher(candidate),
                "place_offered",
                project=project,
                deadline=f"{format_date_zh(deadline.date())} {deadline:%H:%M}",
            )
        elif status == S.PENDING:
            _stage_notice(candidate)
        else:
            notify.send(_teacher(candidate), "promoted", project=project)
        promoted.append(candidate)
    return promoted


@transaction.atomic
def expire_offers(*, project: Project, now: datetime | None = None) -> int:
    """Offers not confirmed in time lapse; their places go to the next on the waitlist."""
    now = now or timezone.now()
    expired = 0
    for enrolment in project.enrolments.filter(status=S.OFFERED, offer_expires_at__lte=now).select_related(
        "person", "school", "project"
    ):
        if _move(enrolment, S.EXPIRED, frm={S.OFFERED}, actor=None, offer_expires_at=None):
            _release(project, enrolment.school_id)
            notify.send(_teacher(enrolment), "offer_expired", project=project)
            expired += 1
    if expired:
        promote_waitlist(project=project, now=now)
    return expired


# --- Mandatory enrolment and exemptions -----------------------------------------------------------


@transaction.atomic
def enrol_mandatory(*, project: Project, actor, request=None) -> int:
    """Enrol everyone in the audience for whom the project is mandatory (B1), except those already
    enrolled or exempted. Refused whole when the free places do not suffice."""
    if project.enrolment_mode != EnrolmentMode.MANDATORY:
        raise WrongEnrolmentModeError
    if project.status not in (ProjectStatus.PUBLISHED, ProjectStatus.ENROLLING):
        raise EnrolmentClosedError
    people = selectors.eligible_people(project, mandatory=True)
    existing = {e.person_id: e for e in Enrolment.objects.select_for_update().filter(project=project)}
    todo = [p for p in people if p.pk not in existing or existing[p.pk].status not in LIVE]
    if not todo:
        return 0
    taken = Project.objects.filter(pk=project.pk, places_taken__lte=F("capacity") - len(todo)).update(
        places_taken=F("places_taken") + len(todo)
    )
    if not taken:
        project.refresh_from_db(fields=["places_taken"])
        raise CapacityTooSmallError(eligible=len(todo), places=project.places_left)
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
    *, enrolment: Enrolment, reason: str, note: str, actor, request=None
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
    _record(enrolment, "exemption_requested", actor, request, reason=reason)
    notify.send(
        notify.role_holders(GrantRole.SCHOOL_COORDINATOR, enrolment.school.path),
        "exemption_waiting",
        project=enrolment.project,
        name=enrolment.person.name,
    )
    return exemption


@transaction.atomic
def decide_exemption(
    *, exemption: ExemptionRequest, approve: bool, actor, note: str = "", request=None
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
    _record(enrolment, "exemption_decided", actor, request, status=[before, exemption.status])
    if exemption.status == ExemptionStatus.PENDING_COUNTY:
        notify.send(
            notify.holders("training.county_approve", enrolment.school.path),
            "exemption_waiting",
            project=enrolment.project,
            name=enrolment.person.name,
        )
    elif exemption.status == ExemptionStatus.APPROVED:
        if _move(enrolment, S.EXEMPTED, frm={S.ENROLLED}, actor=actor, request=request):
            _release(enrolment.project, enrolment.school_id)
        notify.send(_teacher(enrolment), "exemption_approved", project=enrolment.project)
    else:
        notify.send(_teacher(enrolment), "exemption_rejected", project=enrolment.project)
    return exemption


# --- Quotas ---------------------------------------------------------------------------------------


@transaction.atomic
def set_quotas(
    *, project: Project, quotas_by_school: dict[int, int], actor, request=None
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
def set_proportional_quotas(*, project: Project, actor, request=None) -> list[SchoolQuota]:
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
def release_quotas(*, project: Project, actor=None, now: datetime | None = None, request=None) -> int:
    """Return unused quota to the common pool (each quota becomes what its school holds) and fill
    the freed places from the waitlist. Returns the number of places released."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.quotas_released_at is not None or not _uses_quotas(project):
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


# --- Lottery --------------------------------------------------------------------------------------


def lottery_applicants(project: Project) -> list[lottery.Applicant]:
    applicants = list(project.enrolments.filter(status=S.APPLIED).values_list("person_id", "school_id"))
    weights: dict[int, float] = {}
    if project.lottery_weighted and applicants:
        since = timezone.localdate().year - project.lottery_lookback_years + 1
        history = selectors.trainings_of([person_id for person_id, _school in applicants])
        weights = {
            person_id: lottery.fair_weight(sum(1 for t in history.get(person_id, []) if t.year >= since))
            for person_id, _school in applicants
        }
    return [
        lottery.Applicant(key=person_id, group=school_id, weight=weights.get(person_id, 1.0))
        for person_id, school_id in applicants
    ]


@transaction.atomic
def draw_lottery(
    *, project: Project, actor, seed: str = "", now: datetime | None = None, request=None
) -> LotteryDraw:
    """Draw the places of a lottery project once its window has closed. The seed (fresh unless
    given), the options, the applicant list's digest and the full order are recorded."""
    project = Project.objects.select_for_update().select_related("organiser").get(pk=project.pk)
    now = now or timezone.now()
    if project.enrolment_mode != EnrolmentMode.LOTTERY:
        raise WrongEnrolmentModeError
    if LotteryDraw.objects.filter(project=project).exists():
        raise LotteryAlreadyDrawnError
    if project.status not in (ProjectStatus.ENROLLING, ProjectStatus.PUBLISHED) or (
        project.enrol_closes_at is not None and now < project.enrol_closes_at
    ):
        raise EnrolmentClosedError(gettext("The lottery is drawn after the enrolment window closes."))
    seed = seed or lottery.new_seed()
    applicants = lottery_applicants(project)
    quota_map = None
    if _uses_quotas(project):
        quota_map = {q.org_id: q.quota - q.used for q in SchoolQuota.objects.filter(project=project)}
    places = project.places_left
    result = lottery.draw(applicants, seed=seed, places=places, quotas=quota_map)
    rank = {key: index for index, key in enumerate(result.order, 1)}
    by_key = {a.key: a for a in applicants}
    status, stage = _admitted_status(project)
    # Places in one conditional UPDATE each: the quotas, then the project.
    for school, count in Counter(by_key[key].group for key in result.winners).items():
        if _uses_quotas(project):
            SchoolQuota.objects.filter(project=project, org_id=school).update(used=F("used") + count)
    if result.winners:
        taken = Project.objects.filter(
            pk=project.pk, places_taken__lte=F("capacity") - len(result.winners)
        ).update(places_taken=F("places_taken") + len(result.winners))
        if not taken:
            raise ProjectFullError
    enrolments = list(project.enrolments.filter(status=S.APPLIED))
    winners = set(result.winners)
    loser_status = S.WAITLISTED if project.waitlist else S.NOT_DRAWN
    for enrolment in enrolments:
        enrolment.lottery_rank = rank[enrolment.person_id]
        if enrolment.person_id in winners:
            enrolment.status, enrolment.stage = status, stage
        else:
            enrolment.status = loser_status
        enrolment.updated_at = now
    Enrolment.objects.bulk_update(
        enrolments, ["status", "stage", "lottery_rank", "updated_at"], batch_size=1000
    )
    draw = LotteryDraw.objects.create(
        project=project,
        algorithm=lottery.ALGORITHM,
        seed=seed,
        weighted=project.lottery_weighted,
        lookback_years=project.lottery_lookback_years,
        places=places,
        applicants=len(applicants),
        winners=len(result.winners),
        input_digest=lottery.digest(applicants),
        quotas={str(k): v for k, v in (quota_map or {}).items()},
        entries=[
            [a.key, a.group, round(a.weight, 6), rank[a.key], a.key in winners]
            for a in sorted(applicants, key=lambda a: rank[a.key])
        ],
        drawn_by=actor if getattr(actor, "pk", None) else None,
    )
    events.record(
        action="lottery_drawn",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"seed": seed, "applicants": len(applicants), "winners": len(result.winners)},
        request=request,
    )
    accounts = dict(
        get_user_model()
        .objects.filter(person_id__in=list(by_key), is_active=True)
        .values_list("person_id", "id")
    )
    for enrolment in enrolments:
        user_id = accounts.get(enrolment.person_id)
        if user_id is None:
            continue
        if enrolment.person_id in winners:
            notify.send([user_id], "lottery_won", project=project)
        elif project.waitlist:
            notify.send(
                [user_id], "lottery_waitlisted", project=project, rank=enrolment.lottery_rank - len(winners)
            )
        else:
            notify.send([user_id], "lottery_not_drawn", project=project)
    return draw


def lottery_applicants_from(draw: LotteryDraw) -> list[lottery.Applicant]:
    """The applicant list a recorded draw was made from."""
    return [lottery.Applicant(key=e[0], group=e[1], weight=e[2]) for e in draw.entries]


def verify_lottery(draw: LotteryDraw) -> bool:
    """Re-run a recorded draw from its seed and applicant list: True when the order matches."""
    applicants = lottery_applicants_from(draw)
    if lottery.digest(applicants) != draw.input_digest:
        return False
    quota_map = {int(k): v for k, v in draw.quotas.items()} if draw.quotas else None
    again = lottery.draw(applicants, seed=draw.seed, places=draw.places, quotas=quota_map)
    return list(again.order) == [e[0] for e in draw.entries] and set(again.winners) == {
        e[0] for e in draw.entries if e[4]
    }


# --- The end of the enrolment window --------------------------------------------------------------


def close_window(*, project: Project, now: datetime | None = None, actor=None) -> Project:
    """When the window closes: draw the lottery (if any), then cancel the project if fewer than its
    minimum size hold places, telling everyone concerned. Done once per project."""
    now = now or timezone.now()
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.window_closed_at is not None or project.status != ProjectStatus.ENROLLING:
            return project
        if (
            project.enrolment_mode == EnrolmentMode.LOTTERY
            and not LotteryDraw.objects.filter(project=project).exists()
        ):
            draw_lottery(project=project, actor=actor, now=now)
            project.refresh_from_db()
        Project.objects.filter(pk=project.pk).update(window_closed_at=now)
        project.window_closed_at = now
        if project.min_size and project.places_taken < project.min_size:
            reason = gettext("Only %(count)s enrolled, fewer than the minimum of %(minimum)s.") % {
                "count": project.places_taken,
                "minimum": project.min_size,
            }
            project = transition_project(
                project=project, action="cancel", actor=actor, reason=reason, check_perm=False
            )
    return project


__all__ = [
    "HOLDING",
    "check_can_enrol",
    "close_window",
    "confirm_enrolment",
    "decide_enrolment",
    "decide_exemption",
    "draw_lottery",
    "enrol",
    "enrol_mandatory",
    "expire_offers",
    "lottery_applicants_from",
    "nominate",
    "promote_waitlist",
    "proportional_quotas",
    "release_quotas",
    "request_exemption",
    "set_proportional_quotas",
    "set_quotas",
    "verify_lottery",
    "withdraw_enrolment",
]
