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
