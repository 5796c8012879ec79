"""The delivery pages through the client: staff, the class tutor and the trainee each see theirs;
check-in by code and QR code on the phone page; the register; leave; coursework."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peixun.delivery.models import Attendance, LeaveRequest, Submission
from peixun.delivery.rules import checkin
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.tests.helpers import lesson_at, lessons_past

pytestmark = pytest.mark.django_db


def test_staff_see_lessons_calendar_attendance_and_coursework(client, world, running):
    lesson_at(running.project, timezone.now() + timedelta(hours=2))
    lessons_past(running.project, 2)
    client.force_login(world.county_admin)
    for name in (
        "delivery:lessons",
        "delivery:calendar",
        "delivery:attendance",
        "delivery:assignments",
        "delivery:settings",
        "delivery:lesson-create",
        "delivery:outside",
    ):
        response = client.get(reverse(name, args=[running.project.pk]))
        assert response.status_code == 200, name
    assert client.get(reverse("delivery:attendance-export", args=[running.project.pk]))[
        "Content-Type"
    ].startswith("application/vnd.openxmlformats")


def test_the_calendar_marks_national_day_and_its_adjusted_workday(client, world, running):
    client.force_login(world.county_admin)
    response = client.get(
        reverse("delivery:calendar", args=[running.project.pk]),
        {"month": "2026-10"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = response.content.decode()
    assert "国庆节" in body
    assert body.count('data-testid="day-note"') >= 8  # 1–7 October and the Saturday workday, 10 October


def test_a_teacher_checks_in_with_the_code_shown_and_a_second_person_on_the_same_phone_is_refused(
    client, world, running
):
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=5))
    code = checkin.shown_at(lesson.checkin_secret, lesson.pk, timezone.now()).code
    client.force_login(world.teacher_user)
    page = client.get(reverse("delivery:my"))
    assert 'data-testid="open-lesson"' in page.content.decode()
    response = client.post(reverse("delivery:checkin"), {"lesson": lesson.pk, "code": code}, follow=True)
    assert "Checked in" in response.content.decode() or "签到" in response.content.decode()
    mark = Attendance.objects.get(lesson=lesson, enrolment=running.enrolments[0])
    assert mark.status == "present" and mark.method == "code" and mark.device

    # The colleague signs in on the same phone (same device cookie) and tries to check in too.
    device = client.cookies["peixun_device"].value
    client.force_login(running.users[1])
    client.cookies["peixun_device"] = device
    client.post(reverse("delivery:checkin"), {"lesson": lesson.pk, "code": code})
    assert not Attendance.objects.filter(lesson=lesson, enrolment=running.enrolments[1]).exists()


def test_a_wrong_code_is_refused_and_nothing_is_marked(client, world, running):
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=5))
    client.force_login(world.teacher_user)
    client.post(reverse("delivery:checkin"), {"lesson": lesson.pk, "code": "000000"})
    shown = checkin.shown_at(lesson.checkin_secret, lesson.pk, timezone.now()).code
    if shown != "000000":
        assert not Attendance.objects.filter(lesson=lesson).exists()


def test_the_qr_link_confirms_before_checking_in(client, world, running):
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=20))  # late after 10 minutes
    token = checkin.shown_at(lesson.checkin_secret, lesson.pk, timezone.now()).token
    client.force_login(running.users[1])
    url = reverse("delivery:checkin-qr", args=[lesson.pk, token])
    assert client.get(url).status_code == 200
    assert not Attendance.objects.exists()
    client.post(url)
    mark = Attendance.objects.get(lesson=lesson, enrolment=running.enrolments[1])
    assert (mark.status, mark.method) == ("late", "qr")


def test_the_tutor_shows_the_code_and_marks_the_register_with_htmx(client, world, running):
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=5))
    client.force_login(running.tutor_user)
    screen = client.get(reverse("delivery:lesson-code", args=[lesson.pk]))
    shown = checkin.shown_at(lesson.checkin_secret, lesson.pk, timezone.now()).code
    assert re.sub(r"\s", "", screen.content.decode()).count(shown) >= 1 or screen.status_code == 200
    assert "<svg" in screen.content.decode()
    response = client.post(
        reverse("delivery:lesson-mark", args=[lesson.pk, running.enrolments[2].pk]),
        {"status": "leave_sick"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'id="row-' in response.content.decode()
    assert Attendance.objects.get(lesson=lesson, enrolment=running.enrolments[2]).method == "register"
    assert client.get(reverse("delivery:tutoring")).status_code == 200


def test_a_tutor_of_another_class_gets_404_and_a_teacher_gets_403(client, world, running):
    lesson = lesson_at(running.project, timezone.now())
    client.force_login(world.teacher_user)
    assert client.get(reverse("delivery:lesson", args=[lesson.pk])).status_code == 403
    client.force_login(world.tutor_a1)
    assert client.get(reverse("delivery:lesson", args=[lesson.pk])).status_code == 404


def test_a_teacher_asks_for_leave_and_the_tutor_approves_it(client, world, running):
    lesson = lesson_at(running.project, timezone.now() + timedelta(days=1))
    day = timezone.localtime(lesson.starts_at).date()
    client.force_login(world.teacher_user)
    response = client.post(
        reverse("delivery:leave-create", args=[running.project.pk]),
        {"kind": "sick", "starts_on": day.isoformat(), "ends_on": day.isoformat(), "reason": "发烧"},
    )
    leave = LeaveRequest.objects.get()
    assert response.status_code == 302 and leave.status == "pending"
    client.force_login(running.tutor_user)
    inbox = client.get(reverse("training:inbox")).content.decode()
    assert 'data-testid="inbox-leave"' in inbox
    client.post(reverse("delivery:leave-decide", args=[leave.pk]), {"decision": "approve"})
    leave.refresh_from_db()
    assert leave.status == "approved"
    assert Attendance.objects.get(lesson=lesson, enrolment=running.enrolments[0]).status == "leave_sick"


def test_a_teacher_hands_in_text_and_the_tutor_grades_it(client, world, running):
    assignment = coursework_services.save_assignment(
        project=running.project,
        actor=world.county_admin,
        fields={
            "title": "学习反思",
            "kind": "reflection",
            "min_chars": 10,
            "due_at": timezone.now() + timedelta(days=3),
        },
    )
    client.force_login(world.teacher_user)
    url = reverse("delivery:submit", args=[assignment.pk])
    short = client.post(url, {"text": "太短"})
    assert short.status_code == 200 and not Submission.objects.exists()
    client.post(url, {"text": "这次培训让我认识到单元整体教学的重要。"})
    submission = Submission.objects.get()
    client.force_login(running.tutor_user)
    assert client.get(reverse("delivery:assignment", args=[assignment.pk])).status_code == 200
    client.post(
        reverse("delivery:grade", args=[submission.pk]), {"score": "88", "comment": "认真", "action": "grade"}
    )
    submission.refresh_from_db()
    assert (submission.status, submission.score) == ("graded", 88)
    client.force_login(world.teacher_user)
    page = client.get(reverse("delivery:my-project", args=[running.project.pk])).content.decode()
    assert 'data-testid="my-result"' in page
