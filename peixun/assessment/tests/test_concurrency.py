"""Results recomputed by many requests at once, on real PostgreSQL (ADR 0071): each recompute
holds the rows of its own trainees, not the project's, so check-ins and marks of different
trainees run side by side; the bands are redone under the project's row, taken without waiting —
one that finds it held leaves the bands to a background run. Whatever the interleaving, nothing
deadlocks and the results end as a recompute of everyone from scratch leaves them."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from peixun.assessment import services
from peixun.assessment.models import ResultsRun
from peixun.assessment.tests.test_incremental import _snapshot
from peixun.core.runs import RunState
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.tests.helpers import lessons_past, running_project
from peixun.testing.personas import build_world
from peixun.training.models import Project
from peixun.training.tests.test_concurrency import run_together

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL (SQLite runs one writer at a time)")


@pytest.fixture
def queued(monkeypatch):
    """Background runs stay queued, as the database task backend leaves them until a worker takes
    them after the request's commit (the tests' immediate backend would run them inside it)."""
    monkeypatch.setattr(services.runs, "enqueue", lambda run: run)


def _world():
    world = build_world()
    running = running_project(world, size=12)
    project, tutor = running.project, running.tutor_user
    lessons = lessons_past(project, 3)
    assignment = coursework_services.save_assignment(
        project=project,
        actor=world.county_admin,
        fields={"title": "反思", "kind": "reflection", "due_at": timezone.now() + timedelta(days=1)},
    )
    submissions = [
        coursework_services.submit(assignment=assignment, enrolment=enrolment, text="体会" * 20, actor=user)
        for enrolment, user in zip(running.enrolments, running.users, strict=True)
    ]
    services.recompute(project=project)
    return running, tutor, lessons, submissions


def _work_the_runs(project) -> None:
    """What a worker does with the runs left queued."""
    for run in ResultsRun.objects.filter(project=project, state=RunState.QUEUED).order_by("pk"):
        services.recompute_in_chunks(run=run)


def test_marks_grades_and_a_full_recompute_at_once_end_as_a_recompute_from_scratch(queued):
    running, tutor, lessons, submissions = _world()
    project = running.project

    def marks(enrolment, index):
        def job():
            for lesson, status in zip(
                lessons, ("absent", "present", ("late", "absent")[index % 2]), strict=True
            ):
                attendance_services.mark(lesson=lesson, enrolment=enrolment, status=status, actor=tutor)

        return job

    def grade(submission, score):
        return lambda: coursework_services.grade(
            submission=submission, score=Decimal(score), comment="", actor=tutor
        )

    def everyone():
        with transaction.atomic():
            return services.recompute(project=Project.objects.get(pk=project.pk))

    jobs = [marks(enrolment, index) for index, enrolment in enumerate(running.enrolments)]
    jobs += [grade(submissions[0], 95), grade(submissions[5], 41), everyone]
    results = run_together(jobs)
    assert [r for r in results if isinstance(r, Exception)] == []  # no deadlock, nothing refused

    _work_the_runs(project)
    concurrent = _snapshot(project)
    services.recompute(project=project)  # everyone, from scratch
    assert _snapshot(project) == concurrent


def test_a_grade_finding_the_project_held_leaves_the_bands_to_a_background_run(queued):
    running, tutor, _lessons, submissions = _world()
    project = running.project
    held, graded = threading.Event(), threading.Event()
    graded_while_held = []

    def holder():
        with transaction.atomic():
            Project.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
            held.set()
            graded.wait(timeout=20)  # the grade would wait here for ever if it waited for the project
            graded_while_held.append(graded.is_set())

    def grader():
        held.wait(timeout=20)
        coursework_services.grade(submission=submissions[3], score=Decimal(99), comment="", actor=tutor)
        graded.set()

    results = run_together([holder, grader])
    assert [r for r in results if isinstance(r, Exception)] == []
    assert graded_while_held == [True]
    run = ResultsRun.objects.get(project=project, state=RunState.QUEUED)
    assert run.enrolment_ids == [] and run.total == 0

    _work_the_runs(project)
    deferred = _snapshot(project)
    services.recompute(project=project)
    assert _snapshot(project) == deferred
