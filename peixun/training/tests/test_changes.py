"""Change requests (变更申请, issue 13) through their services and pure rules: an approved project's
capacity, audience, dates and classes change only when the approver approves; a capacity below the
places taken is refused when the request is made and again when it is approved; returned requests
are edited and submitted again or withdrawn; one open request per project; every step audited."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.testing.factories import make_project
from peixun.training import access
from peixun.training.exceptions import (
    ChangeNotAllowedError,
    ChangeNotPermittedError,
    ChangeRequestInvalidError,
    ChangeRequestStateError,
    CommentRequiredError,
    OpenChangeExistsError,
    ReasonRequiredError,
)
from peixun.training.models import ChangeRequest, Cohort, Enrolment, Notice, Project
from peixun.training.rules import changes as rules
from peixun.training.rules.changes import ClassLine, ExistingClass
from peixun.training.services import changes as svc
from peixun.training.services import enrolment
from peixun.training.services.projects import places_consistent

# --- The pure rules (no database) ----------------------------------------------------------------------

A, B = ExistingClass(1, "第1班", 30), ExistingClass(2, "第2班", 0)


@pytest.mark.parametrize(
    ("wanted", "renamed", "added", "removed", "unknown"),
    [
        ([ClassLine(1, "第1班"), ClassLine(2, "第2班")], [], [], [], []),
        ([ClassLine(1, "一班"), ClassLine(2, "第2班")], [(1, "一班")], [], [], []),
        ([ClassLine(1, "第1班"), ClassLine(2, "第2班"), ClassLine(None, "第3班")], [], ["第3班"], [], []),
        ([ClassLine(1, "第1班")], [], [], [2], []),
        ([ClassLine(1, "第1班"), ClassLine(9, "第9班")], [], [], [2], [9]),
        ([ClassLine(1, "第1班"), ClassLine(1, "又是1班")], [], [], [2], [1]),
    ],
)
def test_the_class_plan_says_what_is_renamed_added_removed_and_unknown(
    wanted, renamed, added, removed, unknown
):
    plan = rules.plan_classes([A, B], wanted)
    assert [(cls.id, name) for cls, name in plan.renamed] == renamed
    assert list(plan.added) == added
    assert [cls.id for cls in plan.removed] == removed
    assert [line.id for line in plan.unknown] == unknown


@pytest.mark.parametrize(
    ("terms", "standing", "codes"),
    [
        (rules.Terms(capacity=40, min_size=0), rules.Standing(places_taken=40), []),
        (rules.Terms(capacity=39, min_size=0), rules.Standing(places_taken=40), ["capacity_below_taken"]),
        (
            rules.Terms(capacity=50, min_size=0),
            rules.Standing(places_taken=0, quota_total=60),
            ["quotas_above_capacity"],
        ),
        (rules.Terms(capacity=10, min_size=11), rules.Standing(places_taken=0), ["min_size_above_capacity"]),
        (
            rules.Terms(capacity=10, min_size=0, enrol_window_ok=False),
            rules.Standing(0),
            ["window_backwards"],
        ),
        (
            rules.Terms(
                capacity=10,
                min_size=0,
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate() - timedelta(days=1),
            ),
            rules.Standing(0),
            ["dates_backwards"],
        ),
        (
            rules.Terms(
                capacity=10,
                min_size=0,
                enrol_closes=timezone.localdate(),
                starts_on=timezone.localdate() - timedelta(days=1),
            ),
            rules.Standing(0),
            ["window_after_start"],
        ),
        (
            rules.Terms(capacity=10, min_size=0, class_names=("一班", "一班")),
            rules.Standing(0),
            ["class_name_repeated"],
        ),
    ],
)
def test_the_checks_refuse_what_the_project_could_not_take(terms, standing, codes):
    assert [r.code for r in rules.refusals(terms, standing, rules.ClassPlan())] == codes


def test_a_class_with_trainees_may_not_be_removed_but_an_empty_one_may():
    plan = rules.plan_classes([A, B], [])
    found = rules.refusals(rules.Terms(capacity=100, min_size=0), rules.Standing(30, classes=(A, B)), plan)
    assert [(r.code, dict(r.params)) for r in found] == [
        ("class_has_trainees", {"name": "第1班", "count": 30})
    ]


# --- The services ------------------------------------------------------------------------------------


@pytest.fixture
def project(world, teachers):
    """An enrolling project of 东湖区 with 3 of its 10 places taken and one class of them, and an
    empty second class."""
    project = make_project(
        world.county_a, title="2026年班主任专题培训", capacity=10, created_by=world.centre_staff
    )
    for person in teachers[:3]:
        enrolment.enrol(project=project, person=person, actor=None)
    first = Cohort.objects.create(project=project, number=1, name="第1班")
    Cohort.objects.create(project=project, number=2, name="第2班")
    Enrolment.objects.filter(project=project).update(cohort=first)
    project.refresh_from_db()
    return project


def asked(project, **changes) -> svc.Proposal:
    return replace(svc.proposal_of_project(project), **changes)


def submit(world, project, reason="报名人数超出预期，需增加名额和班级。", **changes) -> ChangeRequest:
    return svc.submit_change(
        project=project, actor=world.centre_staff, proposal=asked(project, **changes), reason=reason
    )


def test_an_approved_request_applies_every_change_at_once_audited_with_the_differences(world, project):
    current = svc.proposal_of_project(project)
    new_start = project.starts_on + timedelta(days=7)
    change = submit(
        world,
        project,
        capacity=20,
        audience=frozenset({world.county_a.pk, world.county_b.pk}),
        targets={"sections": ["primary"]},
        starts_on=new_start,
        ends_on=project.ends_on + timedelta(days=7),
        class_size=50,
        classes=(ClassLine(current.classes[0].id, "一班"), current.classes[1], ClassLine(None, "第3班")),
    )
    assert change.status == "pending"
    project.refresh_from_db()
    assert project.capacity == 10  # nothing changes before the approval
    svc.approve_change(change=change, actor=world.county_admin, comment="同意")
    project.refresh_from_db()
    assert (project.capacity, project.starts_on, project.class_size) == (20, new_start, 50)
    assert set(project.audience.values_list("name", flat=True)) == {"东湖区", "西山县"}
    assert project.targets == {"sections": ["primary"]}
    assert list(project.cohorts.values_list("number", "name")) == [(1, "一班"), (2, "第2班"), (3, "第3班")]
    assert places_consistent(project)
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_comment) == (
        "approved",
        world.county_admin,
        "同意",
    )
    applied = {row[0]: row[1:] for row in change.applied}
    assert applied["capacity"] == ["10", "20"]
    assert applied["audience"] == ["东湖区", "东湖区、西山县"]
    assert applied["targets"] == ["—", "学段：小学"]
    event = AuditEvent.objects.get(action="change_approved", target_id=str(project.pk))
    assert event.changes["capacity"] == ["10", "20"]
    assert event.changes["classes"] == ["第1班、—", "一班、第3班（新增）"]
    assert event.changes["request"] == change.pk
    assert AuditEvent.objects.filter(action="change_requested", target_id=str(project.pk)).exists()
    # The trainees holding places are told of the new dates.
    dated = Notice.objects.filter(kind="project_dates_changed", project=project)
    assert sorted(dated.values_list("user__username", flat=True)) == ["t0", "t1", "t2"]
    assert dated.first().params["dates"].startswith(f"{new_start.year}年")


def test_the_table_shows_only_the_differences_in_words(world, project):
    change = submit(world, project, capacity=12)
    rows = svc.change_differences(change)
    assert [(row.label, row.before, row.after) for row in rows] == [("总名额", "10", "12")]


def test_a_capacity_below_the_places_taken_is_refused_at_submission_naming_the_number_and_what_to_do(
    world, project
):
    with pytest.raises(ChangeRequestInvalidError) as caught:
        submit(world, project, capacity=2)
    assert caught.value.codes == ["capacity_below_taken"]
    assert caught.value.problems[0][0] == "capacity"
    message = str(caught.value)
    assert "已占用的 3 个名额" in message
    assert "先处理报名或候补" in message
    assert not ChangeRequest.objects.exists()


def test_the_capacity_is_checked_again_at_approval_because_enrolment_may_have_moved(world, project, teachers):
    change = submit(world, project, capacity=4)
    enrolment.enrol(project=project, person=teachers[3], actor=None)
    enrolment.enrol(project=project, person=teachers[4], actor=None)  # 5 places taken now
    with pytest.raises(ChangeRequestInvalidError) as caught:
        svc.approve_change(change=change, actor=world.county_admin)
    assert caught.value.codes == ["capacity_below_taken"]
    assert "已占用的 5 个名额" in str(caught.value)
    project.refresh_from_db()
    change.refresh_from_db()
    assert (project.capacity, change.status) == (10, "pending")
    assert not AuditEvent.objects.filter(action="change_approved").exists()


def test_a_class_with_trainees_is_refused_at_submission_and_at_approval(world, project):
    first, second = svc.proposal_of_project(project).classes
    with pytest.raises(ChangeRequestInvalidError) as caught:
        submit(world, project, classes=(second,))
    assert caught.value.codes == ["class_has_trainees"]
    assert "“第1班”还有 3 名学员" in str(caught.value)
    change = submit(world, project, classes=(first,))  # the empty class may go
    Enrolment.objects.filter(project=project).update(cohort_id=second.id)  # trainees moved in meanwhile
    with pytest.raises(ChangeRequestInvalidError) as caught:
        svc.approve_change(change=change, actor=world.county_admin)
    assert caught.value.codes == ["class_has_trainees"]
    assert project.cohorts.count() == 2


def test_a_class_with_lessons_scheduled_is_kept_until_they_move(world, project):
    from peixun.delivery.models import Lesson

    first, second = svc.proposal_of_project(project).classes
    start = timezone.now() + timedelta(days=20)
    Lesson.objects.create(
        project=project,
        cohort_id=second.id,
        topic="班级管理",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    with pytest.raises(ChangeRequestInvalidError) as caught:
        submit(world, project, classes=(first,))
    assert caught.value.codes == ["class_in_use"]
    assert "课次" in str(caught.value)


def test_raising_the_capacity_gives_the_new_places_to_the_waitlist_in_order(world, teachers):
    project = make_project(world.county_a, capacity=2)
    for person in teachers[:4]:
        enrolment.enrol(project=project, person=person, actor=None)
    change = submit(world, project, capacity=3)
    svc.approve_change(change=change, actor=world.county_admin)
    statuses = list(
        Enrolment.objects.filter(project=project).order_by("created_at").values_list("status", flat=True)
    )
    assert statuses == ["enrolled", "enrolled", "enrolled", "waitlisted"]
    project.refresh_from_db()
    assert project.places_taken == 3 and places_consistent(project)


def test_a_returned_request_is_edited_and_submitted_again_then_approved(world, project):
    change = submit(world, project, capacity=30)
    with pytest.raises(CommentRequiredError):
        svc.return_change(change=change, actor=world.county_admin, comment="  ")
    svc.return_change(change=change, actor=world.county_admin, comment="增加到 30 人太多，请改为 15 人。")
    change.refresh_from_db()
    assert change.status == "returned"
    assert Notice.objects.filter(user=world.centre_staff, kind="change_returned").exists()
    with pytest.raises(ChangeRequestStateError):
        svc.approve_change(change=change, actor=world.county_admin)
    svc.resubmit_change(
        change=change,
        actor=world.centre_staff,
        proposal=asked(project, capacity=15),
        reason="按意见改为 15 人。",
    )
    change.refresh_from_db()
    assert (change.status, change.capacity, change.reason) == ("pending", 15, "按意见改为 15 人。")
    svc.approve_change(change=change, actor=world.county_admin)
    project.refresh_from_db()
    assert project.capacity == 15
    actions = list(
        AuditEvent.objects.filter(target_id=str(project.pk), action__startswith="change_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["change_requested", "change_returned", "change_resubmitted", "change_approved"]
    assert Notice.objects.filter(user=world.centre_staff, kind="change_approved").exists()


def test_a_request_is_withdrawn_and_changes_nothing(world, project):
    change = submit(world, project, capacity=30)
    svc.withdraw_change(change=change, actor=world.centre_staff)
    change.refresh_from_db()
    project.refresh_from_db()
    assert (change.status, project.capacity) == ("withdrawn", 10)
    with pytest.raises(ChangeRequestStateError):
        svc.approve_change(change=change, actor=world.county_admin)
    assert AuditEvent.objects.filter(action="change_withdrawn", target_id=str(project.pk)).exists()
    submit(world, project, capacity=12)  # a new request may follow


def test_a_project_has_one_open_request_at_a_time(world, project):
    change = submit(world, project, capacity=30)
    with pytest.raises(OpenChangeExistsError):
        submit(world, project, capacity=31)
    svc.return_change(change=change, actor=world.county_admin, comment="请补充说明。")
    with pytest.raises(OpenChangeExistsError):  # a returned request is still open
        submit(world, project, capacity=31)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.create(
            project=project, reason="x", capacity=20, class_size=100, submitted_at=timezone.now()
        )


def test_the_approvers_are_told_and_the_requester_is_not(world, project):
    submit(world, project, capacity=12)
    told = set(Notice.objects.filter(kind="change_requested").values_list("user__username", flat=True))
    assert told == {"city_admin", "county_admin"}


def test_a_request_needs_a_reason_and_a_difference(world, project):
    with pytest.raises(ReasonRequiredError):
        submit(world, project, reason=" ", capacity=12)
    with pytest.raises(ChangeRequestInvalidError) as caught:
        submit(world, project)
    assert caught.value.codes == ["no_change"]


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "closed", "cancelled"])
def test_changes_are_asked_for_only_between_approval_and_closing(world, status):
    project = make_project(world.county_a, status=status)
    with pytest.raises(ChangeNotAllowedError):
        submit(world, project, capacity=12)


def test_only_the_organisers_ask_and_only_the_approvers_decide(world, project):
    with pytest.raises(ChangeNotPermittedError):
        svc.submit_change(
            project=project, actor=world.coordinator_a1, proposal=asked(project, capacity=12), reason="x"
        )
    change = submit(world, project, capacity=12)
    for outsider in (world.centre_staff, world.outsider):  # centre staff manage but do not approve
        with pytest.raises(ChangeNotPermittedError):
            svc.approve_change(change=change, actor=outsider)
    assert Project.objects.get(pk=project.pk).capacity == 10


def test_out_of_scope_users_get_404_for_a_request(world, project):
    change = submit(world, project, capacity=12)
    for user in (world.outsider, world.coordinator_a1, world.teacher_user):
        with pytest.raises(Http404):
            access.access_change_request(user, change.pk)
    assert access.access_change_request(world.centre_staff, change.pk) == change
    assert access.access_change_request(world.county_admin, change.pk, "training.approve") == change
    with pytest.raises(Http404):
        access.access_change_request(world.centre_staff, change.pk, "training.approve")


def test_a_capacity_below_the_schools_quotas_is_refused_until_the_quotas_are_lowered(world, project):
    enrolment.set_quotas(
        project=project, quotas_by_school={world.school_a1.pk: 6, world.school_a2.pk: 4}, actor=None
    )
    with pytest.raises(ChangeRequestInvalidError) as caught:
        submit(world, project, capacity=8)
    assert caught.value.codes == ["quotas_above_capacity"]
    assert "各校名额合计 10 个" in str(caught.value) and "“名额”页" in str(caught.value)


def test_an_enrolment_window_extended_after_it_closed_is_closed_again_by_the_clock_at_the_new_time(
    world, project
):
    Project.objects.filter(pk=project.pk).update(window_closed_at=timezone.now())
    project.refresh_from_db()
    later = project.enrol_closes_at + timedelta(days=2)
    change = submit(world, project, enrol_closes_at=later)
    svc.approve_change(change=change, actor=world.county_admin)
    project.refresh_from_db()
    assert (project.enrol_closes_at, project.window_closed_at) == (later, None)
