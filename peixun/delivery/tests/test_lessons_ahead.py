"""Moving a project to assessment while lessons are still ahead (they are cancelled or the move
waits; a lesson not held never counts as an absence), and the check-in page telling the truth:
when check-in opens, lesson states by the clock, warnings only while an absence can still happen."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.delivery.exceptions import LessonsAheadError
from peixun.delivery.models import Attendance, LessonStatus
from peixun.delivery.services import assessing
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.tests.helpers import lesson_at, lessons_past, running_project
from peixun.training.exceptions import StepFailedError
from peixun.training.models import Project
from peixun.training.services import move_project

pytestmark = pytest.mark.django_db


def _status(project) -> str:
    return Project.objects.get(pk=project.pk).status


def test_moving_to_assessment_with_lessons_ahead_is_refused_and_marks_nobody_absent(world, running):
    held = lessons_past(running.project, 1)[0]
    ahead = lesson_at(running.project, timezone.now() + timedelta(days=2))
    with pytest.raises(StepFailedError):
        move_project(project=running.project, action="assess", actor=world.county_admin)
    assert _status(running.project) == "running"
    assert not Attendance.objects.filter(lesson__in=[held, ahead]).exists()
    ahead.refresh_from_db()
    assert ahead.status == LessonStatus.SCHEDULED


def test_cancelling_the_lessons_ahead_moves_to_assessment_and_they_count_for_nobody(world, running):
    held = lessons_past(running.project, 1)[0]
    ahead = [lesson_at(running.project, timezone.now() + timedelta(days=d)) for d in (2, 3)]
    assessing.move_to_assessment(
        project=running.project,
        actor=world.county_admin,
        cancel_lesson_ids=[lesson.pk for lesson in ahead],
    )
    assert _status(running.project) == "assessing"
    for lesson in ahead:
        lesson.refresh_from_db()
        assert lesson.status == LessonStatus.CANCELLED
        assert not Attendance.objects.filter(lesson=lesson).exists()
    assert Attendance.objects.filter(lesson=held, status="absent").count() == len(running.enrolments)
    assert attendance_services.tally(running.enrolments[0]).planned == 1
    cancelled = AuditEvent.objects.filter(action="lesson_changed", target_id=str(ahead[0].pk))
    assert cancelled.exists()
    assert AuditEvent.objects.filter(action="project_transition", target_id=str(running.project.pk)).exists()


def test_a_lesson_scheduled_after_the_page_was_shown_is_not_cancelled_and_the_move_waits(world, running):
    shown = lesson_at(running.project, timezone.now() + timedelta(days=2))
    later = lesson_at(running.project, timezone.now() + timedelta(days=4))
    with pytest.raises(StepFailedError) as refused:
        assessing.move_to_assessment(
            project=running.project, actor=world.county_admin, cancel_lesson_ids=[shown.pk]
        )
    assert isinstance(refused.value.__cause__, LessonsAheadError)
    shown.refresh_from_db()
    later.refresh_from_db()
    assert shown.status == later.status == LessonStatus.SCHEDULED
    assert _status(running.project) == "running"


def test_the_project_page_sends_the_move_to_a_confirmation_listing_the_lessons_ahead(client, world, running):
    lesson_at(running.project, timezone.now() + timedelta(days=2), topic="尚未上课的专题")
    client.force_login(world.county_admin)
    page = client.get(
        reverse("training:project-detail", args=[running.project.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    confirm_url = reverse("delivery:assess", args=[running.project.pk])
    assert f'href="{confirm_url}"' in page.content.decode()
    confirm = client.get(confirm_url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = confirm.content.decode()
    assert (
        "尚未上课的专题" in text
        and 'data-testid="cancel-and-assess"' in text
        and 'data-testid="wait"' in text
    )


def test_choosing_to_cancel_on_the_confirmation_moves_the_project(client, world, running):
    ahead = lesson_at(running.project, timezone.now() + timedelta(days=2))
    client.force_login(world.county_admin)
    response = client.post(
        reverse("delivery:assess", args=[running.project.pk]), {"choice": "cancel", "lesson": [ahead.pk]}
    )
    assert response.status_code == 302
    assert _status(running.project) == "assessing"
    ahead.refresh_from_db()
    assert ahead.status == LessonStatus.CANCELLED


def test_posting_the_move_without_choosing_to_cancel_changes_nothing(client, world, running):
    ahead = lesson_at(running.project, timezone.now() + timedelta(days=2))
    client.force_login(world.county_admin)
    client.post(
        reverse("delivery:assess", args=[running.project.pk]), {"choice": "move", "lesson": [ahead.pk]}
    )
    client.post(reverse("training:project-move", args=[running.project.pk, "assess"]))
    assert _status(running.project) == "running"
    ahead.refresh_from_db()
    assert ahead.status == LessonStatus.SCHEDULED


def test_before_the_training_starts_the_check_in_page_says_when_check_in_opens(client, world):
    start = timezone.localdate() + timedelta(days=5)
    enrolling = running_project(world, status="enrolling", starts_on=start, ends_on=start + timedelta(days=5))
    client.force_login(world.teacher_user)
    text = client.get(reverse("delivery:my"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="not-started"' in text
    assert enrolling.project.title in text
    assert f"{start.year}年{start.month}月{start.day}日" in text
    assert "开始培训后" in text or "开始后" in text


def test_a_lesson_under_way_is_shown_in_progress_not_as_not_started(client, world, running):
    lesson_at(running.project, timezone.now() - timedelta(minutes=30), topic="正在上的课")
    client.force_login(world.teacher_user)
    text = client.get(
        reverse("delivery:my-project", args=[running.project.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    check_in = client.get(reverse("delivery:my"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "进行中" in text and "未开始" not in text
    assert "进行中" in check_in


def test_the_lesson_states_follow_the_clock_on_the_trainees_list(world, running):
    from peixun.delivery import selectors

    lesson = lesson_at(running.project, timezone.now() + timedelta(days=1))
    enrolment = running.enrolments[0]
    phases = [
        selectors.my_marks(enrolment, now=lesson.starts_at + offset)[0][2]
        for offset in (timedelta(minutes=-5), timedelta(minutes=5), timedelta(hours=3))
    ]
    assert phases == ["upcoming", "running", "ended"]
    with mock.patch("django.utils.timezone.now", return_value=lesson.starts_at + timedelta(minutes=5)):
        assert selectors.my_marks(enrolment)[0][2] == "running"


def test_one_more_absence_fails_is_not_shown_when_no_lesson_is_left(client, world, running):
    lessons = lessons_past(running.project, 3)
    enrolment = running.enrolments[0]
    attendance_services.mark(
        lesson=lessons[0], enrolment=enrolment, status="absent", actor=world.county_admin
    )
    for lesson in lessons[1:]:
        attendance_services.mark(
            lesson=lesson, enrolment=enrolment, status="present", actor=world.county_admin
        )
    client.force_login(world.teacher_user)
    url = reverse("delivery:my-project", args=[running.project.pk])
    assert 'data-testid="absence-warning"' not in client.get(url).content.decode()
    lesson_at(running.project, timezone.now() + timedelta(days=2))  # now there is one to miss: 1 of 4
    assert attendance_services.tally(enrolment).ahead == 1
    assert 'data-testid="absence-warning"' in client.get(url).content.decode()
