"""A charged project and its trainees for the finance tests, written directly as fixtures."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from peixun.assessment.models import Result, SchemeVersion
from peixun.testing.factories import make_person, make_project
from peixun.training.models import Enrolment, Project

START = date(2026, 3, 2)


def fee_project(world, *, fee: str = "120", starts_on: date = START, **fields) -> Project:
    return make_project(
        world.county_a,
        status="running",
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=3),
        fee_per_trainee=Decimal(fee),
        **fields,
    )


def enrol(
    project: Project, person, status: str = "enrolled", *, withdrawn_on: date | None = None
) -> Enrolment:
    enrolment = Enrolment.objects.create(
        project=project, person=person, school=person.org, status=status, source="self"
    )
    if withdrawn_on is not None:
        moment = datetime.combine(withdrawn_on, time(12), tzinfo=timezone.get_current_timezone())
        Enrolment.objects.filter(pk=enrolment.pk).update(updated_at=moment)
    return enrolment


def result(enrolment: Enrolment, status: str) -> Result:
    version = SchemeVersion.objects.get_or_create(
        project=enrolment.project, number=1, defaults={"text": "", "document": {}}
    )[0]
    return Result.objects.create(
        enrolment=enrolment,
        project=enrolment.project,
        version=version,
        passed=status == "passed",
        status=status,
        attendance_rate=Decimal("90"),
    )


def trainees(world, project: Project):
    """东湖实验小学's trainees of `project`: 李晓明 passed, 失败者 failed, 早退者 withdrew the day
    before the start, 晚退者 withdrew on the second day; 王芳 of another school also enrolled."""
    teacher = world.teacher_a1
    start: date = project.starts_on  # type: ignore[assignment]  # fee_project sets it
    failed = make_person(world.school_a1, "失败者")
    early = make_person(world.school_a1, "早退者")
    late = make_person(world.school_a1, "晚退者")
    result(enrol(project, teacher), "passed")
    result(enrol(project, failed), "failed")
    enrol(project, early, "withdrawn", withdrawn_on=start - timedelta(days=1))
    enrol(project, late, "withdrawn", withdrawn_on=start + timedelta(days=1))
    enrol(project, world.teacher_a2)
    return teacher, failed, early, late
