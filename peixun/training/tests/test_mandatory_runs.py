"""Mandatory enrolment never dead-ends (issue 13, defect 3): everyone at once when they fit; when
they do not, more classes (capacity raised, classes of at most the class size) or up to the places
in a stated order (per-school shares, the lottery within a school, the rest waitlisted) — previewed,
confirmed exactly as previewed, and undoable while enrolment is open. Through the services; the
runs are applied by their task (the tests' queue runs it at once)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.testing.factories import make_person, make_project
from peixun.training import selectors
from peixun.training.exceptions import (
    AudienceChangedError,
    CapacityTooSmallError,
    MandatoryRunNotUndoableError,
)
from peixun.training.models import Cohort, Enrolment, MandatoryRun, Notice, Project
from peixun.training.rules import mandatory as rules
from peixun.training.services import enrolment as svc
from peixun.training.services.enrolment import mandatory_runs
from peixun.training.services.projects import places_consistent

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(world):
    """Eleven teachers in 东湖区: seven at 东湖实验小学 (with 李晓明), four at 东湖第一中学 (with 王芳)."""
    a1 = [make_person(world.school_a1, f"甲校{i}", subjects=["语文"]) for i in range(6)]
    a2 = [make_person(world.school_a2, f"乙校{i}", subjects=["数学"]) for i in range(3)]
    return [world.teacher_a1, *a1], [world.teacher_a2, *a2]


def mandatory_project(world, **fields):
    return make_project(world.county_a, enrolment_mode="mandatory", **fields)


def confirm(project, option, seed="", *, actor=None):
    """Preview, then confirm exactly that preview (the page's two steps)."""
    plan = svc.plan_mandatory(project, option=option, seed=seed)
    run = svc.start_mandatory_run(
        project=project, actor=actor, option=option, seed=plan.seed, digest=plan.digest
    )
    run.refresh_from_db()
    return plan, run


def statuses(project) -> Counter:
    return Counter(Enrolment.objects.filter(project=project).values_list("status", flat=True))


def test_when_everyone_fits_one_run_enrols_them_all_and_is_recorded(world, crowd):
    project = mandatory_project(world, capacity=20)
    run = svc.start_mandatory_run(project=project, actor=world.county_admin)
    run.refresh_from_db()
    assert (run.state, run.option, run.enrolled, run.waitlisted) == ("done", "all", 11, 0)
    assert statuses(project) == {"enrolled": 11}
    assert Enrolment.objects.filter(project=project, mandatory_run=run).count() == 11
    project.refresh_from_db()
    assert project.places_taken == 11 and project.capacity == 20 and places_consistent(project)
    assert AuditEvent.objects.filter(action="enrolments_mandatory", target_id=str(project.pk)).exists()
    assert svc.start_mandatory_run(project=project, actor=world.county_admin) is None  # nobody left


def test_beyond_the_places_the_simple_path_is_refused_with_the_way_on_and_nothing_is_written(world, crowd):
    project = mandatory_project(world, capacity=5)
    with pytest.raises(CapacityTooSmallError) as refused:
        svc.start_mandatory_run(project=project, actor=world.county_admin)
    assert "11" in str(refused.value) and "5" in str(refused.value)
    assert not Enrolment.objects.filter(project=project).exists()
    assert not MandatoryRun.objects.filter(project=project).exists()


def test_more_classes_raises_the_capacity_so_everyone_fits_in_classes_of_at_most_the_class_size(world, crowd):
    project = mandatory_project(world, capacity=5, class_size=4, group_by="school")
    plan = svc.plan_mandatory(project, option=rules.CLASSES)
    assert (plan.option, plan.eligible, plan.capacity_after) == ("classes", 11, 11)
    assert sorted(plan.class_sizes) == [3, 4, 4]  # 7 at one school → 4 + 3; 4 at the other
    _plan, run = confirm(project, rules.CLASSES, actor=world.county_admin)
    assert (run.state, run.enrolled, run.waitlisted) == ("done", 11, 0)
    assert (run.capacity_before, run.capacity_after) == (5, 11)
    project.refresh_from_db()
    assert project.capacity == 11 and project.places_taken == 11 and places_consistent(project)
    sizes = sorted(
        Counter(Enrolment.objects.filter(project=project).values_list("cohort__number", flat=True)).values()
    )
    assert sizes == sorted(plan.class_sizes) and max(sizes) <= 4
    assert run.classes == plan.class_sizes


def test_more_classes_leaves_the_classes_formed_already_and_adds_new_ones(world, crowd):
    a1, _a2 = crowd
    project = mandatory_project(world, capacity=3, class_size=2, group_by="school")
    for person in a1[:3]:
        svc.enrol(project=project, person=person, actor=None)
    from peixun.training.services import cohorts

    formed = cohorts.form_cohorts(project=project, actor=None)
    cohorts.set_tutor(cohort=formed[0], person=world.teacher_b1, actor=world.county_admin)
    before = {e.pk: e.cohort_id for e in project.enrolments.all()}
    plan = svc.plan_mandatory(project, option=rules.CLASSES)
    assert plan.classes_before == 2 and sum(plan.class_sizes) == 8
    _plan, run = confirm(project, rules.CLASSES)
    assert run.state == "done", run.error
    assert {e.pk: e.cohort_id for e in project.enrolments.filter(pk__in=before)} == before
    assert Cohort.objects.get(pk=formed[0].pk).tutor == world.teacher_b1
    assert not project.enrolments.filter(cohort=None).exists()
    assert Cohort.objects.filter(project=project).count() == 2 + len(plan.class_sizes)


def test_up_to_the_places_gives_each_school_its_share_then_waitlists_the_rest_in_the_draws_order(
    world, crowd
):
    a1, a2 = crowd
    project = mandatory_project(world, capacity=5, waitlist=False)
    plan = svc.plan_mandatory(project, option=rules.ORDER, seed="published-2026")
    # 7 and 4 of 11 for 5 places: 3.18 and 1.82 → 3 and 2 (the larger remainder gets the last one).
    assert {row.school.name: (row.eligible, row.enrolled, row.waitlisted) for row in plan.school_rows()} == {
        "东湖实验小学": (7, 3, 4),
        "东湖第一中学": (4, 2, 2),
    }
    _plan, run = confirm(project, rules.ORDER, seed="published-2026", actor=world.county_admin)
    assert (run.state, run.seed, run.enrolled, run.waitlisted) == ("done", "published-2026", 5, 6)
    assert run.waitlist_turned_on
    rows = {e.person_id: e for e in Enrolment.objects.filter(project=project)}
    assert Counter(rows[p.pk].status for p in a1) == {"enrolled": 3, "waitlisted": 4}
    assert Counter(rows[p.pk].status for p in a2) == {"enrolled": 2, "waitlisted": 2}
    waitlist = list(selectors.waitlist(project).values_list("person_id", flat=True))
    assert tuple(waitlist) == plan.allocation.waitlisted  # the waitlist is the draw's order
    project.refresh_from_db()
    assert project.waitlist and project.places_taken == 5 and places_consistent(project)
    assert svc.verify_mandatory_run(run) is True
    # Told: the enrolled that they are in, the waitlisted their number on the waitlist.
    notice = Notice.objects.get(user=world.teacher_user)
    if world.teacher_a1.pk in plan.allocation.waitlisted:
        number = plan.allocation.waitlisted.index(world.teacher_a1.pk) + 1
        assert (notice.kind, notice.params["rank"]) == ("mandatory_waitlisted", number)
    else:
        assert notice.kind == "mandatory_enrolled"


def test_the_same_seed_gives_the_same_outcome_and_a_fresh_one_is_drawn_when_none_is_given(world, crowd):
    project = mandatory_project(world, capacity=5)
    first = svc.plan_mandatory(project, option=rules.ORDER, seed="s-1")
    again = svc.plan_mandatory(project, option=rules.ORDER, seed="s-1")
    assert first.digest == again.digest and first.allocation == again.allocation
    fresh = svc.plan_mandatory(project, option=rules.ORDER)
    assert len(fresh.seed) == 32 and fresh.seed != first.seed and fresh.digest != first.digest


def test_a_waitlisted_teacher_moves_up_when_an_enrolled_one_is_exempted(world, crowd):
    project = mandatory_project(world, capacity=5)
    plan, _run = confirm(project, rules.ORDER, seed="exempt")
    first_waiting = plan.allocation.waitlisted[0]
    enrolment = Enrolment.objects.get(project=project, person_id=plan.allocation.enrolled[0])
    request = svc.request_exemption(enrolment=enrolment, reason="health", note="", actor=None)
    svc.decide_exemption(exemption=request, approve=True, actor=world.coordinator_a1)
    svc.decide_exemption(exemption=request, approve=True, actor=world.county_admin)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "exempted"
    assert Enrolment.objects.get(project=project, person_id=first_waiting).status == "enrolled"
    project.refresh_from_db()
    assert project.places_taken == 5 and places_consistent(project)


def test_a_confirmation_applies_only_what_was_previewed(world, crowd):
    project = mandatory_project(world, capacity=5)
    plan = svc.plan_mandatory(project, option=rules.ORDER, seed="x")
    make_person(world.school_a2, "新来的")  # the audience grew after the preview
    with pytest.raises(AudienceChangedError):
        svc.start_mandatory_run(project=project, actor=None, option=rules.ORDER, seed="x", digest=plan.digest)
    assert not Enrolment.objects.filter(project=project).exists()
    # The places changed: a teacher enrolled herself after the preview.
    plan = svc.plan_mandatory(project, option=rules.CLASSES)
    svc.enrol(project=project, person=world.teacher_a1, actor=None)
    with pytest.raises(AudienceChangedError):
        svc.start_mandatory_run(project=project, actor=None, option=rules.CLASSES, digest=plan.digest)
    assert Enrolment.objects.filter(project=project).count() == 1
    project.refresh_from_db()
    assert project.capacity == 5


def test_a_queued_run_whose_audience_changed_before_its_worker_came_fails_and_writes_nothing(world, crowd):
    project = mandatory_project(world, capacity=5)
    plan = svc.plan_mandatory(project, option=rules.ORDER, seed="late")
    run = MandatoryRun.objects.create(
        project=project, option=rules.ORDER, seed="late", digest=plan.digest, eligible=plan.eligible
    )
    svc.enrol(project=project, person=world.teacher_a2, actor=None)
    with pytest.raises(AudienceChangedError):
        svc.apply_mandatory_run(run=run)
    from peixun.core import runs

    runs.enqueue(run)  # through the task: the run fails with the reason, in Chinese
    run.refresh_from_db()
    assert run.state == "failed" and "预览" in run.error and run.applied_at is None
    assert Enrolment.objects.filter(project=project).count() == 1


def test_undo_removes_what_the_run_made_and_nothing_made_otherwise(world, crowd):
    a1, a2 = crowd
    project = mandatory_project(world, capacity=6)
    own = svc.enrol(project=project, person=a1[1], actor=None)  # enrolled herself before the run
    earlier = svc.enrol(project=project, person=a2[1], actor=None)
    svc.withdraw_enrolment(enrolment=earlier, actor=None)  # withdrew: the run takes the row up
    _plan, run = confirm(project, rules.CLASSES, actor=world.county_admin)
    assert run.enrolled == 10 and str(earlier.pk) in run.reused
    project.refresh_from_db()
    assert (project.capacity, project.places_taken) == (11, 11)
    undone = svc.undo_mandatory_run(run=run, actor=world.county_admin)
    assert (undone.removed, undone.restored, undone.places) == (9, 1, 10)
    assert statuses(project) == {"enrolled": 1, "withdrawn": 1}
    assert Enrolment.objects.get(pk=own.pk).status == "enrolled"
    restored = Enrolment.objects.get(pk=earlier.pk)
    assert (restored.status, restored.source, restored.mandatory_run_id) == ("withdrawn", "self", None)
    project.refresh_from_db()
    assert (project.capacity, project.places_taken) == (6, 1) and places_consistent(project)
    assert AuditEvent.objects.filter(action="mandatory_run_undone", target_id=str(project.pk)).exists()
    run.refresh_from_db()
    assert run.undone_at is not None and run.undone_by == world.county_admin
    with pytest.raises(MandatoryRunNotUndoableError):
        svc.undo_mandatory_run(run=run, actor=world.county_admin)


def test_undo_of_an_ordered_run_removes_its_waitlist_and_gives_freed_places_to_the_waitlist(world, crowd):
    project = mandatory_project(world, capacity=5, waitlist=False)
    _plan, run = confirm(project, rules.ORDER, seed="undo")
    undone = svc.undo_mandatory_run(run=run, actor=world.county_admin)
    assert (undone.removed, undone.places, undone.promoted) == (11, 5, 0)
    assert not Enrolment.objects.filter(project=project).exists()
    project.refresh_from_db()
    assert project.places_taken == 0 and not project.waitlist  # turned on by the run, off again


def test_undo_is_refused_once_enrolment_has_closed(world, crowd):
    project = mandatory_project(world, capacity=20)
    run = svc.start_mandatory_run(project=project, actor=None)
    Project.objects.filter(pk=project.pk).update(status="running")
    run.refresh_from_db()
    with pytest.raises(MandatoryRunNotUndoableError):
        svc.undo_mandatory_run(run=run, actor=world.county_admin)
    assert Enrolment.objects.filter(project=project).count() == 11


def test_a_run_that_meets_a_teacher_enrolling_in_the_same_instant_re_reads_instead_of_failing(
    world, crowd, monkeypatch
):
    """The conflict of PostgreSQL's race, simulated: the run read the audience just before a
    teacher's own enrolment was committed (a waitlist row takes no place, so no lock holds it
    back). Its INSERT conflicts; it reads again and enrols the others — no IntegrityError, no 500."""
    a1, _a2 = crowd
    project = mandatory_project(world, capacity=20)
    real_plan = mandatory_runs.plan_mandatory
    calls = []

    def read_just_before_she_enrolled(project, **kwargs):
        if len(calls) == 1:  # the run's first read sees the audience as it was a moment before
            calls.append(calls[0].eligible)
            return calls[0]
        plan = real_plan(project, **kwargs)
        if not calls:  # the start's read; she enrols right after it
            Enrolment.objects.create(
                project=project, person=a1[2], school=a1[2].org, status="waitlisted", source="self"
            )
        calls.append(plan if not calls else plan.eligible)
        return plan

    monkeypatch.setattr(mandatory_runs, "plan_mandatory", read_just_before_she_enrolled)
    run = svc.start_mandatory_run(project=project, actor=None)
    run.refresh_from_db()
    assert calls[1:] == [11, 10]  # the stale read, the read again
    assert (run.state, run.enrolled) == ("done", 10)
    assert Enrolment.objects.get(project=project, person=a1[2]).source == "self"
    project.refresh_from_db()
    assert project.places_taken == 10 and places_consistent(project)


def test_an_ordered_run_that_meets_such_a_conflict_is_refused_whole(world, crowd, monkeypatch):
    a1, _a2 = crowd
    project = mandatory_project(world, capacity=5)
    stale = svc.plan_mandatory(project, option=rules.ORDER, seed="race")
    run = MandatoryRun.objects.create(
        project=project, option=rules.ORDER, seed="race", digest=stale.digest, eligible=stale.eligible
    )
    Enrolment.objects.create(
        project=project, person=a1[2], school=a1[2].org, status="waitlisted", source="self"
    )
    monkeypatch.setattr(mandatory_runs, "plan_mandatory", lambda project, **kwargs: stale)
    with pytest.raises(AudienceChangedError):
        svc.apply_mandatory_run(run=run)
    assert Enrolment.objects.filter(project=project).count() == 1  # only hers
    project.refresh_from_db()
    assert project.places_taken == 0


def test_a_run_applied_before_its_worker_stopped_is_not_applied_twice(world, crowd):
    project = mandatory_project(world, capacity=20)
    run = svc.start_mandatory_run(project=project, actor=None)
    again = svc.apply_mandatory_run(run=run)
    assert again.applied_at is not None
    assert Enrolment.objects.filter(project=project).count() == 11
    project.refresh_from_db()
    assert project.places_taken == 11


def test_the_plan_refuses_a_project_that_is_not_mandatory_or_not_open(world, crowd):
    from peixun.training.exceptions import EnrolmentClosedError, WrongEnrolmentModeError

    with pytest.raises(WrongEnrolmentModeError):
        svc.plan_mandatory(make_project(world.county_a))
    closed = mandatory_project(world, status="running", enrol_closes_at=timezone.now() - timedelta(days=1))
    with pytest.raises(EnrolmentClosedError):
        svc.plan_mandatory(closed)
