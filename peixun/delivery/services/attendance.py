"""Writes for attendance: a trainee's check-in on their phone with the code or QR code the tutor
shows, the tutor's register as the fallback, and the warning to a trainee one absence away from
failing (docs/decisions/0025-check-in-codes.md)."""

import hashlib
from collections.abc import Iterable
from datetime import datetime
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.delivery.exceptions import (
    DeviceUsedError,
    InvalidStatusError,
    LessonClosedError,
    LessonNotOpenError,
    NotInLessonError,
    WrongCodeError,
)
from peixun.delivery.models import Attendance, AttendanceMethod, AttendanceStatus, Lesson, LessonStatus
from peixun.delivery.rules import attendance as rules
from peixun.delivery.rules import checkin
from peixun.delivery.services.lessons import (
    MARKING,
    _inputs_changed,
    lessons_of,
    require_status,
    settings_for,
    trainees,
)
from peixun.training.models import Enrolment, Notice, Project


def device_hash(token: str) -> str:
    return hashlib.sha256(f"device:{token}".encode()).hexdigest()


def open_now(lesson: Lesson, now: datetime | None = None) -> bool:
    """Whether check-in is open: the project runs, the lesson is neither closed nor cancelled, and
    now lies in its window."""
    now = now or timezone.now()
    opens_before = settings_for(lesson.project).opens_before
    return (
        lesson.project.status in MARKING
        and lesson.status == LessonStatus.SCHEDULED
        and checkin.in_window(now, lesson.starts_at, lesson.ends_at, opens_before)
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
    existing = Attendance.objects.select_for_update().filter(lesson=lesson, enrolment=enrolment).first()
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
    require_status(lesson.project, MARKING)
    if lesson.status == LessonStatus.CANCELLED:
        raise LessonClosedError
    if not trainees(lesson).filter(pk=enrolment.pk).exists():
        raise NotInLessonError
    existing = Attendance.objects.select_for_update().filter(lesson=lesson, enrolment=enrolment).first()
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


def tally(enrolment: Enrolment) -> rules.Tally:
    """The trainee's marks over their lessons so far, out of all their lessons."""
    lessons = list(lessons_of(enrolment).values_list("pk", flat=True))
    statuses = Attendance.objects.filter(enrolment=enrolment, lesson_id__in=lessons).values_list(
        "status", flat=True
    )
    return rules.Tally.of(statuses, len(lessons))


def absence_rule(project: Project) -> tuple[Fraction, bool] | None:
    """(max share, whether leave counts) from the project's scheme in force; None without a limit."""
    from peixun.assessment.selectors import current_scheme

    scheme = current_scheme(project)
    share = scheme.hard_rules.absence_share
    return (share, scheme.hard_rules.leave_counts_as_absence) if share is not None else None


def warn_near_limit(project: Project, enrolment_ids: Iterable[int]) -> int:
    """Tell each trainee one absence short of failing (once per project). Returns how many."""
    rule = absence_rule(project)
    if rule is None:
        return 0
    share, leave_counts = rule
    from peixun.training.services import notify

    warned = 0
    for enrolment in Enrolment.objects.filter(pk__in=list(enrolment_ids)).select_related("person"):
        counts = tally(enrolment)
        if not rules.needs_warning(counts, share, leave_counts):
            continue
        accounts = notify.accounts_of([enrolment.person_id])
        if Notice.objects.filter(user_id__in=accounts, kind="absence_warning", project=project).exists():
            continue
        from django.urls import reverse

        notify.send(
            accounts,
            "absence_warning",
            project=project,
            url=reverse("delivery:my-project", args=[project.pk]),
            absences=str(counts.absences(leave_counts)),
            planned=str(counts.planned),
        )
        warned += 1
    return warned
