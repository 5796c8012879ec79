from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.ledger.models import CreditEntry
from peixun.schoolbased import selectors, services
from peixun.schoolbased.exceptions import (
    CommentRequiredError,
    DisputesOpenError,
    ExcludedTeacherError,
    FileRejectedError,
    PlanIncompleteError,
)
from peixun.schoolbased.models import PlanState
from peixun.schoolbased.tests.conftest import add_line, school_year
from peixun.testing.factories import make_person

pytestmark = pytest.mark.django_db
D = Decimal


def _approved_plan(world, topics, own_hours=40):
    plan = services.create_plan(school=world.school_a1, school_year=school_year(), actor=world.coordinator_a1)
    for topic in topics:
        add_line(plan, world.coordinator_a1, topic=topic, hours=topic.planned_hours)
    own = add_line(plan, world.coordinator_a1, hours=D(own_hours), leader=world.teacher_a1)
    services.submit_plan(plan=plan, actor=world.coordinator_a1)
    services.decide_plan(plan=plan, actor=world.county_admin, approve=True)
    plan.refresh_from_db()
    return plan, own


def test_submit_is_refused_naming_the_missing_topic_and_the_cap_excess(world, year):
    _district, topics = year
    plan = services.create_plan(school=world.school_a1, school_year=school_year(), actor=world.coordinator_a1)
    add_line(plan, world.coordinator_a1, topic=topics[0], hours=D(60))
    add_line(plan, world.coordinator_a1, hours=D(130))
    with pytest.raises(PlanIncompleteError) as refused:
        services.submit_plan(plan=plan, actor=world.coordinator_a1)
    text = " ".join(refused.value.details())
    assert "安全教育" in text
    assert "13.0" in text and "12.0" in text and "1.0" in text  # 学分 planned, cap, excess
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT and plan.version == 0


def test_return_with_line_comments_then_a_second_version_is_approved(world, year):
    _district, topics = year
    plan = services.create_plan(school=world.school_a1, school_year=school_year(), actor=world.coordinator_a1)
    first = add_line(plan, world.coordinator_a1, topic=topics[0], hours=D(60))
    add_line(plan, world.coordinator_a1, topic=topics[1], hours=D(40))
    services.submit_plan(plan=plan, actor=world.coordinator_a1)
    with pytest.raises(CommentRequiredError):
        services.decide_plan(plan=plan, actor=world.county_admin, approve=False)
    services.decide_plan(
        plan=plan,
        actor=world.county_admin,
        approve=False,
        line_comments={first.pk: "学时偏多"},
        comment="请调整",
    )
    plan.refresh_from_db()
    first.refresh_from_db()
    assert plan.state == PlanState.RETURNED and first.comment == "学时偏多"
    services.save_line(
        plan=plan,
        actor=world.coordinator_a1,
        line=first,
        title=first.title,
        category=first.category,
        level="school",
        planned_hours=D(50),
        starts_on=first.starts_on,
        ends_on=first.ends_on,
        topic=topics[0],
    )
    services.submit_plan(plan=plan, actor=world.coordinator_a1)
    services.decide_plan(plan=plan, actor=world.county_admin, approve=True)
    plan.refresh_from_db()
    versions = list(plan.versions.all())
    assert plan.state == PlanState.APPROVED and [v.number for v in versions] == [1, 2]
    assert versions[0].line_comments == {str(first.pk): "学时偏多"} and versions[0].outcome == "returned"
    assert versions[0].lines[0]["planned_hours"] == "60.0"
    assert versions[1].lines[0]["planned_hours"] == "50.0"
    actions = list(
        AuditEvent.objects.filter(target_type="schoolbased.schoolplan").values_list("action", flat=True)
    )
    assert (
        actions.count("sb_plan_submitted") == 2
        and "sb_plan_returned" in actions
        and "sb_plan_approved" in actions
    )


def test_registration_confirm_dispute_submit_accept_posts_once_within_the_caps(world, year):
    _district, topics = year
    plan, own = _approved_plan(world, topics, own_hours=100)
    retired = make_person(world.school_a1, "钱退休", status="retired")
    colleague = make_person(world.school_a1, "孙同事")
    registration = services.start_registration(plan=plan, actor=world.coordinator_a1)
    day = max(selectors.year_start(plan.school_year), timezone.localdate() - timedelta(days=1))
    day = min(day, timezone.localdate())
    with pytest.raises(ExcludedTeacherError):
        services.record_activity(
            registration=registration,
            line=own,
            held_on=day,
            attendees=[(retired, 10)],
            actor=world.coordinator_a1,
        )
    services.record_activity(
        registration=registration,
        line=own,
        held_on=day,
        attendees=[(world.teacher_a1, 80), (colleague, 20)],
        actor=world.coordinator_a1,
    )
    services.record_activity(
        registration=registration,
        line=own,
        held_on=day,
        attendees=[(world.teacher_a1, 60)],
        actor=world.coordinator_a1,
    )
    with pytest.raises(FileRejectedError):
        services.add_manual_line(
            registration=registration,
            person=colleague,
            line=own,
            hours=5,
            earned_on=day,
            evidence=services.Evidence("x.exe", b"MZ\x90"),
            actor=world.coordinator_a1,
        )
    services.add_manual_line(
        registration=registration,
        person=colleague,
        line=own,
        hours=5,
        earned_on=day,
        evidence=services.Evidence("签到表.pdf", b"%PDF-1.4 test"),
        actor=world.coordinator_a1,
    )
    first, second = registration.lines.filter(person=world.teacher_a1).order_by("id")
    services.answer_line(line=first, actor=world.teacher_user, confirm=True)
    services.answer_line(line=second, actor=world.teacher_user, confirm=False, reason="我只参加了半天")
    with pytest.raises(DisputesOpenError):
        services.submit_registration(registration=registration, actor=world.coordinator_a1)
    services.resolve_line(line=second, actor=world.coordinator_a1, hours=D(50), resolution="按签到核减")
    services.submit_registration(registration=registration, actor=world.coordinator_a1)
    services.decide_registration(
        registration=registration, actor=world.county_admin, accept=False, comment="请补充签到表"
    )
    registration.refresh_from_db()
    assert registration.state == "returned" and not CreditEntry.objects.filter(source="school_based").exists()
    services.submit_registration(registration=registration, actor=world.coordinator_a1)
    posting = services.decide_registration(registration=registration, actor=world.county_admin, accept=True)
    entries = CreditEntry.objects.filter(source="school_based")
    mine = sorted(entries.filter(person=world.teacher_a1).values_list("hours", flat=True))
    # 80 + 50 school-chosen hours against the 120 cap: 80 and 40 counted, 10 not posted.
    assert mine == [D(40), D(80)]
    assert posting.posted == 4 and posting.not_counted == D(10)
    assert not entries.filter(person=retired).exists()
    assert set(entries.values_list("mode", "level", "source")) == {("school_based", "school", "school_based")}
    second.refresh_from_db()
    assert second.counted_hours == D(40) and second.not_counted == D(10)
    again = services.post_registration(registration, actor=world.county_admin)
    assert again.posted == 0 and again.already == 4 and entries.count() == 4


def test_late_submission_is_marked(world, year):
    _district, topics = year
    plan, own = _approved_plan(world, topics)
    registration = services.start_registration(plan=plan, actor=world.coordinator_a1)
    assert registration.deadline is not None  # the county's deadline
    registration.deadline = timezone.localdate() - timedelta(days=1)
    registration.save()
    services.record_activity(
        registration=registration,
        line=own,
        held_on=timezone.localdate(),
        attendees=[(world.teacher_a1, 4)],
        actor=world.coordinator_a1,
    )
    services.submit_registration(registration=registration, actor=world.coordinator_a1)
    registration.refresh_from_db()
    assert registration.late and registration.state == "submitted"
