"""Writes for attendance: a trainee's check-in on their phone with the code or QR code the tutor
shows, the tutor's register as the fallback, closing a lesson (everyone unmarked is absent; by
hand, by `manage.py delivery_tick`, or for every lesson when the project moves to assessment), and
the warning to a trainee one absence away from failing (docs/decisions/0025-check-in-codes.md)."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core import bulk
from peixun.delivery import hooks
from peixun.delivery.exceptions import (
    DeviceUsedError,
    InvalidStatusError,
    LessonClosedError,
    LessonNotOpenError,
    LessonsAheadError,
    NotInLessonError,
    WrongCodeError,
)
from peixun.delivery.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    LeaveRequest,
    LeaveStatus,
    Lesson,
    LessonStatus,
)
from peixun.delivery.rules import attendance as rules
from peixun.delivery.rules import checkin
from peixun.delivery.services.lessons import (
    _inputs_changed,
    lessons_ahead,
    require_status,
    settings_for,
    trainees,
)
from peixun.training.models import Enrolment, Notice, Project
from peixun.training.rules import lifecycle
from peixun.training.services import notify


def device_hash(token: str) -> str:
    return hashlib.sha256(f"device:{token}".encode()).hexdigest()


def open_now(lesson: Lesson, now: datetime | None = None) -> bool:
    """Whether check-in is open: the project runs, the lesson is neither closed nor cancelled, and
    now lies in its window."""
    now = now or timezone.now()
    opens_before = settings_for(lesson.project).opens_before
    return (
        lesson.project.status in lifecycle.MARKING
        and lesson.status == LessonStatus.SCHEDULED
        and checkin.in_window(now, lesson.starts_at, lesson.ends_at, opens_before)
    )


def _locked_attendance(lesson: Lesson, enrolment: Enrolment) -> Attendance | None:
    """The trainee's mark for the lesson, locked — that row alone (`of=self`, ordered by its key).
    The model's ordering joins the lesson, the enrolment and the project, and a bare FOR UPDATE
    would lock those rows too: a tutor's mark then deadlocked with check-ins, whose new rows'
    foreign keys take a share lock on the same lesson and project (the load test of 2026-12-04)."""
    return (
        Attendance.objects.select_for_update(of=("self",))
        .filter(lesson=lesson, enrolment=enrolment)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def check_in(
    *,
    lesson: Lesson,
    enrolment: Enrolment,
    proof: str,
    by_qr: bool,
    device: str,
    actor: User,
    ip: str | None = None,
    now: datetime | None = None,
) -> Attendance:
    """Check a trainee in with the code (or QR token) shown for the lesson now. Idempotent for the
    trainee; refused when the window is shut, the code is wrong or stale, the trainee is not in the
    lesson, or this device already checked in someone else."""
    now = now or timezone.now()
    lesson = Lesson.objects.select_related("project__organiser").get(pk=lesson.pk)
    settings = settings_for(lesson.project)
    if not open_now(lesson, now):
        raise LessonNotOpenError
    if not trainees(lesson).filter(pk=enrolment.pk).exists():
        raise NotInLessonError
    valid = (checkin.token_valid if by_qr else checkin.code_valid)(
        lesson.checkin_secret, lesson.pk, proof, now, settings.code_period
    )
    if not valid:
        raise WrongCodeError
    existing = _locked_attendance(lesson, enrolment)
    if existing is not None and existing.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        return existing
    hashed = device_hash(device)
    if Attendance.objects.filter(lesson=lesson, device=hashed).exclude(enrolment=enrolment).exists():
        raise DeviceUsedError
    status = checkin.status_at(now, lesson.starts_at, settings.late_after)
    values = {
        "status": status,
        "method": AttendanceMethod.QR if by_qr else AttendanceMethod.CODE,
        "checked_in_at": now,
        "device": hashed,
        "ip_address": ip,
        "recorded_by": actor if getattr(actor, "pk", None) else None,
    }
    try:
        with transaction.atomic():
            attendance, _created = Attendance.objects.update_or_create(
                lesson=lesson, enrolment=enrolment, defaults=values
            )
    except IntegrityError:
        # Another request with the same device won the race for this lesson.
        raise DeviceUsedError from None
    _inputs_changed(lesson.project, [enrolment.pk])
    return attendance


@transaction.atomic
def mark(
    *,
    lesson: Lesson,
    enrolment: Enrolment,
    status: str,
    actor: User,
    note: str = "",
    request: HttpRequest | None = None,
) -> Attendance:
    """The tutor's register: set a trainee's mark for a lesson (also after it closed, while the
    project runs or is assessed). Every change is audited with before → after."""
    if status not in AttendanceStatus.values:
        raise InvalidStatusError
    lesson = Lesson.objects.select_related("project__organiser").get(pk=lesson.pk)
    require_status(lesson.project, lifecycle.MARKING)
    if lesson.status == LessonStatus.CANCELLED:
        raise LessonClosedError
    if not trainees(lesson).filter(pk=enrolment.pk).exists():
        raise NotInLessonError
    existing = _locked_attendance(lesson, enrolment)
    before = existing.status if existing else ""
    if existing is not None and existing.status == status and existing.note == note.strip():
        return existing
    attendance, _created = Attendance.objects.update_or_create(
        lesson=lesson,
        enrolment=enrolment,
        defaults={
            "status": status,
            "method": AttendanceMethod.REGISTER,
            "note": note.strip()[:200],
            "recorded_by": actor if getattr(actor, "pk", None) else None,
            "checked_in_at": existing.checked_in_at if existing else None,
        },
    )
    events.record(
        action="attendance_marked",
        actor=actor,
        target=lesson,
        org_path=lesson.project.organiser.path,
        changes={"enrolment": enrolment.pk, "status": [before, status], **({"note": note} if note else {})},
        request=request,
    )
    if status in (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE_PERSONAL, AttendanceStatus.LEAVE_SICK):
        warn_near_limit(lesson.project, [enrolment.pk])
    _inputs_changed(lesson.project, [enrolment.pk])
    return attendance


# Leave a trainee asked for and was granted: the register shows it, and saves it, as 请假.
LEAVE_OF_KIND = {
    "personal": AttendanceStatus.LEAVE_PERSONAL,
    "sick": AttendanceStatus.LEAVE_SICK,
    "official": AttendanceStatus.LEAVE_OFFICIAL,
}
MISSED = (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE_PERSONAL, AttendanceStatus.LEAVE_SICK)


def approved_leave(lesson: Lesson, enrolment_ids: Iterable[int] | None = None) -> dict[int, tuple[str, int]]:
    """{enrolment id: (leave mark, leave request id)} for the trainees on approved leave on the
    lesson's day."""
    day = timezone.localtime(lesson.starts_at).date()
    queryset = LeaveRequest.objects.filter(
        enrolment__project_id=lesson.project_id,
        status=LeaveStatus.APPROVED,
        starts_on__lte=day,
        ends_on__gte=day,
    )
    if enrolment_ids is not None:
        queryset = queryset.filter(enrolment_id__in=list(enrolment_ids))
    return {
        enrolment_id: (LEAVE_OF_KIND[kind], pk)
        for enrolment_id, kind, pk in queryset.order_by("created_at").values_list(
            "enrolment_id", "kind", "pk"
        )
    }


@transaction.atomic
def save_register(
    *,
    lesson: Lesson,
    marks: dict[int, str],
    shown: dict[int, str],
    actor: User,
    request: HttpRequest | None = None,
) -> int:
    """The tutor's register saved at once: `marks` is the mark chosen for each trainee on the page,
    `shown` the mark the page offered first (the stored one, else present — or the leave when the
    trainee is on approved leave). A trainee without a mark gets the chosen one; a marked trainee is
    changed only when the tutor changed the row, so a check-in made meanwhile stays. One bulk write
    and one audit event listing every change (before → after); returns how many were written."""
    if not set(marks.values()) <= set(AttendanceStatus.values):
        raise InvalidStatusError
    lesson = (
        Lesson.objects.select_for_update(no_key=True).select_related("project__organiser").get(pk=lesson.pk)
    )
    require_status(lesson.project, lifecycle.MARKING)
    if lesson.status == LessonStatus.CANCELLED:
        raise LessonClosedError
    expected = set(trainees(lesson).filter(pk__in=list(marks)).values_list("pk", flat=True))
    if expected != set(marks):
        raise NotInLessonError
    existing = {
        mark.enrolment_id: mark
        for mark in Attendance.objects.select_for_update().filter(lesson=lesson, enrolment_id__in=list(marks))
    }
    leave = approved_leave(lesson, marks)
    recorder = actor if getattr(actor, "pk", None) else None
    now = timezone.now()
    created: list[Attendance] = []
    changed: list[Attendance] = []
    log: list[list] = []
    for enrolment_id, status in sorted(marks.items()):
        mark = existing.get(enrolment_id)
        before = mark.status if mark is not None else ""
        if mark is not None and (mark.status == status or status == shown.get(enrolment_id)):
            continue
        on_leave = leave.get(enrolment_id)
        by_leave = on_leave is not None and on_leave[0] == status and status == shown.get(enrolment_id)
        method = AttendanceMethod.LEAVE if by_leave else AttendanceMethod.REGISTER
        note = f"leave:{on_leave[1]}" if by_leave and on_leave else ""
        if mark is None:
            created.append(
                Attendance(
                    lesson=lesson,
                    enrolment_id=enrolment_id,
                    status=status,
                    method=method,
                    note=note,
                    recorded_by=recorder,
                )
            )
        else:
            mark.status, mark.method, mark.note, mark.recorded_by, mark.updated_at = (
                status,
                method,
                note,
                recorder,
                now,
            )
            changed.append(mark)
        log.append([enrolment_id, before, status])
    return _write_register(lesson, created, changed, log, actor, request)


def _write_register(
    lesson: Lesson,
    created: list[Attendance],
    changed: list[Attendance],
    log: list[list],
    actor: User,
    request: HttpRequest | None,
) -> int:
    if not log:
        return 0
    now = timezone.now()
    bulk.insert_rows(  # a register of 1,000: bulk_create spent most of the request building SQL
        Attendance,
        ["lesson_id", "enrolment_id", "status", "method", "device", "note", "recorded_by_id", "updated_at"],
        [
            (
                mark.lesson_id,
                mark.enrolment_id,
                mark.status,
                mark.method,
                "",
                mark.note,
                mark.recorded_by_id,
                now,
            )
            for mark in created
        ],
    )
    bulk.update_rows(changed, ["status", "method", "note", "recorded_by", "updated_at"])
    events.record(
        action="attendance_register_saved",
        actor=actor,
        target=lesson,
        org_path=lesson.project.organiser.path,
        changes={"marked": len(log), "marks": log},
        request=request,
    )
    ids = [enrolment_id for enrolment_id, _before, _after in log]
    missed = [enrolment_id for enrolment_id, _before, after in log if after in MISSED]
    if missed:
        warn_near_limit(lesson.project, missed)
    _inputs_changed(lesson.project, ids)
    return len(log)


def tally(enrolment: Enrolment) -> rules.Tally:
    """The trainee's marks over their lessons so far, out of all their lessons, and how many of
    them are still ahead (scheduled and not marked: where an absence can still happen)."""
    return tallies(enrolment.project_id, [enrolment])[enrolment.pk]


def tallies(project_id: int, enrolments: list[Enrolment]) -> dict[int, rules.Tally]:
    """`tally` of each of the project's given trainees, in two queries whatever their number."""
    lessons = list(
        Lesson.objects.filter(project_id=project_id)
        .exclude(status=LessonStatus.CANCELLED)
        .values_list("pk", "status", "cohort_id")
    )
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for enrolment_id, lesson_id, status in Attendance.objects.filter(
        lesson__project_id=project_id, enrolment_id__in=[e.pk for e in enrolments]
    ).values_list("enrolment_id", "lesson_id", "status"):
        marks[enrolment_id][lesson_id] = status
    found = {}
    for enrolment in enrolments:
        own = {
            pk: status for pk, status, cohort in lessons if cohort is None or cohort == enrolment.cohort_id
        }
        marked = {pk: status for pk, status in marks[enrolment.pk].items() if pk in own}
        ahead = sum(1 for pk, status in own.items() if status == LessonStatus.SCHEDULED and pk not in marked)
        found[enrolment.pk] = rules.Tally.of(marked.values(), len(own), ahead)
    return found


def absence_rule(project: Project) -> tuple[Fraction, bool] | None:
    """(max share, whether leave counts) for the project (delivery.hooks.absence_limit: the scheme
    in force); None without a limit."""
    rule: tuple[Fraction, bool] | None = hooks.absence_limit.first(project=project)
    return rule


def warn_near_limit(project: Project, enrolment_ids: Iterable[int]) -> int:
    """Tell each trainee one absence short of failing (once per project). Returns how many."""
    rule = absence_rule(project)
    if rule is None:
        return 0
    share, leave_counts = rule
    enrolments = list(Enrolment.objects.filter(pk__in=list(enrolment_ids), project=project))
    counts_of = tallies(project.pk, enrolments)
    near = [e for e in enrolments if rules.needs_warning(counts_of[e.pk], share, leave_counts)]
    if not near:
        return 0
    accounts: dict[int, list[int]] = defaultdict(list)
    for user_id, person_id in (
        get_user_model()
        .objects.filter(person_id__in=[e.person_id for e in near], is_active=True)
        .values_list("pk", "person_id")
    ):
        accounts[person_id].append(user_id)
    told = set(
        Notice.objects.filter(
            user_id__in=[user for users in accounts.values() for user in users],
            kind="absence_warning",
            project=project,
        ).values_list("user_id", flat=True)
    )
    url = reverse("delivery:my-project", args=[project.pk])
    warned = 0
    for enrolment in near:
        users = accounts.get(enrolment.person_id, [])
        if told.intersection(users):
            continue
        counts = counts_of[enrolment.pk]
        notify.send(
            users,
            "absence_warning",
            project=project,
            url=url,
            absences=str(counts.absences(leave_counts)),
            planned=str(counts.planned),
        )
        warned += 1
    return warned


@transaction.atomic
def close_lesson(
    *,
    lesson: Lesson,
    actor: User | None = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Close a lesson: everyone not marked becomes absent. Returns how many were marked so.
    Closing twice does nothing more."""
    lesson = (
        Lesson.objects.select_for_update(no_key=True).select_related("project__organiser").get(pk=lesson.pk)
    )
    if lesson.status != LessonStatus.SCHEDULED:
        return 0
    now = now or timezone.now()
    marked = set(Attendance.objects.filter(lesson=lesson).values_list("enrolment_id", flat=True))
    missing = [pk for pk in trainees(lesson).values_list("pk", flat=True) if pk not in marked]
    Attendance.objects.bulk_create(
        [
            Attendance(
                lesson=lesson,
                enrolment_id=pk,
                status=AttendanceStatus.ABSENT,
                method=AttendanceMethod.CLOSING,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
            for pk in missing
        ]
    )
    lesson.status = LessonStatus.CLOSED
    lesson.closed_at = now
    lesson.save(update_fields=["status", "closed_at", "updated_at"])
    events.record(
        action="lesson_closed",
        actor=actor,
        target=lesson,
        org_path=lesson.project.organiser.path,
        changes={"absent": len(missing)},
        request=request,
    )
    if missing:
        warn_near_limit(lesson.project, missing)
    _inputs_changed(lesson.project, missing)
    return len(missing)


def close_due_lessons(now: datetime | None = None) -> int:
    """Close every lesson that has ended (run by `manage.py delivery_tick`); how many closed."""
    now = now or timezone.now()
    closed = 0
    due = Lesson.objects.filter(
        status=LessonStatus.SCHEDULED, ends_at__lt=now, project__status__in=lifecycle.MARKING
    )
    for lesson in due.order_by("ends_at", "pk"):
        close_lesson(lesson=lesson, now=now)
        closed += 1
    return closed


def close_all_lessons(project: Project, actor: User | None = None, now: datetime | None = None) -> int:
    """Close every lesson of a project that has been held (when it moves to assessment): everyone
    unmarked becomes absent. A lesson not yet held never counts as an absence, so while one is
    still ahead the move is refused (LessonsAheadError): the organiser cancels it or waits."""
    now = now or timezone.now()
    ahead = lessons_ahead(project, now=now).count()
    if ahead:
        raise LessonsAheadError(count=ahead)
    count = 0
    for lesson in Lesson.objects.filter(project=project, status=LessonStatus.SCHEDULED).order_by(
        "starts_at", "pk"
    ):
        close_lesson(lesson=lesson, actor=actor, now=now)
        count += 1
    return count
