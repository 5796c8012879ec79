"""Taking the daily participation snapshot (RULES G3, ADR 0060).

For each day and school: each training project running that day (status running or assessing,
the day within its dates) and the school's 校本 year. Per subject:

- enrolled: the school's teachers enrolled in the project / taking part in an activity of the
  school's plan for the year;
- active: of those, who signed in or did anything recorded that day (the audit log), or checked in;
- checked in: who checked in that day (a lesson of the project / an activity day);
- completed: who passed the project / whose hours from an ended activity count.

Idempotent: the day's rows are deleted and written again in one transaction, and a unique
constraint keeps one row per school, day and subject."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from peixun.assessment.models import Result, ResultStatus
from peixun.audit.models import AuditEvent
from peixun.delivery.models import Attendance as LessonAttendance
from peixun.delivery.models import AttendanceStatus
from peixun.participation.models import DailySnapshot, SubjectKind
from peixun.schoolbased import activities as sb_activities
from peixun.schoolbased.models import CheckIn, Participant, SchoolActivity
from peixun.training.models import Enrolment, EnrolmentStatus, Project, ProjectStatus

RUNNING = (ProjectStatus.RUNNING, ProjectStatus.ASSESSING)


@dataclass
class Figures:
    subject: str
    kind: str
    enrolled: set[int] = field(default_factory=set)
    active: set[int] = field(default_factory=set)
    checked_in: set[int] = field(default_factory=set)
    completed: set[int] = field(default_factory=set)


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def school_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _active_people(day: date) -> set[int]:
    start, end = _bounds(day)
    return set(
        AuditEvent.objects.filter(created_at__gte=start, created_at__lt=end, actor__person__isnull=False)
        .values_list("actor__person_id", flat=True)
        .distinct()
    )


def _projects(day: date, figures: dict[tuple[int, str], Figures], active: set[int]) -> None:
    projects = {
        project.pk: project
        for project in Project.objects.filter(status__in=RUNNING)
        .exclude(starts_on__gt=day)
        .exclude(ends_on__lt=day)
        .only("id", "title")
    }
    if not projects:
        return
    start, end = _bounds(day)
    enrolments = Enrolment.objects.filter(
        project_id__in=projects, status=EnrolmentStatus.ENROLLED, created_at__lt=end
    ).values_list("id", "project_id", "school_id", "person_id")
    where: dict[int, Figures] = {}
    for enrolment_id, project_id, school_id, person_id in enrolments:
        key = (school_id, f"project:{project_id}")
        item = figures.get(key)
        if item is None:
            item = figures[key] = Figures(projects[project_id].title, SubjectKind.PROJECT)
        item.enrolled.add(person_id)
        where[enrolment_id] = item
        if person_id in active:
            item.active.add(person_id)
    checked = LessonAttendance.objects.filter(
        enrolment_id__in=list(where),
        status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE],
        lesson__starts_at__gte=start,
        lesson__starts_at__lt=end,
    ).values_list("enrolment_id", "enrolment__person_id")
    for enrolment_id, person_id in checked:
        where[enrolment_id].checked_in.add(person_id)
        where[enrolment_id].active.add(person_id)
    passed = Result.objects.filter(enrolment_id__in=list(where), status=ResultStatus.PASSED).values_list(
        "enrolment_id", "enrolment__person_id"
    )
    for enrolment_id, person_id in passed:
        where[enrolment_id].completed.add(person_id)


def _school_based(day: date, figures: dict[tuple[int, str], Figures], active: set[int]) -> None:
    year = school_year_of(day)
    label = f"{year}—{year + 1}学年校本研修"
    activities = list(
        SchoolActivity.objects.filter(line__plan__school_year=year, starts_on__lte=day).select_related(
            "line__plan", "template"
        )
    )
    if not activities:
        return
    by_activity = {activity.pk: activity for activity in activities}
    people: dict[int, Figures] = {}
    for participant_id, activity_id, person_id in Participant.objects.filter(
        activity_id__in=by_activity
    ).values_list("id", "activity_id", "person_id"):
        school_id = by_activity[activity_id].line.plan.school_id
        key = (school_id, f"school_based:{year}")
        item = figures.get(key)
        if item is None:
            item = figures[key] = Figures(label, SubjectKind.SCHOOL_BASED)
        item.enrolled.add(person_id)
        people[participant_id] = item
        if person_id in active:
            item.active.add(person_id)
    for participant_id, person_id in CheckIn.objects.filter(participant_id__in=people, day=day).values_list(
        "participant_id", "participant__person_id"
    ):
        people[participant_id].checked_in.add(person_id)
        people[participant_id].active.add(person_id)
    for activity in activities:
        if activity.ends_on > day:
            continue
        for standing in sb_activities.standings(activity):
            if standing.counts:
                people[standing.participant.pk].completed.add(standing.participant.person_id)


def compute(day: date) -> dict[tuple[int, str], Figures]:
    """The figures of the day per (school id, subject key)."""
    active = _active_people(day)
    figures: dict[tuple[int, str], Figures] = {}
    _projects(day, figures, active)
    _school_based(day, figures, active)
    return figures


@transaction.atomic
def take_snapshot(day: date) -> int:
    """Replace the day's snapshot rows; how many were written."""
    figures = compute(day)
    now = timezone.now()
    DailySnapshot.objects.filter(day=day).delete()
    DailySnapshot.objects.bulk_create(
        DailySnapshot(
            day=day,
            school_id=school_id,
            kind=item.kind,
            subject_key=key,
            subject=item.subject[:200],
            enrolled=len(item.enrolled),
            active=len(item.active),
            checked_in=len(item.checked_in),
            completed=len(item.completed),
            computed_at=now,
        )
        for (school_id, key), item in sorted(figures.items())
    )
    return len(figures)


def snapshot_today(now: datetime | None = None) -> int:
    """The clock's step: today's figures so far (replaced at every tick, final at the day's last)."""
    return take_snapshot(timezone.localdate(now))
