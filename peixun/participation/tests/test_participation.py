"""Daily participation (RULES G3, ADR 0060): figures computed per school, day and training,
taken again without duplicates, by the command and by the clock; the page scoped by school."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from peixun.audit import events
from peixun.delivery.models import Attendance
from peixun.delivery.tests.helpers import lesson_at, running_project
from peixun.participation.models import DailySnapshot
from peixun.participation.services import take_snapshot
from peixun.schoolbased import activities as sb
from peixun.schoolbased import services as sb_services
from peixun.schoolbased.tests.conftest import add_line, school_year
from peixun.testing.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(world):
    """A running project of 东湖实验小学's three teachers (one checked in to today's lesson, one
    signed in) and a 校本 activity today with two participants (one checked in)."""
    running = running_project(world)
    lesson = lesson_at(
        running.project, timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    )
    Attendance.objects.create(
        lesson=lesson,
        enrolment=running.enrolments[1],
        status="present",
        method="code",
        checked_in_at=timezone.now(),
    )
    events.record(action="login", actor=running.users[2], changes={})
    plan = sb_services.create_plan(
        school=world.school_a1, school_year=school_year(), actor=world.coordinator_a1
    )
    line = add_line(plan, world.coordinator_a1)
    plan.state = "approved"
    plan.save()
    today = timezone.localdate()
    second = make_person(world.school_a1, "校本老师")
    activity = sb.create_activity(
        line=line,
        kind="regular",
        title="",
        starts_on=today,
        ends_on=today,
        place="会议室",
        leader=world.teacher_a1,
        hours=Decimal(2),
        participants=[world.teacher_a1, second],
        actor=world.coordinator_a1,
    )
    sb.check_in(
        activity=activity, person=world.teacher_a1, code=sb.code_today(activity), actor=world.teacher_user
    )
    return running, activity


def test_the_day_s_figures_per_school_and_training_and_a_second_run_replaces_them(world, busy):
    _running, activity = busy
    today = timezone.localdate()
    assert take_snapshot(today) == 2
    project = DailySnapshot.objects.get(kind="project")
    school_based = DailySnapshot.objects.get(kind="school_based")
    assert (project.school_id, project.enrolled, project.checked_in) == (world.school_a1.pk, 3, 1)
    assert project.active == 3  # checked in, signed in, and teacher_a1's check-in at the activity
    assert project.completed == 0  # no result yet: unknown is not done
    assert (school_based.enrolled, school_based.active, school_based.checked_in, school_based.completed) == (
        2,
        1,
        1,
        1,
    )
    sb.mark_attendance(
        activity=activity,
        marks={p.pk: "present" for p in activity.participants.all()},
        actor=world.coordinator_a1,
    )
    take_snapshot(today)
    assert DailySnapshot.objects.filter(day=today).count() == 2
    assert DailySnapshot.objects.get(kind="school_based").completed == 2


def test_the_command_fills_past_days_and_the_clock_takes_today(world, busy):
    out = StringIO()
    call_command("participation_snapshot", "--days", "3", stdout=out)
    today = timezone.localdate()
    # Enrolled today and the activity is today: the days before have nothing, and say so.
    assert set(DailySnapshot.objects.values_list("day", flat=True)) == {today}
    assert out.getvalue().count("rows") == 3
    DailySnapshot.objects.all().delete()
    call_command("delivery_tick", verbosity=0)
    assert DailySnapshot.objects.filter(day=today).count() == 2


def test_the_page_shows_a_school_its_own_figures_and_the_bureau_may_pick_a_school(client, world, busy):
    today = timezone.localdate()
    take_snapshot(today)
    DailySnapshot.objects.create(
        day=today,
        school=world.school_a2,
        kind="project",
        subject_key="project:0",
        subject="别校项目",
        enrolled=5,
        active=1,
        checked_in=0,
        completed=0,
        computed_at=timezone.now(),
    )
    client.force_login(world.coordinator_a1)
    page = client.get(reverse("participation:daily")).content.decode()
    assert "别校项目" not in page and 'data-chart="trend"' in page and "chart-data" in page
    client.force_login(world.county_admin)
    picked = client.get(reverse("participation:daily"), {"school": world.school_a2.pk}).content.decode()
    assert "别校项目" in picked and picked.count('data-testid="snapshot-row"') == 1
    export = client.get(reverse("participation:daily-export"), {"school": world.school_a2.pk})
    assert export["Content-Disposition"].startswith("attachment")
