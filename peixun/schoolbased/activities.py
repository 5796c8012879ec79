"""Writes and reads of the activities a school runs from its approved plan (ADR 0059): set up with
days, place, leader and participants; check-in by the day's code or QR code; the register the
leader corrects; coursework handed in and graded; evidence; the counted tasks of follow-along study
(跟岗学习, RULES C12); and the year-end registration compiled from who attended.

Every change is audited and runs in one transaction; a refusal is a SchoolBasedError saying what to
do."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peixun.accounts.models import User
from peixun.audit import events
from peixun.lib import uploads
from peixun.lib.dates import format_date_zh
from peixun.orgs.models import Person, PersonStatus
from peixun.schoolbased import services
from peixun.schoolbased.exceptions import (
    CheckInRefusedError,
    LineInvalidError,
    PlanNotApprovedError,
    UploadRefusedError,
)
from peixun.schoolbased.models import (
    ActivityEvidence,
    ActivityKind,
    Attendance,
    CheckIn,
    EvidenceKind,
    FollowAlongEntry,
    FollowAlongTemplate,
    Grade,
    Participant,
    PlanLine,
    PlanState,
    Registration,
    SchoolActivity,
    SchoolPlan,
    Submission,
    Task,
    TaskKind,
    TeacherLine,
)
from peixun.schoolbased.rules import checkin
from peixun.schoolbased.rules import follow_along as fa

MAX_WORK_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
TEMPLATE_FIELDS = ("min_observed", "min_taught", "min_report", "min_model", "min_proposal", "daily_log")


def _school_path(activity: SchoolActivity) -> str:
    return activity.line.plan.school.path


def _active_teachers(people: list[Person], school_id: int) -> list[Person]:
    checked = []
    for person in people:
        if person.org_id != school_id:
            raise LineInvalidError(why=_("Participants: choose teachers of this school."))
        if person.status != PersonStatus.ACTIVE:
            raise LineInvalidError(
                why=_("%(name)s is not in school-based training (%(reason)s); leave them out.")
                % {"name": person.name, "reason": person.get_status_display()}
            )
        checked.append(person)
    return checked


def default_template() -> FollowAlongTemplate:
    template = FollowAlongTemplate.objects.order_by("id").first()
    if template is None:
        template = FollowAlongTemplate.objects.create(name="跟岗学习")
    return template


@transaction.atomic
def create_activity(
    *,
    line: PlanLine,
    kind: str,
    title: str,
    starts_on: date,
    ends_on: date,
    place: str,
    leader: Person,
    hours: object,
    participants: list[Person],
    actor: User,
    request: HttpRequest | None = None,
) -> SchoolActivity:
    """An activity of an approved plan line, with its participants (teachers of the school)."""
    plan = SchoolPlan.objects.select_related("school").get(pk=line.plan_id)
    if plan.state != PlanState.APPROVED:
        raise PlanNotApprovedError(
            message=_("Activities are run from an approved plan: wait for the district's approval.")
        )
    amount = services._hours(hours, _("Hours each"))
    year_start, year_end = date(plan.school_year, 9, 1), date(plan.school_year + 1, 8, 31)
    if not (year_start <= starts_on <= ends_on <= year_end):
        raise LineInvalidError(
            why=_("Dates: start and end within the school year, the end on or after the start.")
        )
    if leader.org_id != plan.school_id:
        raise LineInvalidError(why=_("Leader: choose a teacher of this school."))
    if not place.strip():
        raise LineInvalidError(why=_("Place: say where the activity is held."))
    people = _active_teachers(participants, plan.school_id)
    if not people:
        raise LineInvalidError(why=_("Participants: choose at least one teacher."))
    activity = SchoolActivity.objects.create(
        line=line,
        kind=kind,
        template=default_template() if kind == ActivityKind.FOLLOW_ALONG else None,
        title=(title or line.title).strip()[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        place=place.strip()[:200],
        leader=leader,
        hours=amount,
        created_by=actor,
    )
    Participant.objects.bulk_create(Participant(activity=activity, person=person) for person in people)
    events.record(
        action="sb_run_created",
        actor=actor,
        target=activity,
        org_path=plan.school.path,
        changes={
            "title": activity.title,
            "kind": activity.get_kind_display(),
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "hours": str(amount),
            "attendees": len(people),
        },
        request=request,
    )
    return activity


@transaction.atomic
def add_participants(
    *, activity: SchoolActivity, people: list[Person], actor: User, request: HttpRequest | None = None
) -> int:
    checked = _active_teachers(people, activity.line.plan.school_id)
    have = set(activity.participants.values_list("person_id", flat=True))
    new = [person for person in checked if person.pk not in have]
    Participant.objects.bulk_create(Participant(activity=activity, person=person) for person in new)
    if new:
        events.record(
            action="sb_participants_added",
            actor=actor,
            target=activity,
            org_path=_school_path(activity),
            changes={"attendees": [person.name for person in new]},
            request=request,
        )
    return len(new)


def code_today(activity: SchoolActivity, today: date | None = None) -> str | None:
    """The day's check-in code, or None on a day the activity does not run."""
    today = today or timezone.localdate()
    if not activity.starts_on <= today <= activity.ends_on:
        return None
    return checkin.code_for(activity.checkin_secret, activity.pk, today)


@transaction.atomic
def check_in(
    *,
    activity: SchoolActivity,
    person: Person,
    code: str,
    actor: User,
    now: datetime | None = None,
    method: str = "code",
    request: HttpRequest | None = None,
) -> tuple[CheckIn, bool]:
    """The teacher checks in with the day's code: (the check-in, whether it is new)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    participant = Participant.objects.select_for_update().filter(activity=activity, person=person).first()
    if participant is None:
        raise CheckInRefusedError(
            why=_("You are not a participant of this activity; ask its leader to add you.")
        )
    if not activity.starts_on <= today <= activity.ends_on:
        raise CheckInRefusedError(
            why=_("Check-in is open on the days of the activity only (%(start)s to %(end)s).")
            % {"start": format_date_zh(activity.starts_on), "end": format_date_zh(activity.ends_on)}
        )
    if not checkin.code_valid(activity.checkin_secret, activity.pk, today, code):
        raise CheckInRefusedError(
            why=_("The code is not today's code of this activity; check the six digits the leader shows.")
        )
    existing = participant.checkins.filter(day=today).first()
    if existing is not None:
        return existing, False
    record = CheckIn.objects.create(participant=participant, day=today, at=now, method=method)
    if participant.attendance != Attendance.PRESENT:
        participant.attendance = Attendance.PRESENT
        participant.save(update_fields=["attendance"])
    events.record(
        action="sb_checked_in",
        actor=actor,
        target=activity,
        org_path=_school_path(activity),
        changes={"person": person.name, "day": today.isoformat(), "method": method},
        request=request,
    )
    return record, True


@transaction.atomic
def mark_attendance(
    *,
    activity: SchoolActivity,
    marks: dict[int, str],
    actor: User,
    request: HttpRequest | None = None,
) -> int:
    """The leader corrects the register: participant id → present / absent / not marked."""
    changed: dict[str, list[str]] = {}
    valid = {choice for choice, _label in Attendance.choices}
    for participant in activity.participants.select_for_update().select_related("person"):
        mark = marks.get(participant.pk)
        if mark is None or mark not in valid or mark == participant.attendance:
            continue
        changed[participant.person.name] = [participant.attendance, mark]
        participant.attendance = mark
        participant.save(update_fields=["attendance"])
    if changed:
        events.record(
            action="sb_attendance_marked",
            actor=actor,
            target=activity,
            org_path=_school_path(activity),
            changes=changed,
            request=request,
        )
    return len(changed)


@transaction.atomic
def add_task(
    *, activity: SchoolActivity, title: str, due_on: date, actor: User, request: HttpRequest | None = None
) -> Task:
    if not title.strip():
        raise LineInvalidError(why=_("Task: say what the teachers hand in."))
    if due_on < activity.starts_on:
        raise LineInvalidError(why=_("Deadline: choose a day on or after the activity starts."))
    task = Task.objects.create(activity=activity, title=title.strip()[:200], due_on=due_on)
    events.record(
        action="sb_task_added",
        actor=actor,
        target=activity,
        org_path=_school_path(activity),
        changes={"title": task.title, "due_on": due_on.isoformat()},
        request=request,
    )
    return task


def _checked(data: bytes, name: str, kinds, max_bytes: int) -> uploads.Checked:
    try:
        return uploads.check_upload(data, name, kinds=kinds, max_bytes=max_bytes)
    except uploads.UploadError as error:
        raise UploadRefusedError(why=error.message) from None


@transaction.atomic
def submit_work(
    *,
    task: Task,
    person: Person,
    data: bytes,
    name: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Submission:
    """The teacher hands in (or replaces, until graded and before the deadline) their work."""
    if not task.activity.participants.filter(person=person).exists():
        raise LineInvalidError(why=_("Only the activity's participants hand in its coursework."))
    if timezone.localdate() > task.due_on:
        raise LineInvalidError(
            why=_("The deadline (%(day)s) has passed; ask the leader to set a new task if needed.")
            % {"day": format_date_zh(task.due_on)}
        )
    checked = _checked(data, name, uploads.DOCUMENTS, MAX_WORK_BYTES)
    submission = Submission.objects.select_for_update().filter(task=task, person=person).first()
    if submission is not None and submission.grade != Grade.PENDING:
        raise LineInvalidError(why=_("This work is graded already and cannot be replaced."))
    if submission is None:
        submission = Submission(task=task, person=person)
    submission.file_name, submission.content_type = checked.filename, checked.content_type
    submission.data, submission.submitted_at = data, timezone.now()
    submission.save()
    events.record(
        action="sb_work_submitted",
        actor=actor,
        target=task.activity,
        org_path=_school_path(task.activity),
        changes={"title": task.title, "person": person.name, "file": checked.filename},
        request=request,
    )
    return submission


@transaction.atomic
def grade_work(
    *, submission: Submission, grade: str, actor: User, request: HttpRequest | None = None
) -> Submission:
    if grade not in {choice for choice, _label in Grade.choices}:
        raise LineInvalidError(why=_("Grade: choose pass, fail or to be graded."))
    before = submission.grade
    submission.grade = grade
    submission.save(update_fields=["grade"])
    activity = submission.task.activity
    events.record(
        action="sb_work_graded",
        actor=actor,
        target=activity,
        org_path=_school_path(activity),
        changes={"person": submission.person.name, "title": submission.task.title, "grade": [before, grade]},
        request=request,
    )
    return submission


@transaction.atomic
def add_evidence(
    *,
    activity: SchoolActivity,
    kind: str,
    data: bytes,
    name: str,
    actor: User,
    request: HttpRequest | None = None,
) -> ActivityEvidence:
    kinds = uploads.IMAGES if kind == EvidenceKind.PHOTO else uploads.DOCUMENTS
    checked = _checked(data, name, kinds, MAX_EVIDENCE_BYTES)
    item = ActivityEvidence.objects.create(
        activity=activity,
        kind=kind,
        file_name=checked.filename,
        content_type=checked.content_type,
        data=data,
        uploaded_by=actor,
    )
    events.record(
        action="sb_run_evidence_added",
        actor=actor,
        target=activity,
        org_path=_school_path(activity),
        changes={"kind": item.get_kind_display(), "file": checked.filename},
        request=request,
    )
    return item


@transaction.atomic
def add_entry(
    *,
    participant: Participant,
    kind: str,
    on: date,
    note: str,
    actor: User,
    request: HttpRequest | None = None,
) -> FollowAlongEntry:
    """A counted task of a follow-along participant (a lesson observed or taught, a model lesson,
    a proposal, a day's log)."""
    activity = participant.activity
    if not activity.follow_along:
        raise LineInvalidError(why=_("Counted tasks belong to follow-along study only."))
    if kind not in fa.KINDS:
        raise LineInvalidError(why=_("Task: choose one of the listed kinds."))
    if not activity.starts_on <= on <= min(activity.ends_on, timezone.localdate()):
        raise LineInvalidError(
            why=_("Date: choose a day of the activity (%(start)s to %(end)s), not after today.")
            % {"start": format_date_zh(activity.starts_on), "end": format_date_zh(activity.ends_on)}
        )
    if not note.strip():
        raise LineInvalidError(why=_("Write the lesson's title or a line about the task."))
    if kind == fa.LOG and participant.entries.filter(kind=fa.LOG, on=on).exists():
        raise LineInvalidError(why=_("The log of that day is recorded already; choose another day."))
    entry = FollowAlongEntry.objects.create(
        participant=participant, kind=kind, on=on, note=note.strip()[:200]
    )
    events.record(
        action="sb_follow_along_entry",
        actor=actor,
        target=activity,
        org_path=_school_path(activity),
        changes={"person": participant.person.name, "kind": entry.get_kind_display(), "day": on.isoformat()},
        request=request,
    )
    return entry


@transaction.atomic
def save_template(
    *, template: FollowAlongTemplate, actor: User, request: HttpRequest | None = None, **values
) -> FollowAlongTemplate:
    before = {name: str(getattr(template, name)) for name in TEMPLATE_FIELDS}
    for name in TEMPLATE_FIELDS:
        if name in values:
            setattr(template, name, values[name])
    template.save()
    after = {name: str(getattr(template, name)) for name in TEMPLATE_FIELDS}
    events.record(
        action="sb_template_saved",
        actor=actor,
        target=template,
        changes=events.diff(before, after),
        request=request,
    )
    return template


# --- Reads -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressRow:
    label: str
    have: int
    need: int
    met: bool


@dataclass
class Standing:
    """Where a participant stands: attended, the follow-along progress, whether the hours count
    and, if not, why."""

    participant: Participant
    progress: list[ProgressRow] = field(default_factory=list)
    missing: list[fa.Progress] = field(default_factory=list)
    counts: bool = False
    why_not: list[str] = field(default_factory=list)


def minimums(activity: SchoolActivity) -> fa.Minimums:
    template = activity.template or default_template()
    return fa.Minimums(
        observed=template.min_observed,
        taught=template.min_taught,
        report=template.min_report,
        model=template.min_model,
        proposal=template.min_proposal,
        logs=activity.days if template.daily_log else 0,
    )


def kind_label(kind: str) -> str:
    return str(dict(TaskKind.choices)[kind])


def standings(activity: SchoolActivity) -> list[Standing]:
    participants = list(activity.participants.select_related("person").prefetch_related("entries"))
    result = []
    floor = minimums(activity) if activity.follow_along else None
    for participant in participants:
        standing = Standing(participant)
        if participant.attendance != Attendance.PRESENT:
            standing.why_not.append(_("not marked present"))
        if floor is not None:
            tally = fa.counts(entry.kind for entry in participant.entries.all())
            items = fa.progress(tally, floor)
            standing.progress = [
                ProgressRow(kind_label(item.kind), item.have, item.need, item.met) for item in items
            ]
            standing.missing = [item for item in items if not item.met]
            standing.why_not.extend(
                _("%(task)s %(have)s of %(need)s")
                % {"task": kind_label(item.kind), "have": item.have, "need": item.need}
                for item in standing.missing
            )
        standing.counts = not standing.why_not
        result.append(standing)
    return result


def activities_of_plan(plan_id: int) -> QuerySet[SchoolActivity]:
    return SchoolActivity.objects.filter(line__plan_id=plan_id).select_related("line", "leader", "template")


@dataclass
class Compiled:
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def compile_registration(
    *, registration: Registration, actor: User, request: HttpRequest | None = None
) -> Compiled:
    """Each teacher's lines from the activities that have ended: present (and, for follow-along
    study, every counted task met) → the activity's hours, one line per teacher and activity (the
    database refuses a second). Run again, it adds what is new, corrects hours that changed and
    removes lines no longer earned; a teacher with a line recorded by hand for the same plan line on
    one of the activity's days is skipped and named, so nothing is counted twice."""
    registration = services._lock_registration(registration)
    services._registration_editable(registration)
    today = timezone.localdate()
    result = Compiled()
    existing = {
        (line.run_id, line.person_id): line
        for line in registration.lines.filter(run__isnull=False).select_related("person")
    }
    by_hand = list(
        registration.lines.filter(run__isnull=True).values_list("person_id", "line_id", "earned_on")
    )
    wanted: set[tuple[int, int]] = set()
    for activity in activities_of_plan(registration.plan_id).filter(ends_on__lte=today):
        for standing in standings(activity):
            participant = standing.participant
            if not standing.counts or participant.person.status != PersonStatus.ACTIVE:
                continue
            clash = any(
                person_id == participant.person_id
                and line_id == activity.line_id
                and activity.starts_on <= earned_on <= activity.ends_on
                for person_id, line_id, earned_on in by_hand
            )
            if clash:
                result.skipped.append(f"{participant.person.name}（{activity.title}）")
                continue
            key = (activity.pk, participant.person_id)
            wanted.add(key)
            line = existing.get(key)
            if line is None:
                TeacherLine.objects.create(
                    registration=registration,
                    person=participant.person,
                    line=activity.line,
                    run=activity,
                    hours=activity.hours,
                    earned_on=activity.ends_on,
                )
                result.added += 1
            elif line.hours != activity.hours:
                line.hours, line.answer = activity.hours, "pending"
                line.save(update_fields=["hours", "answer"])
                result.updated += 1
    for held, line in existing.items():
        if held not in wanted:
            line.delete()
            result.removed += 1
    events.record(
        action="sb_registration_compiled",
        actor=actor,
        target=registration,
        org_path=registration.plan.school.path,
        changes={"added": result.added, "updated": result.updated, "removed": result.removed},
        request=request,
    )
    return result
