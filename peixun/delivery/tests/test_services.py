"""Delivery services on the database: check-in rules, the register, absence warnings, the leave
chain of RULES C4, late rules and files of coursework."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from peixun.assessment.models import Result
from peixun.delivery.exceptions import (
    AlreadyGradedError,
    DeviceUsedError,
    FileRejectedError,
    LessonNotOpenError,
    NotYourDecisionError,
    SubmissionClosedError,
    TooShortError,
    WrongCodeError,
)
from peixun.delivery.models import Attendance, DeliverySettings, Lesson, LessonStatus
from peixun.delivery.rules import checkin
from peixun.delivery.rules import leave as leave_rules
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.services import leave as leave_services
from peixun.delivery.services import lessons as lesson_services
from peixun.delivery.tests.helpers import lesson_at, lessons_past
from peixun.delivery.tests.test_rules import docx
from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_person, make_user
from peixun.training.models import Notice

pytestmark = pytest.mark.django_db


def code_now(lesson):
    return checkin.shown_at(lesson.checkin_secret, lesson.pk, timezone.now()).code


def test_check_in_is_refused_outside_the_window_and_with_a_wrong_code(world, running):
    later = lesson_at(running.project, timezone.now() + timedelta(hours=2))
    with pytest.raises(LessonNotOpenError):
        attendance_services.check_in(
            lesson=later,
            enrolment=running.enrolments[0],
            proof=code_now(later),
            by_qr=False,
            device="d" * 32,
            actor=world.teacher_user,
        )
    now = lesson_at(running.project, timezone.now() - timedelta(minutes=1))
    wrong = "000000" if code_now(now) != "000000" else "111111"
    with pytest.raises(WrongCodeError):
        attendance_services.check_in(
            lesson=now,
            enrolment=running.enrolments[0],
            proof=wrong,
            by_qr=False,
            device="d" * 32,
            actor=world.teacher_user,
        )


def test_one_device_checks_in_one_person_and_checking_in_twice_changes_nothing(world, running):
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=1))
    first = attendance_services.check_in(
        lesson=lesson,
        enrolment=running.enrolments[0],
        proof=code_now(lesson),
        by_qr=False,
        device="phone-1" * 4,
        actor=world.teacher_user,
    )
    again = attendance_services.check_in(
        lesson=lesson,
        enrolment=running.enrolments[0],
        proof=code_now(lesson),
        by_qr=False,
        device="phone-1" * 4,
        actor=world.teacher_user,
    )
    assert first.pk == again.pk and first.status == "present"
    with pytest.raises(DeviceUsedError):
        attendance_services.check_in(
            lesson=lesson,
            enrolment=running.enrolments[1],
            proof=code_now(lesson),
            by_qr=False,
            device="phone-1" * 4,
            actor=running.users[1],
        )


def test_the_register_marks_and_every_change_is_audited(world, running):
    from peixun.audit.models import AuditEvent

    (lesson,) = lessons_past(running.project, 1)
    attendance_services.mark(
        lesson=lesson, enrolment=running.enrolments[0], status="absent", actor=running.tutor_user
    )
    attendance_services.mark(
        lesson=lesson,
        enrolment=running.enrolments[0],
        status="leave_sick",
        actor=running.tutor_user,
        note="病假条已交",
    )
    events = AuditEvent.objects.filter(action="attendance_marked").order_by("pk")
    assert [e.changes["status"] for e in events] == [["", "absent"], ["absent", "leave_sick"]]


def test_a_trainee_is_warned_once_when_one_more_absence_would_fail(world, running):
    lessons = lessons_past(running.project, 6)  # up to 2 absences pass
    enrolment = running.enrolments[0]
    attendance_services.mark(
        lesson=lessons[0], enrolment=enrolment, status="absent", actor=world.county_admin
    )
    assert not Notice.objects.filter(kind="absence_warning").exists()
    attendance_services.mark(
        lesson=lessons[1], enrolment=enrolment, status="absent", actor=world.county_admin
    )
    attendance_services.mark(
        lesson=lessons[2], enrolment=enrolment, status="leave_official", actor=world.county_admin
    )
    warned = Notice.objects.filter(kind="absence_warning", user=world.teacher_user)
    assert warned.count() == 1 and warned.get().params["absences"] == "2"
    attendance_services.mark(
        lesson=lessons[3], enrolment=enrolment, status="absent", actor=world.county_admin
    )
    assert warned.count() == 1
    assert not Result.objects.get(enrolment=enrolment).passed


def c4_world(world, running):
    DeliverySettings.objects.create(
        project=running.project, leave_chain=leave_rules.chain_json(leave_rules.C4_CHAIN)
    )
    cadre = make_person(world.school_a1, "年级主任", roles=["cadre"])
    principal = make_person(world.school_a1, "分管校长", roles=["principal"])
    return (
        make_user("cadre", (GrantRole.TEACHER, world.school_a1), person=cadre),
        make_user("principal", (GrantRole.TEACHER, world.school_a1), person=principal),
    )


def test_c4_leave_goes_to_the_grade_head_then_the_vice_principal_and_lands_on_the_marks(world, running):
    cadre, principal = c4_world(world, running)
    lesson = lesson_at(running.project, timezone.now() + timedelta(days=1))
    day = timezone.localtime(lesson.starts_at).date()
    leave = leave_services.request_leave(
        enrolment=running.enrolments[0],
        kind="personal",
        reason="家中有事",
        starts_on=day,
        ends_on=day,
        actor=world.teacher_user,
    )
    assert Notice.objects.filter(kind="leave_waiting", user=cadre).exists()
    with pytest.raises(NotYourDecisionError):
        leave_services.decide_leave(leave=leave, actor=principal, approve=True)
    leave = leave_services.decide_leave(leave=leave, actor=cadre, approve=True)
    assert (leave.status, leave.step) == ("pending", 1)
    leave = leave_services.decide_leave(leave=leave, actor=principal, approve=True, note="同意")
    assert leave.status == "approved"
    assert Attendance.objects.get(lesson=lesson, enrolment=running.enrolments[0]).status == "leave_personal"
    assert Notice.objects.filter(kind="leave_approved", user=world.teacher_user).exists()


def test_the_school_coordinator_may_act_for_a_school_role_and_a_rejection_ends_the_request(world, running):
    c4_world(world, running)
    today = timezone.localdate()
    leave = leave_services.request_leave(
        enrolment=running.enrolments[0],
        kind="sick",
        reason="发烧",
        starts_on=today,
        ends_on=today,
        actor=world.teacher_user,
    )
    leave = leave_services.decide_leave(
        leave=leave, actor=world.coordinator_a1, approve=False, note="请补病历"
    )
    assert leave.status == "rejected"
    assert leave_services.waiting_for(world.coordinator_a1) == []


def test_late_rules_refuse_accept_or_deduct(world, running):
    past = timezone.now() - timedelta(days=1)
    refuse = coursework_services.save_assignment(
        project=running.project,
        actor=world.county_admin,
        fields={"title": "反思", "kind": "reflection", "due_at": past, "late_policy": "refuse"},
    )
    with pytest.raises(SubmissionClosedError):
        coursework_services.submit(
            assignment=refuse, enrolment=running.enrolments[0], text="体会", actor=world.teacher_user
        )
    penalty = coursework_services.save_assignment(
        project=running.project,
        actor=world.county_admin,
        fields={
            "title": "论文",
            "kind": "paper",
            "due_at": past,
            "late_policy": "penalty",
            "late_penalty": 20,
        },
    )
    submission = coursework_services.submit(
        assignment=penalty, enrolment=running.enrolments[0], text="论文正文", actor=world.teacher_user
    )
    assert submission.late
    graded = coursework_services.grade(
        submission=submission, score=Decimal(90), comment="", actor=running.tutor_user
    )
    assert coursework_services.percent(graded) == Decimal("72.0")
    with pytest.raises(AlreadyGradedError):
        coursework_services.submit(
            assignment=penalty, enrolment=running.enrolments[0], text="再交", actor=world.teacher_user
        )
    coursework_services.grade(
        submission=graded, score=None, comment="请修改", actor=running.tutor_user, returned=True
    )
    again = coursework_services.submit(
        assignment=penalty, enrolment=running.enrolments[0], text="修改后", actor=world.teacher_user
    )
    assert again.status == "submitted"


def test_files_are_checked_by_their_bytes_and_word_files_count_toward_the_length(world, running):
    assignment = coursework_services.save_assignment(
        project=running.project,
        actor=world.county_admin,
        fields={
            "title": "学习笔记",
            "kind": "notes",
            "min_chars": 10,
            "due_at": timezone.now() + timedelta(days=1),
        },
    )
    upload = coursework_services.Upload
    with pytest.raises(FileRejectedError):
        coursework_services.submit(
            assignment=assignment,
            enrolment=running.enrolments[0],
            uploads=[upload("笔记.pdf", b"MZ\x90\x00")],
            actor=world.teacher_user,
        )
    with pytest.raises(FileRejectedError):
        coursework_services.submit(
            assignment=assignment,
            enrolment=running.enrolments[0],
            uploads=[upload("big.pdf", b"%PDF-" + b"0" * coursework_services.MAX_FILE_BYTES)],
            actor=world.teacher_user,
        )
    with pytest.raises(TooShortError):
        coursework_services.submit(
            assignment=assignment,
            enrolment=running.enrolments[0],
            uploads=[upload("短.docx", docx("太短"))],
            actor=world.teacher_user,
        )
    submission = coursework_services.submit(
        assignment=assignment,
        enrolment=running.enrolments[0],
        uploads=[upload("笔记", docx("这是一份足够长的学习笔记内容"))],
        actor=world.teacher_user,
    )
    stored = submission.files.get()
    assert stored.kind == "docx" and stored.filename == "笔记.docx" and submission.char_count == 14
    # A PDF cannot be counted: the tutor reads it, and the minimum is not applied.
    pdf = coursework_services.submit(
        assignment=assignment,
        enrolment=running.enrolments[1],
        uploads=[upload("scan.pdf", b"%PDF-1.7 scan")],
        actor=running.users[1],
    )
    assert coursework_services.meets_length(pdf)


def test_cancelling_a_lesson_takes_it_out_of_the_count(world, running):
    lessons = lessons_past(running.project, 3)
    enrolment = running.enrolments[0]
    for lesson in lessons[:2]:
        attendance_services.mark(
            lesson=lesson, enrolment=enrolment, status="absent", actor=world.county_admin
        )
    assert not Result.objects.get(enrolment=enrolment).passed
    # 2 of 3 absent fails; the third lesson's cancellation leaves 2 of 2.
    lesson_services.cancel_lesson(lesson=lessons[2], actor=world.county_admin)
    assert attendance_services.tally(enrolment).planned == 2


def test_the_delivery_tick_closes_ended_lessons_once_and_the_unmarked_become_absent(running):
    (ended,) = lessons_past(running.project, 1)
    upcoming = lesson_at(running.project, timezone.now() + timedelta(days=1))
    attendance_services.mark(
        lesson=ended, enrolment=running.enrolments[0], status="present", actor=running.tutor_user
    )
    out = io.StringIO()
    call_command("delivery_tick", stdout=out)
    assert out.getvalue().strip() == "lessons closed: 1"
    assert Lesson.objects.get(pk=ended.pk).status == LessonStatus.CLOSED
    assert Lesson.objects.get(pk=upcoming.pk).status == LessonStatus.SCHEDULED
    statuses = dict(Attendance.objects.filter(lesson=ended).values_list("enrolment_id", "status"))
    assert statuses[running.enrolments[0].pk] == "present"
    assert {statuses[e.pk] for e in running.enrolments[1:]} == {"absent"}
    # Run again (every five minutes): nothing more to close; quiet for the journal with -v 0.
    quiet = io.StringIO()
    call_command("delivery_tick", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""
    assert Attendance.objects.filter(lesson=ended).count() == len(running.enrolments)


def test_the_grade_head_sees_the_leave_to_decide_and_a_teacher_without_a_school_role_reads_none(
    world, running
):
    """Everyone's home page asks whose leave waits for them: a teacher who holds no school role
    (年级主任, 分管校长), tutors no class and manages nothing is answered without reading the requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cadre, _principal = c4_world(world, running)
    today = timezone.localdate()
    leave = leave_services.request_leave(
        enrolment=running.enrolments[0], kind="sick", reason="发烧", starts_on=today, ends_on=today,
        actor=world.teacher_user,
    )  # fmt: skip
    assert leave_services.waiting_for(cadre) == [leave]
    colleague = running.users[1]  # a teacher of the same school, no school role
    with CaptureQueriesContext(connection) as captured:
        assert leave_services.waiting_for(colleague) == []
    assert not [q for q in captured.captured_queries if "delivery_leaverequest" in q["sql"]]
