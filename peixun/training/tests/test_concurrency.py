"""Capacity, quotas and one-enrolment-per-person under concurrent requests, on real PostgreSQL:
threads with their own connections start together at a barrier, outside the per-test transaction
(PITFALLS: check-then-insert oversold 147/100 in the same setting)."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from peixun.testing.factories import make_person, make_project
from peixun.testing.personas import build_world
from peixun.training.exceptions import DomainError
from peixun.training.models import HOLDING, Enrolment, Project, SchoolQuota
from peixun.training.services import enrolment as svc
from peixun.training.services.projects import places_consistent

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL (SQLite runs one writer at a time)")


def run_together(jobs) -> list:
    """Run each job in its own thread, all released at once; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # a refusal is a result here
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_double_clicks_never_oversell_nor_enrol_anyone_twice():
    world = build_world()
    people = [make_person(world.school_a1, f"并发{i}") for i in range(24)]
    project = make_project(world.county_a, capacity=10)
    jobs = [
        lambda p=p: svc.enrol(project=project, person=p, actor=None) for p in people for _click in range(2)
    ]
    results = run_together(jobs)
    project.refresh_from_db()
    assert project.places_taken == 10
    statuses = Counter(Enrolment.objects.filter(project=project).values_list("status", flat=True))
    assert statuses == {"enrolled": 10, "waitlisted": 14}
    assert Enrolment.objects.filter(project=project).values("person").distinct().count() == 24
    refusals = Counter(r.code for r in results if isinstance(r, DomainError))
    assert refusals == {"already_enrolled": 24}
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]


def test_concurrent_enrolments_hold_each_school_quota_and_the_capacity():
    world = build_world()
    a = [make_person(world.school_a1, f"甲{i}") for i in range(15)]
    b = [make_person(world.school_a2, f"乙{i}") for i in range(15)]
    project = make_project(world.county_a, capacity=8, quota_mode="manual", waitlist=False)
    svc.set_quotas(
        project=project, quotas_by_school={world.school_a1.pk: 5, world.school_a2.pk: 3}, actor=None
    )
    results = run_together([lambda p=p: svc.enrol(project=project, person=p, actor=None) for p in a + b])
    quotas = {q.org_id: q.used for q in SchoolQuota.objects.filter(project=project)}
    assert quotas == {world.school_a1.pk: 5, world.school_a2.pk: 3}
    project.refresh_from_db()
    assert project.places_taken == 8
    assert Counter(r.code for r in results if isinstance(r, DomainError)) == {"quota_full": 22}


def test_withdrawals_and_enrolments_racing_keep_the_counter_equal_to_the_places_held():
    world = build_world()
    first = [make_person(world.school_a1, f"先{i}") for i in range(10)]
    later = [make_person(world.school_a1, f"后{i}") for i in range(20)]
    project = make_project(world.county_a, capacity=10)
    enrolments = [svc.enrol(project=project, person=p, actor=None) for p in first]
    jobs = [lambda e=e: svc.withdraw_enrolment(enrolment=e, actor=None) for e in enrolments[:6]]
    jobs += [lambda p=p: svc.enrol(project=project, person=p, actor=None) for p in later]
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    project = Project.objects.get(pk=project.pk)
    assert project.places_taken == 10
    assert places_consistent(project)
    assert Enrolment.objects.filter(project=project, status__in=HOLDING).count() == 10


def test_concurrent_nominations_hold_each_school_quota_and_the_capacity():
    world = build_world()
    a = [make_person(world.school_a1, f"提名甲{i}") for i in range(10)]
    b = [make_person(world.school_a2, f"提名乙{i}") for i in range(10)]
    project = make_project(world.county_a, capacity=6, enrolment_mode="nomination", quota_mode="manual")
    svc.set_quotas(
        project=project, quotas_by_school={world.school_a1.pk: 4, world.school_a2.pk: 2}, actor=None
    )
    jobs = [lambda p=p: svc.nominate(project=project, person=p, actor=world.coordinator_a1) for p in a + b]
    jobs += [lambda p=p: svc.nominate(project=project, person=p, actor=world.coordinator_a1) for p in a]
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    quotas = {q.org_id: q.used for q in SchoolQuota.objects.filter(project=project)}
    assert quotas == {world.school_a1.pk: 4, world.school_a2.pk: 2}
    project.refresh_from_db()
    assert project.places_taken == 6 and places_consistent(project)
    assert Enrolment.objects.filter(project=project, status="nominated").count() == 6


def test_freed_places_go_to_the_waitlist_before_self_enrolments_racing_for_them():
    """A withdrawal gives its place back and promotes the next waitlisted in one transaction, so a
    self-enrolment racing it finds the project full again."""
    world = build_world()
    first = [make_person(world.school_a1, f"在册{i}") for i in range(5)]
    waiting = [make_person(world.school_a1, f"候补{i}") for i in range(5)]
    later = [make_person(world.school_a1, f"新来{i}") for i in range(15)]
    project = make_project(world.county_a, capacity=5)
    enrolments = [svc.enrol(project=project, person=p, actor=None) for p in first]
    assert {svc.enrol(project=project, person=p, actor=None).status for p in waiting} == {"waitlisted"}
    jobs = [lambda e=e: svc.withdraw_enrolment(enrolment=e, actor=None) for e in enrolments]
    jobs += [lambda p=p: svc.enrol(project=project, person=p, actor=None) for p in later]
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception)]
    project = Project.objects.get(pk=project.pk)
    assert project.places_taken == 5 and places_consistent(project)
    holders = set(
        Enrolment.objects.filter(project=project, status__in=HOLDING).values_list("person_id", flat=True)
    )
    assert holders == {p.pk for p in waiting}
    assert Enrolment.objects.filter(project=project, person__in=later, status="waitlisted").count() == 15


def test_mandatory_enrolment_racing_self_enrolments_never_oversells_nor_fails():
    """The mandatory run locks the project row before it reads the audience, so self-enrolments
    taking a place wait for it (or it for them): together they fill the capacity exactly, and the
    run always succeeds — it used to meet a teacher's row made in the same instant and fail with
    an IntegrityError (a 500)."""
    world = build_world()
    people = [make_person(world.school_a1, f"必修{i}") for i in range(10)]
    audience = len(people) + 2  # with teacher_a1 and teacher_a2 of the county
    for _round in range(3):
        project = make_project(world.county_a, capacity=audience, enrolment_mode="mandatory", waitlist=False)
        jobs = [lambda project=project: svc.enrol_mandatory(project=project, actor=None)]
        jobs += [
            lambda p=p, project=project: svc.enrol(project=project, person=p, actor=None) for p in people
        ]
        results = run_together(jobs)
        project = Project.objects.get(pk=project.pk)
        assert places_consistent(project)
        mandatory = Enrolment.objects.filter(project=project, source="mandatory").count()
        own = Enrolment.objects.filter(project=project, source="self").count()
        assert isinstance(results[0], int), results[0]
        assert results[0] == mandatory
        assert project.places_taken == audience == mandatory + own
        assert not [r for r in results[1:] if isinstance(r, Exception) and not isinstance(r, DomainError)]


def test_an_ordered_mandatory_run_racing_waitlist_enrolments_is_applied_or_refused_whole_never_a_500():
    """Beyond the places, self-enrolments go to the waitlist without touching the project row, so
    one can land between the run's read and its INSERT: the run is then refused whole (the audience
    changed since the preview) instead of failing with a database error."""
    from peixun.training.exceptions import AudienceChangedError
    from peixun.training.rules import mandatory as rules

    world = build_world()
    people = [make_person(world.school_a1, f"候补竞争{i}") for i in range(30)]
    outcomes = Counter()
    for _round in range(3):
        project = make_project(world.county_a, capacity=5, enrolment_mode="mandatory")
        for person in people[:5]:
            svc.enrol(project=project, person=person, actor=None)  # full: later ones are waitlisted
        plan = svc.plan_mandatory(project, option=rules.ORDER, seed="race")

        def confirm(project=project, plan=plan):
            return svc.start_mandatory_run(
                project=project, actor=None, option=rules.ORDER, seed="race", digest=plan.digest
            )

        jobs = [confirm] + [
            lambda p=p, project=project: svc.enrol(project=project, person=p, actor=None)
            for p in people[5:15]
        ]
        results = run_together(jobs)
        assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)], (
            results
        )
        project = Project.objects.get(pk=project.pk)
        assert places_consistent(project) and project.places_taken == 5
        assert Enrolment.objects.filter(project=project).values("person").distinct().count() == (
            Enrolment.objects.filter(project=project).count()
        )
        if isinstance(results[0], AudienceChangedError):
            outcomes["refused"] += 1
            assert not Enrolment.objects.filter(project=project, source="mandatory").exists()
        else:
            run = results[0]
            run.refresh_from_db()
            outcomes[run.state] += 1
            if run.state == "done":
                assert Enrolment.objects.filter(project=project, mandatory_run=run).count() == run.eligible
            else:  # refused in the worker: nothing of it written
                assert not Enrolment.objects.filter(project=project, source="mandatory").exists()
    assert sum(outcomes.values()) == 3
