"""Every delivery page rendered with data in it (lessons held and to come, marks, work handed in and
graded, files, leave): staff, the tutor and the trainee; the forms that schedule, edit and cancel
lessons, set coursework and the check-in and leave settings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from peixun.delivery.models import DeliverySettings, Lesson, SubmissionFile
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.services import leave as leave_services
from peixun.delivery.tests.helpers import lesson_at, lessons_past
from peixun.delivery.tests.test_rules import docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(world, running):
    held = lessons_past(running.project, 2)
    lesson_at(running.project, timezone.now() + timedelta(days=2))
    for lesson in held:
        for index, enrolment in enumerate(running.enrolments):
            attendance_services.mark(
                lesson=lesson,
                enrolment=enrolment,
                status=["present", "late", "absent"][index],
                actor=world.county_admin,
            )
    assignment = coursework_services.save_assignment(
        project=running.project,
        actor=world.county_admin,
        fields={
            "title": "学习笔记",
            "kind": "notes",
            "min_chars": 5,
            "due_at": timezone.now() + timedelta(days=2),
        },
    )
    submission = coursework_services.submit(
        assignment=assignment,
        enrolment=running.enrolments[0],
        text="",
        uploads=[coursework_services.Upload("笔记.docx", docx("单元整体教学的笔记"))],
        actor=world.teacher_user,
    )
    coursework_services.grade(
        submission=submission, score=Decimal(90), comment="好", actor=running.tutor_user
    )
    leave = leave_services.request_leave(
        enrolment=running.enrolments[1],
        kind="official",
        reason="公派",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        actor=running.users[1],
    )
    return running, assignment, submission, leave


STAFF_PAGES = (
    "delivery:lessons",
    "delivery:calendar",
    "delivery:attendance",
    "delivery:assignments",
    "delivery:outside",
    "delivery:settings",
)


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_render_with_data(client, world, busy, name):
    running, _assignment, _submission, _leave = busy
    client.force_login(world.county_admin)
    response = client.get(reverse(name, args=[running.project.pk]))
    assert response.status_code == 200


def test_the_tutor_sees_the_assignment_the_submission_and_downloads_its_file(client, busy):
    running, assignment, submission, leave = busy
    client.force_login(running.tutor_user)
    assert "学员" in client.get(reverse("delivery:assignment", args=[assignment.pk])).content.decode()
    page = client.get(reverse("delivery:submission", args=[submission.pk])).content.decode()
    assert "笔记.docx" in page
    document = SubmissionFile.objects.get()
    response = client.get(reverse("delivery:file", args=[document.pk]))
    assert (
        response["Content-Type"].startswith("application/vnd.openxmlformats")
        and response["X-Content-Type-Options"] == "nosniff"
    )
    assert client.get(reverse("delivery:leave", args=[leave.pk])).status_code == 200
    assert client.get(reverse("delivery:attendance", args=[running.project.pk])).status_code == 200


def test_the_trainee_pages_show_marks_work_leave_and_the_result(client, world, busy):
    running, assignment, _submission, _leave = busy
    client.force_login(world.teacher_user)
    page = client.get(reverse("delivery:my-project", args=[running.project.pk])).content.decode()
    assert "学习笔记" in page and 'data-testid="my-result"' in page
    assert client.get(reverse("delivery:submit", args=[assignment.pk])).status_code == 200
    assert client.get(reverse("delivery:calendar", args=[running.project.pk])).status_code == 200
    assert client.get(reverse("delivery:my")).status_code == 200


def test_staff_schedule_edit_and_cancel_a_lesson_and_save_the_settings(client, world, running):
    client.force_login(world.county_admin)
    day = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("delivery:lesson-create", args=[running.project.pk]),
        {
            "topic": "专家讲座",
            "day": day,
            "start": "09:00",
            "end": "11:00",
            "place": "报告厅",
            "cohort": running.cohort.pk,
        },
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert lesson.cohort == running.cohort
    client.post(
        reverse("delivery:lesson-edit", args=[lesson.pk]),
        {
            "topic": "专家讲座（调整）",
            "day": day,
            "start": "14:00",
            "end": "16:00",
            "online_url": "https://meeting.example.cn/123",
        },
    )
    lesson.refresh_from_db()
    assert lesson.topic == "专家讲座（调整）" and timezone.localtime(lesson.starts_at).hour == 14
    client.post(reverse("delivery:lesson-cancel", args=[lesson.pk]), {"reason": "专家临时有事"})
    lesson.refresh_from_db()
    assert lesson.status == "cancelled"
    bad = client.post(
        reverse("delivery:lesson-create", args=[running.project.pk]),
        {"topic": "x", "day": day, "start": "11:00", "end": "10:00"},
    )
    assert bad.status_code == 200 and Lesson.objects.count() == 1
    client.post(
        reverse("delivery:settings", args=[running.project.pk]),
        {
            "code_period": "45",
            "opens_before": "20",
            "late_after": "5",
            "step0": "school_role:cadre",
            "label0": "年级主任",
            "step1": "school_role:principal",
            "label1": "分管校长",
            "step2": "",
        },
    )
    settings = DeliverySettings.objects.get(project=running.project)
    assert settings.code_period == 45 and [s.label for s in settings.chain] == ["年级主任", "分管校长"]


def test_staff_set_an_assignment_through_the_form(client, world, running):
    client.force_login(world.county_admin)
    due = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("delivery:assignment-create", args=[running.project.pk]),
        {
            "title": "案例分析",
            "kind": "case_analysis",
            "required": "on",
            "min_chars": "3000",
            "due_at": due,
            "accepts_text": "on",
            "accepts_files": "on",
            "max_score": "100",
            "late_policy": "penalty",
            "late_penalty": "10",
        },
    )
    assert response.status_code == 302
    assignment = running.project.assignments.get()
    client.post(
        reverse("delivery:assignment-edit", args=[assignment.pk]),
        {
            "title": "班级管理案例分析",
            "kind": "case_analysis",
            "required": "on",
            "min_chars": "3000",
            "due_at": due,
            "accepts_text": "on",
            "max_score": "100",
            "late_policy": "refuse",
            "late_penalty": "0",
        },
    )
    assignment.refresh_from_db()
    assert assignment.title == "班级管理案例分析" and not assignment.accepts_files
