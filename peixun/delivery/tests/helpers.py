"""Builders for delivery, assessment and certificate tests: a running project with a class, its
tutor (a person with a tutor's account), enrolled teachers with accounts, and lessons."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from peixun.delivery.models import Lesson
from peixun.orgs.models import GrantRole, Person
from peixun.testing.factories import make_person, make_project, make_user
from peixun.training.models import Cohort, Enrolment, Project


@dataclass
class Running:
    project: Project
    cohort: Cohort
    tutor: Person
    tutor_user: object
    teachers: list[Person]
    users: list
    enrolments: list[Enrolment]


def running_project(world, *, size: int = 3, status: str = "running", **fields) -> Running:
    """A project of 东湖区 running now (started yesterday, ends in a week), one class tutored by a
    teacher of 东湖实验小学, and `size` enrolled teachers of that school with accounts (the first
    is the world's teacher_a1)."""
    today = timezone.localdate()
    values = {
        "starts_on": today - timedelta(days=1),
        "ends_on": today + timedelta(days=7),
        "enrol_opens_at": timezone.now() - timedelta(days=30),
        "enrol_closes_at": timezone.now() - timedelta(days=10),
        "hours_credited": Decimal("24"),
        **fields,
    }
    project = make_project(world.county_a, status=status, **values)
    tutor = make_person(world.school_a1, "辅导老师", section="primary", subjects=["语文"], roles=["backbone"])
    tutor_user = make_user("tutor_person", (GrantRole.TUTOR, world.school_a1), person=tutor)
    cohort = Cohort.objects.create(project=project, number=1, name="第1班", tutor=tutor)
    teachers = [world.teacher_a1]
    users = [world.teacher_user]
    for index in range(1, size):
        person = make_person(world.school_a1, f"学员{index}", section="primary", subjects=["语文"])
        teachers.append(person)
        users.append(make_user(f"trainee{index}", (GrantRole.TEACHER, world.school_a1), person=person))
    enrolments = [
        Enrolment.objects.create(
            project=project, person=person, school=person.org, status="enrolled", source="self", cohort=cohort
        )
        for person in teachers
    ]
    Project.objects.filter(pk=project.pk).update(places_taken=len(enrolments))
    project.refresh_from_db()
    return Running(project, cohort, tutor, tutor_user, teachers, users, enrolments)


def lesson_at(
    project: Project,
    starts_at: datetime,
    *,
    minutes: int = 90,
    cohort=None,
    course=None,
    topic: str = "专题讲座",
) -> Lesson:
    return Lesson.objects.create(
        project=project,
        cohort=cohort,
        course=course,
        topic=topic,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        place="报告厅",
    )


def lessons_past(project: Project, count: int, *, cohort=None) -> list[Lesson]:
    """`count` lessons that ended before now (one a day, going back)."""
    now = timezone.now()
    return [
        lesson_at(project, now - timedelta(days=index + 1, hours=3), cohort=cohort, topic=f"第{index + 1}讲")
        for index in range(count)
    ]
