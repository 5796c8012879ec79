"""Writes for school-based training (校本研修). Every change is audited; a refusal is a
SchoolBasedError saying what to fix; each action runs in one transaction.

Acceptance of a registration posts each teacher's counted hours to the ledger once: the key of an
entry is `schoolbased:<registration>:<teacher>:<line>`, so a second acceptance (or a submission
accepted again after a return) finds the keys taken and writes nothing twice (ADR 0055)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core import bulk
from peixun.ledger import compliance
from peixun.ledger.models import CreditEntry
from peixun.lib.dates import format_hours
from peixun.orgs.imports.common import chunked
from peixun.orgs.models import Org, Person, PersonStatus
from peixun.schoolbased import selectors
from peixun.schoolbased.exceptions import (
    CommentRequiredError,
    DisputesOpenError,
    ExcludedTeacherError,
    FileRejectedError,
    LineInvalidError,
    MoveNotAllowedError,
    NotEditableError,
    PlanIncompleteError,
    PlanNotApprovedError,
)
from peixun.schoolbased.models import (
    Activity,
    Answer,
    DistrictYear,
    PlanLine,
    PlanState,
    PlanVersion,
    PrescribedTopic,
    Registration,
    RegistrationState,
    SchoolPlan,
    TeacherLine,
)
from peixun.schoolbased.rules import lifecycle as flow
from peixun.schoolbased.rules.caps import Caps, PlannedLine, Problem, RegisteredLine, allocate, plan_problems

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
SOURCE_LABEL = "校本研修"


def _hours(value: object, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise LineInvalidError(why=_("%(what)s: enter a number of hours.") % {"what": what}) from None
    if amount <= 0 or amount > 240 or (amount * 2) % 1:
        raise LineInvalidError(
            why=_("%(what)s: hours must be more than 0 and at most 240, in steps of 0.5.") % {"what": what}
        )
    return amount


def _state_label(choices: type[models.TextChoices], state: str) -> str:
    return str(dict(choices.choices)[state])


# --- The district's year and topics ----------------------------------------------------------------


@transaction.atomic
def publish_year(
    *, org: Org, school_year: int, deadline: date, actor: User, request: HttpRequest | None = None
) -> DistrictYear:
    year, created = DistrictYear.objects.get_or_create(
        org=org, school_year=school_year, defaults={"deadline": deadline, "created_by": actor}
    )
    if not created and year.deadline != deadline:
        before = year.deadline
        year.deadline = deadline
        year.save(update_fields=["deadline"])
        changes: dict[str, object] = {"deadline": [str(before), str(deadline)]}
    else:
        changes = {"school_year": school_year, "deadline": str(deadline)}
    events.record(
        action="sb_year_published",
        actor=actor,
        target=year,
        org_path=org.path,
        changes=changes,
        request=request,
    )
    return year


@transaction.atomic
def add_topic(
    *,
    district_year: DistrictYear,
    title: str,
    category: str,
    level: str,
    planned_hours: object,
    actor: User,
    request: HttpRequest | None = None,
) -> PrescribedTopic:
    hours = _hours(planned_hours, _("Planned hours"))
    topic = PrescribedTopic.objects.create(
        district_year=district_year, title=title.strip(), category=category, level=level, planned_hours=hours
    )
    events.record(
        action="sb_topic_added",
        actor=actor,
        target=topic,
        org_path=district_year.org.path,
        changes={"title": topic.title, "category": category, "planned_hours": str(hours)},
        request=request,
    )
    return topic


# --- The school's plan -----------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *, school: Org, school_year: int, actor: User, request: HttpRequest | None = None
) -> SchoolPlan:
    plan, created = SchoolPlan.objects.get_or_create(
        school=school, school_year=school_year, defaults={"created_by": actor}
    )
    if created:
        events.record(
            action="sb_plan_created",
            actor=actor,
            target=plan,
            org_path=school.path,
            changes={"school_year": plan.year_label},
            request=request,
        )
    return plan


def _editable(plan: SchoolPlan) -> None:
    if not plan.editable:
        raise NotEditableError(state=_state_label(PlanState, plan.state))


LINE_FIELDS = ("title", "category", "level", "planned_hours", "starts_on", "ends_on", "budget")


@transaction.atomic
def save_line(
    *,
    plan: SchoolPlan,
    actor: User,
    title: str,
    category: str,
    level: str,
    planned_hours: object,
    starts_on: date,
    ends_on: date,
    leader: Person | None = None,
    budget: Decimal | None = None,
    topic: PrescribedTopic | None = None,
    line: PlanLine | None = None,
    request: HttpRequest | None = None,
) -> PlanLine:
    plan = SchoolPlan.objects.select_for_update().select_related("school").get(pk=plan.pk)
    _editable(plan)
    hours = _hours(planned_hours, _("Planned hours"))
    start, end = selectors.year_start(plan.school_year), date(plan.school_year + 1, 8, 31)
    if not (start <= starts_on <= ends_on <= end):
        raise LineInvalidError(
            why=_(
                "Dates: the activity must start and end within the school year (%(start)s to %(end)s), "
                "the end on or after the start."
            )
            % {
                "start": f"{start.year}年{start.month}月{start.day}日",
                "end": f"{end.year}年{end.month}月{end.day}日",
            }
        )
    if leader is not None and leader.org_id != plan.school_id:
        raise LineInvalidError(why=_("Leader: choose a teacher of this school."))
    if (
        topic is not None
        and not selectors.topics_for(plan.school, plan.school_year).filter(pk=topic.pk).exists()
    ):
        raise LineInvalidError(
            why=_("Prescribed topic: choose one the district published for this school year.")
        )
    budget = Decimal(0) if budget is None else Decimal(budget)
    if budget < 0:
        raise LineInvalidError(why=_("Budget: enter 0 or more yuan."))
    creating = line is None
    if line is None:
        line = PlanLine(plan=plan)
    before = {name: str(getattr(line, name, "")) for name in LINE_FIELDS} if not creating else {}
    line.title, line.category, line.level = title.strip(), category, level
    line.planned_hours, line.starts_on, line.ends_on = hours, starts_on, ends_on
    line.leader, line.budget, line.topic = leader, Decimal(budget), topic
    line.save()
    after = {name: str(getattr(line, name)) for name in LINE_FIELDS}
    events.record(
        action="sb_plan_line_saved",
        actor=actor,
        target=plan,
        org_path=plan.school.path,
        changes=after if creating else events.diff(before, after),
        request=request,
    )
    return line


@transaction.atomic
def delete_line(*, line: PlanLine, actor: User, request: HttpRequest | None = None) -> None:
    plan = SchoolPlan.objects.select_for_update().select_related("school").get(pk=line.plan_id)
    _editable(plan)
    title = line.title
    line.delete()
    events.record(
        action="sb_plan_line_deleted",
        actor=actor,
        target=plan,
        org_path=plan.school.path,
        changes={"title": title},
        request=request,
    )


def _credits(hours: Decimal, caps: Caps) -> str:
    return format_hours(hours / caps.hours_per_credit)


def problem_text(problem: Problem, caps: Caps) -> str:
    """A plan problem in words, saying what to change."""
    if problem.kind == "no_lines":
        return _("Add at least one activity.")
    if problem.kind == "missing_topic":
        return _("The district's prescribed topic “%(title)s” is missing: add a line for it.") % {
            "title": problem.title
        }
    what = {
        "prescribed": _("Prescribed content"),
        "own": _("School-chosen content"),
        "total": _("All school-based training"),
    }[problem.what]
    return _(
        "%(what)s: %(planned)s credits planned, over the yearly cap of %(cap)s credits by %(excess)s; "
        "reduce the planned hours."
    ) % {
        "what": what,
        "planned": _credits(problem.planned, caps),
        "cap": _credits(problem.cap, caps),
        "excess": _credits(problem.excess, caps),
    }


def check_plan(plan: SchoolPlan) -> list[str]:
    """What keeps the plan from being submitted, in words (empty: it may be)."""
    caps = selectors.caps_for(plan.school, plan.school_year)
    topics = {topic.pk: topic.title for topic in selectors.topics_for(plan.school, plan.school_year)}
    lines = [PlannedLine(line.topic_id, line.planned_hours) for line in plan.lines.all()]
    return [problem_text(problem, caps) for problem in plan_problems(lines, topics, caps)]


def _snapshot(plan: SchoolPlan) -> list[dict]:
    return [
        {
            "id": line.pk,
            "title": line.title,
            "category": line.get_category_display(),
            "level": line.get_level_display(),
            "prescribed": line.prescribed,
            "planned_hours": str(line.planned_hours),
            "starts_on": line.starts_on.isoformat(),
            "ends_on": line.ends_on.isoformat(),
            "leader": line.leader.name if line.leader else "",
            "budget": str(line.budget),
        }
        for line in plan.lines.select_related("leader").order_by("starts_on", "id")
    ]


@transaction.atomic
def submit_plan(*, plan: SchoolPlan, actor: User, request: HttpRequest | None = None) -> PlanVersion:
    plan = SchoolPlan.objects.select_for_update().select_related("school").get(pk=plan.pk)
    target = flow.plan_move(plan.state, "submit")
    if target is None:
        raise MoveNotAllowedError(state=_state_label(PlanState, plan.state))
    problems = check_plan(plan)
    if problems:
        raise PlanIncompleteError(problems)
    before = plan.state
    plan.version += 1
    plan.state = target
    plan.save(update_fields=["version", "state"])
    version = PlanVersion.objects.create(
        plan=plan, number=plan.version, lines=_snapshot(plan), submitted_by=actor
    )
    events.record(
        action="sb_plan_submitted",
        actor=actor,
        target=plan,
        org_path=plan.school.path,
        changes={"state": [before, target], "version": plan.version},
        request=request,
    )
    return version


@transaction.atomic
def decide_plan(
    *,
    plan: SchoolPlan,
    actor: User,
    approve: bool,
    comment: str = "",
    line_comments: dict[int, str] | None = None,
    request: HttpRequest | None = None,
) -> SchoolPlan:
    plan = SchoolPlan.objects.select_for_update().select_related("school").get(pk=plan.pk)
    action = "approve" if approve else "return"
    target = flow.plan_move(plan.state, action)
    if target is None:
        raise MoveNotAllowedError(state=_state_label(PlanState, plan.state))
    notes = {int(pk): text.strip() for pk, text in (line_comments or {}).items() if text and text.strip()}
    comment = comment.strip()
    if not approve and not notes and not comment:
        raise CommentRequiredError
    lines = {line.pk: line for line in plan.lines.all()}
    for line in lines.values():
        line.comment = notes.get(line.pk, "")
        line.save(update_fields=["comment"])
    version = plan.versions.get(number=plan.version)
    version.outcome, version.comment = target, comment
    version.line_comments = {str(pk): text for pk, text in notes.items() if pk in lines}
    version.decided_by, version.decided_at = actor, timezone.now()
    version.save()
    before = plan.state
    plan.state, plan.comment = target, comment
    plan.save(update_fields=["state", "comment"])
    changes: dict = {"state": [before, target], "version": plan.version}
    if comment:
        changes["comment"] = comment
    for pk, text in notes.items():
        if pk in lines:
            changes[f"line:{lines[pk].title}"] = text
    events.record(
        action="sb_plan_approved" if approve else "sb_plan_returned",
        actor=actor,
        target=plan,
        org_path=plan.school.path,
        changes=changes,
        request=request,
    )
    return plan


# --- The year-end registration ----------------------------------------------------------------------


@transaction.atomic
def start_registration(*, plan: SchoolPlan, actor: User, request: HttpRequest | None = None) -> Registration:
    if plan.state != PlanState.APPROVED:
        raise PlanNotApprovedError
    year = selectors.district_year(plan.school, plan.school_year)
    registration, created = Registration.objects.get_or_create(
        plan=plan, defaults={"deadline": year.deadline if year else None}
    )
    if created:
        events.record(
            action="sb_registration_started",
            actor=actor,
            target=registration,
            org_path=plan.school.path,
            changes={"school_year": plan.year_label},
            request=request,
        )
    return registration


def _lock_registration(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().select_related("plan__school").get(pk=registration.pk)


def _registration_editable(registration: Registration) -> None:
    if not registration.editable:
        raise NotEditableError(state=_state_label(RegistrationState, registration.state))


def _check_teacher(person: Person, school: Org) -> None:
    if person.org_id != school.pk:
        raise LineInvalidError(why=_("Teacher: choose a teacher of this school."))
    if person.status != PersonStatus.ACTIVE:
        raise ExcludedTeacherError(name=person.name, reason=person.get_status_display())


def _check_day(day: date, registration: Registration) -> None:
    year = registration.plan.school_year
    start, end = selectors.year_start(year), min(date(year + 1, 8, 31), timezone.localdate())
    if not start <= day <= end:
        raise LineInvalidError(why=_("Date: choose a day of the school year, not after today."))


def _not_from_an_activity(registration: Registration, person: Person, line: PlanLine, day: date) -> None:
    """Refuse a line that an activity run from the plan already gives the teacher (no double
    counting: the activity's register is the record)."""
    if registration.lines.filter(
        person=person, line=line, run__starts_on__lte=day, run__ends_on__gte=day
    ).exists():
        raise LineInvalidError(
            why=_(
                "%(name)s already has this activity's hours from its register; correct the register instead."
            )
            % {"name": person.name}
        )


@transaction.atomic
def record_activity(
    *,
    registration: Registration,
    line: PlanLine,
    held_on: date,
    attendees: list[tuple[Person, object]],
    actor: User,
    request: HttpRequest | None = None,
) -> Activity:
    """An activity of the plan held on a day, with each attendee's hours: one line per teacher."""
    registration = _lock_registration(registration)
    _registration_editable(registration)
    school = registration.plan.school
    if line.plan_id != registration.plan_id:
        raise LineInvalidError(why=_("Activity: choose a line of this school's plan."))
    _check_day(held_on, registration)
    if not attendees:
        raise LineInvalidError(why=_("Attendees: choose at least one teacher."))
    seen: set[int] = set()
    checked = []
    for person, hours in attendees:
        _check_teacher(person, school)
        if person.pk in seen:
            continue
        seen.add(person.pk)
        _not_from_an_activity(registration, person, line, held_on)
        checked.append((person, _hours(hours, person.name)))
    activity = Activity.objects.create(
        registration=registration, line=line, held_on=held_on, created_by=actor
    )
    TeacherLine.objects.bulk_create(
        TeacherLine(
            registration=registration,
            person=person,
            line=line,
            activity=activity,
            hours=hours,
            earned_on=held_on,
        )
        for person, hours in checked
    )
    events.record(
        action="sb_activity_recorded",
        actor=actor,
        target=registration,
        org_path=school.path,
        changes={"title": line.title, "held_on": held_on.isoformat(), "attendees": len(checked)},
        request=request,
    )
    return activity


@dataclass(frozen=True)
class Evidence:
    name: str
    data: bytes


def check_evidence(upload: Evidence) -> str:
    """The evidence file's type (PDF, PNG or JPEG, by its first bytes), within the size cap."""
    if not upload.data:
        raise FileRejectedError(why=_("the file is empty"))
    if len(upload.data) > MAX_EVIDENCE_BYTES:
        raise FileRejectedError(why=_("larger than 5 MB"))
    for magic, content_type, _extension in EVIDENCE_TYPES:
        if upload.data.startswith(magic):
            return content_type
    raise FileRejectedError(why=_("only PDF and images (PNG, JPEG) are accepted"))


@transaction.atomic
def add_manual_line(
    *,
    registration: Registration,
    person: Person,
    line: PlanLine,
    hours: object,
    earned_on: date,
    evidence: Evidence,
    actor: User,
    request: HttpRequest | None = None,
) -> TeacherLine:
    """A line for an activity that was not recorded, with its evidence (a file)."""
    registration = _lock_registration(registration)
    _registration_editable(registration)
    school = registration.plan.school
    if line.plan_id != registration.plan_id:
        raise LineInvalidError(why=_("Activity: choose a line of this school's plan."))
    _check_teacher(person, school)
    _check_day(earned_on, registration)
    _not_from_an_activity(registration, person, line, earned_on)
    amount = _hours(hours, _("Hours"))
    content_type = check_evidence(evidence)
    name = "".join(char for char in evidence.name.replace("\\", "/").split("/")[-1] if char.isprintable())[
        :200
    ]
    teacher_line = TeacherLine.objects.create(
        registration=registration,
        person=person,
        line=line,
        hours=amount,
        earned_on=earned_on,
        evidence_name=name or "evidence",
        evidence_type=content_type,
        evidence=evidence.data,
    )
    events.record(
        action="sb_manual_line_added",
        actor=actor,
        target=registration,
        org_path=school.path,
        changes={
            "person": person.name,
            "title": line.title,
            "hours": str(amount),
            "evidence": teacher_line.evidence_name,
        },
        request=request,
    )
    return teacher_line


@transaction.atomic
def answer_line(
    *, line: TeacherLine, actor: User, confirm: bool, reason: str = "", request: HttpRequest | None = None
) -> TeacherLine:
    """The teacher confirms a line, or disputes it with a reason."""
    registration = _lock_registration(line.registration)
    _registration_editable(registration)
    line = TeacherLine.objects.select_for_update().get(pk=line.pk)
    reason = reason.strip()
    if not confirm and not reason:
        raise LineInvalidError(why=_("Say why the line is wrong (for example the hours or the date)."))
    before = line.answer
    line.answer = Answer.CONFIRMED if confirm else Answer.DISPUTED
    line.dispute_reason = "" if confirm else reason
    line.save(update_fields=["answer", "dispute_reason"])
    changes: dict = {"answer": [before, line.answer]}
    if reason and not confirm:
        changes["reason"] = reason
    events.record(
        action="sb_line_answered",
        actor=actor,
        target=line,
        org_path=registration.plan.school.path,
        changes=changes,
        request=request,
    )
    return line


@transaction.atomic
def resolve_line(
    *, line: TeacherLine, actor: User, hours: object, resolution: str, request: HttpRequest | None = None
) -> TeacherLine:
    """The school answers a dispute: the hours kept (or corrected) and why."""
    registration = _lock_registration(line.registration)
    _registration_editable(registration)
    line = TeacherLine.objects.select_for_update().get(pk=line.pk)
    if line.answer != Answer.DISPUTED:
        raise LineInvalidError(why=_("Only a disputed line is resolved."))
    resolution = resolution.strip()
    if not resolution:
        raise LineInvalidError(why=_("Write how the dispute was resolved."))
    amount = _hours(hours, _("Hours"))
    before = str(line.hours)
    line.hours, line.answer, line.resolution = amount, Answer.RESOLVED, resolution
    line.save(update_fields=["hours", "answer", "resolution"])
    events.record(
        action="sb_line_resolved",
        actor=actor,
        target=line,
        org_path=registration.plan.school.path,
        changes={"hours": [before, str(amount)], "resolution": resolution},
        request=request,
    )
    return line


@transaction.atomic
def submit_registration(
    *, registration: Registration, actor: User, request: HttpRequest | None = None
) -> Registration:
    registration = _lock_registration(registration)
    target = flow.registration_move(registration.state, "submit")
    if target is None:
        raise MoveNotAllowedError(state=_state_label(RegistrationState, registration.state))
    open_disputes = registration.lines.filter(answer=Answer.DISPUTED).count()
    if open_disputes:
        raise DisputesOpenError(count=open_disputes)
    if not registration.lines.exists():
        raise LineInvalidError(why=_("Record at least one activity with its attendees first."))
    now = timezone.now()
    before = registration.state
    registration.state, registration.submitted_at = target, now
    registration.late = registration.deadline is not None and timezone.localdate() > registration.deadline
    registration.save(update_fields=["state", "submitted_at", "late"])
    events.record(
        action="sb_registration_submitted",
        actor=actor,
        target=registration,
        org_path=registration.plan.school.path,
        changes={"state": [before, target], "late": registration.late},
        request=request,
    )
    return registration


@dataclass
class Posting:
    posted: int = 0
    already: int = 0
    not_counted: Decimal = Decimal(0)
    people: int = 0


@transaction.atomic
def decide_registration(
    *,
    registration: Registration,
    actor: User,
    accept: bool,
    comment: str = "",
    request: HttpRequest | None = None,
) -> Posting:
    """The district returns the registration with a comment, or accepts it: the counted hours
    are posted to the ledger (once)."""
    registration = _lock_registration(registration)
    target = flow.registration_move(registration.state, "accept" if accept else "return")
    if target is None:
        raise MoveNotAllowedError(state=_state_label(RegistrationState, registration.state))
    comment = comment.strip()
    if not accept and not comment:
        raise CommentRequiredError
    before = registration.state
    registration.state, registration.comment = target, comment
    fields = ["state", "comment"]
    posting = Posting()
    if accept:
        registration.accepted_at = timezone.now()
        fields.append("accepted_at")
        posting = post_registration(registration, actor=actor)
    registration.save(update_fields=fields)
    changes: dict = {"state": [before, target]}
    if comment:
        changes["comment"] = comment
    if accept:
        changes.update(posted=posting.posted, people=posting.people, not_counted=str(posting.not_counted))
    events.record(
        action="sb_registration_accepted" if accept else "sb_registration_returned",
        actor=actor,
        target=registration,
        org_path=registration.plan.school.path,
        changes=changes,
        request=request,
    )
    return posting


ENTRY_FIELDS = (
    "person_id",
    "hours",
    "category",
    "tags",
    "level",
    "mode",
    "credit_class",
    "earned_on",
    "source",
    "source_ref",
    "title",
    "organiser",
    "idempotency_key",
    "author_id",
    "reason",
    "created_at",
)


def entry_key(registration_id: int, person_id: int, line_id: int) -> str:
    return f"schoolbased:{registration_id}:{person_id}:{line_id}"


def post_registration(registration: Registration, *, actor: User | None = None) -> Posting:
    """Post every teacher's counted hours (within the policy's yearly caps, earliest lines
    first) as ledger entries of source 校本研修, one per teacher and line, written by COPY; the
    keys already in the ledger are skipped, so nothing is posted twice. Runs inside the caller's
    transaction; the posted people's rollups and compliance are brought up to date."""
    plan = registration.plan
    school = plan.school
    caps = selectors.caps_for(school, plan.school_year)
    by_person: dict[int, list[TeacherLine]] = defaultdict(list)
    active = set(Person.objects.filter(org=school, status=PersonStatus.ACTIVE).values_list("pk", flat=True))
    lines = list(
        registration.lines.select_related("line")
        .order_by("person_id", "earned_on", "id")
        .only(
            "id",
            "registration_id",  # the related manager sets each line's registration from it
            "person_id",
            "hours",
            "earned_on",
            "line__topic_id",
            "line__title",
            "line__category",
            "line__level",
        )
    )
    for line in lines:
        by_person[line.person_id].append(line)
    posting = Posting()
    wanted: list[tuple[str, TeacherLine]] = []
    for person_id, person_lines in by_person.items():
        if person_id not in active:
            counted: dict[object, Decimal] = {line.pk: Decimal(0) for line in person_lines}
        else:
            counted = allocate(
                [
                    RegisteredLine(line.pk, line.hours, line.line.topic_id is not None)
                    for line in person_lines
                ],
                caps,
            )
        for line in person_lines:
            line.counted_hours = counted[line.pk]
            posting.not_counted += line.hours - line.counted_hours
            if line.counted_hours > 0:
                wanted.append((entry_key(registration.pk, person_id, line.pk), line))
    bulk.update_rows(lines, ["counted_hours"])
    taken: set[str] = set()
    for chunk in chunked([key for key, _line in wanted], 900):
        taken.update(
            CreditEntry.objects.filter(idempotency_key__in=chunk).values_list("idempotency_key", flat=True)
        )
    now = timezone.now()
    author_id = actor.pk if actor is not None and actor.is_authenticated else None
    rows = []
    people: set[int] = set()
    for key, line in wanted:
        if key in taken:
            posting.already += 1
            continue
        people.add(line.person_id)
        rows.append(
            (
                line.person_id,
                str(line.counted_hours),
                line.line.category,
                ",prescribed," if line.line.topic_id is not None else "",
                line.line.level,
                "school_based",
                "A",
                line.earned_on.isoformat(),
                "school_based",
                f"schoolbased:{registration.pk}",
                line.line.title[:200],
                school.name[:200],
                key,
                author_id,
                "",
                now,
            )
        )
    posting.posted = bulk.insert_rows(CreditEntry, ENTRY_FIELDS, rows)
    posting.people = len(people)
    ids = sorted(people)
    for id_chunk in chunked(ids, 900):
        compliance.rebuild_rollups(person_id__in=list(id_chunk))
    if ids:
        compliance.refresh(ids)
    return posting
