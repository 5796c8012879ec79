"""Activities run from the plan (ADR 0059): check-in by the day's code, the register, coursework,
follow-along counted tasks, and the registration compiled from who attended — once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from peixun.schoolbased import activities as svc
from peixun.schoolbased import services
from peixun.schoolbased.exceptions import (
    CheckInRefusedError,
    LineInvalidError,
    PlanNotApprovedError,
    UploadRefusedError,
)
from peixun.schoolbased.models import Attendance, FollowAlongTemplate, SchoolPlan, TeacherLine
from peixun.schoolbased.rules import checkin
from peixun.schoolbased.rules import follow_along as fa
from peixun.schoolbased.tests.conftest import add_line, school_year
from peixun.testing.factories import make_person

D = Decimal
PDF = b"%PDF-1.4\n%test\n"


def test_the_day_code_is_per_activity_and_day_and_tolerates_full_width_digits():
    secret = checkin.new_secret()
    day = date(2026, 10, 9)
    code = checkin.code_for(secret, 7, day)
    wide = "".join(chr(0xFF10 + int(digit)) for digit in code)
    assert checkin.code_valid(secret, 7, day, f"{wide[:3]} {wide[3:]}")
    assert not checkin.code_valid(secret, 7, day + timedelta(days=1), code)
    assert checkin.code_for(secret, 8, day) != code or checkin.code_for(secret, 9, day) != code


def test_follow_along_counts_a_report_lesson_as_taught_and_names_what_is_missing():
    floor = fa.Minimums(observed=10, taught=6, report=1, model=1, proposal=1, logs=2)
    tally = fa.counts([fa.OBSERVED] * 10 + [fa.TAUGHT] * 5 + [fa.REPORT, fa.MODEL, fa.LOG])
    assert tally[fa.TAUGHT] == 6
    assert [(item.kind, item.have, item.need) for item in fa.missing(tally, floor)] == [
        (fa.PROPOSAL, 0, 1),
        (fa.LOG, 1, 2),
    ]


@pytest.fixture
def plan(world, year):
    _district, topics = year
    plan = services.create_plan(school=world.school_a1, school_year=school_year(), actor=world.coordinator_a1)
    for topic in topics:
        add_line(plan, world.coordinator_a1, topic=topic, hours=topic.planned_hours)
    own = add_line(plan, world.coordinator_a1, hours=D(40))
    services.submit_plan(plan=plan, actor=world.coordinator_a1)
    services.decide_plan(plan=plan, actor=world.county_admin, approve=True)
    plan.refresh_from_db()
    return plan, own


def _activity(world, line, people, *, kind="regular", hours="3"):
    today = timezone.localdate()
    return svc.create_activity(
        line=line,
        kind=kind,
        title="",
        starts_on=today,
        ends_on=today,
        place="三楼会议室",
        leader=world.teacher_a1,
        hours=hours,
        participants=people,
        actor=world.coordinator_a1,
    )


@pytest.mark.django_db
def test_an_activity_needs_an_approved_plan_and_the_school_s_own_active_teachers(world, year):
    draft = services.create_plan(
        school=world.school_a1, school_year=school_year(), actor=world.coordinator_a1
    )
    line = add_line(draft, world.coordinator_a1)
    with pytest.raises(PlanNotApprovedError):
        _activity(world, line, [world.teacher_a1])
    SchoolPlan.objects.filter(pk=draft.pk).update(state="approved")
    line.refresh_from_db()
    with pytest.raises(LineInvalidError, match="本校"):
        _activity(world, line, [world.teacher_a1, world.teacher_a2])
    retired = make_person(world.school_a1, "退休老师", status="retired")
    with pytest.raises(LineInvalidError, match="退休老师"):
        _activity(world, line, [retired])


@pytest.mark.django_db
def test_check_in_with_the_day_code_marks_present_once_and_a_wrong_code_says_what_to_do(world, plan):
    _plan, line = plan
    activity = _activity(world, line, [world.teacher_a1])
    with pytest.raises(CheckInRefusedError, match="六位"):
        svc.check_in(activity=activity, person=world.teacher_a1, code="000000x", actor=world.teacher_user)
    code = svc.code_today(activity)
    _record, new = svc.check_in(
        activity=activity, person=world.teacher_a1, code=code, actor=world.teacher_user
    )
    _again, second = svc.check_in(
        activity=activity, person=world.teacher_a1, code=code, actor=world.teacher_user
    )
    assert new and not second
    assert activity.participants.get().attendance == Attendance.PRESENT
    with pytest.raises(CheckInRefusedError, match="参加"):
        svc.check_in(activity=activity, person=world.teacher_a2, code=code, actor=world.teacher_user)


@pytest.mark.django_db
def test_compiling_gives_the_present_the_activity_hours_once_and_follows_the_corrected_register(world, plan):
    the_plan, line = plan
    other = make_person(world.school_a1, "缺席老师")
    activity = _activity(world, line, [world.teacher_a1, other])
    present, absent = sorted(activity.participants.all(), key=lambda p: p.person_id != world.teacher_a1.pk)
    svc.mark_attendance(
        activity=activity,
        marks={present.pk: Attendance.PRESENT, absent.pk: Attendance.ABSENT},
        actor=world.coordinator_a1,
    )
    registration = services.start_registration(plan=the_plan, actor=world.coordinator_a1)
    first = svc.compile_registration(registration=registration, actor=world.coordinator_a1)
    again = svc.compile_registration(registration=registration, actor=world.coordinator_a1)
    assert (first.added, again.added) == (1, 0)
    line_row = TeacherLine.objects.get(registration=registration)
    assert (line_row.person_id, line_row.hours, line_row.run_id) == (world.teacher_a1.pk, D(3), activity.pk)
    # A manual line for the same activity and day would count it twice: refused.
    with pytest.raises(LineInvalidError, match="考勤"):
        services.add_manual_line(
            registration=registration,
            person=world.teacher_a1,
            line=line,
            hours=D(3),
            earned_on=timezone.localdate(),
            evidence=services.Evidence("x.pdf", PDF),
            actor=world.coordinator_a1,
        )
    svc.mark_attendance(activity=activity, marks={present.pk: Attendance.ABSENT}, actor=world.coordinator_a1)
    assert svc.compile_registration(registration=registration, actor=world.coordinator_a1).removed == 1
    assert not TeacherLine.objects.filter(registration=registration).exists()


@pytest.mark.django_db
def test_follow_along_hours_count_only_once_the_template_tasks_are_met(world, plan):
    the_plan, line = plan
    FollowAlongTemplate.objects.update(min_observed=2, min_taught=1, min_report=1)
    activity = _activity(world, line, [world.teacher_a1], kind="follow_along", hours=D(20))
    participant = activity.participants.get()
    svc.mark_attendance(activity=activity, marks={participant.pk: "present"}, actor=world.coordinator_a1)
    today = timezone.localdate()
    svc.add_entry(
        participant=participant, kind=fa.OBSERVED, on=today, note="听课一", actor=world.teacher_user
    )
    standing = svc.standings(activity)[0]
    assert not standing.counts
    assert any("听课" in why and "1" in why and "2" in why for why in standing.why_not)
    registration = services.start_registration(plan=the_plan, actor=world.coordinator_a1)
    assert svc.compile_registration(registration=registration, actor=world.coordinator_a1).added == 0
    for kind, note in (
        (fa.OBSERVED, "听课二"),
        (fa.REPORT, "汇报课"),
        (fa.MODEL, "示范课"),
        (fa.PROPOSAL, "子课题方案"),
        (fa.LOG, "日志"),
    ):
        svc.add_entry(participant=participant, kind=kind, on=today, note=note, actor=world.teacher_user)
    with pytest.raises(LineInvalidError):
        svc.add_entry(participant=participant, kind=fa.LOG, on=today, note="again", actor=world.teacher_user)
    assert svc.standings(activity)[0].counts
    assert svc.compile_registration(registration=registration, actor=world.coordinator_a1).added == 1


@pytest.mark.django_db
def test_coursework_is_checked_by_its_bytes_and_only_participants_hand_in(world, plan):
    _plan, line = plan
    activity = _activity(world, line, [world.teacher_a1])
    task = svc.add_task(
        activity=activity, title="教学反思", due_on=timezone.localdate(), actor=world.coordinator_a1
    )
    with pytest.raises(UploadRefusedError, match="只能上传"):
        svc.submit_work(
            task=task, person=world.teacher_a1, data=b"MZ\x90\x00", name="a.pdf", actor=world.teacher_user
        )
    with pytest.raises(LineInvalidError):
        svc.submit_work(task=task, person=world.teacher_a2, data=PDF, name="a.pdf", actor=world.teacher_user)
    submission = svc.submit_work(
        task=task, person=world.teacher_a1, data=PDF, name="反思.pdf", actor=world.teacher_user
    )
    svc.grade_work(submission=submission, grade="pass", actor=world.coordinator_a1)
    with pytest.raises(LineInvalidError):
        svc.submit_work(task=task, person=world.teacher_a1, data=PDF, name="b.pdf", actor=world.teacher_user)
    with pytest.raises(UploadRefusedError):
        svc.add_evidence(activity=activity, kind="photo", data=PDF, name="x.pdf", actor=world.coordinator_a1)


@pytest.mark.django_db
def test_the_leader_runs_the_activity_on_the_phone_and_the_teacher_checks_in_by_the_qr_link(
    client, world, plan
):
    _plan, line = plan
    activity = _activity(world, line, [world.teacher_a1])
    client.force_login(world.teacher_user)  # teacher_a1 leads it
    page = client.get(reverse("schoolbased:activity", args=[activity.pk]))
    code = svc.code_today(activity)
    assert page.status_code == 200 and code in page.content.decode() and "qr-svg" in page.content.decode()
    link = reverse("schoolbased:activity-checkin") + f"?a={activity.pk}&code={code}"
    assert client.get(link).status_code == 200
    assert not activity.participants.get().checkins.exists()  # opening the link checks nothing in
    done = client.post(reverse("schoolbased:activity-checkin"), {"a": activity.pk, "code": code, "via": "qr"})
    assert done.status_code == 302
    assert activity.participants.get().checkins.get().method == "qr"
    mine = client.get(reverse("schoolbased:activities-mine")).content.decode()
    assert activity.title in mine
    export = client.get(reverse("schoolbased:activity-export", args=[activity.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(world.outsider)
    assert client.get(reverse("schoolbased:activity", args=[activity.pk])).status_code == 404
