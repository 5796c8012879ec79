"""Results recomputed incrementally — only the trainees a mark, a grade or a closed lesson touched —
come out exactly as a recompute of everyone would leave them; a change touching more trainees
than a request may recompute goes to a background run with progress (ADR 0046)."""

import random
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from peixun.assessment import services
from peixun.assessment.models import Result, ResultsRun, TutorResult
from peixun.core import bulk
from peixun.core.runs import RunState
from peixun.delivery.models import Attendance
from peixun.delivery.rules import attendance as attendance_rules
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.services.lessons import lessons_of
from peixun.delivery.tests.helpers import lesson_at, lessons_past, running_project

pytestmark = pytest.mark.django_db

FIELDS = (
    "total", "passed", "status", "components", "reasons", "gates", "waiting", "notes", "recheck_at",
    "courses", "pending", "attendance_rate", "coursework", "band_value", "hours", "hours_total", "band",
    "version_id",
)  # fmt: skip


def _snapshot(project) -> dict:
    results = {
        r.enrolment_id: tuple(getattr(r, name) for name in FIELDS)
        for r in Result.objects.filter(project=project)
    }
    tutors = {t.cohort_id: (t.class_average, t.total) for t in TutorResult.objects.filter(project=project)}
    return {"results": results, "tutors": tutors}


def test_marks_grades_and_closed_lessons_leave_what_a_full_recompute_would(world):
    running = running_project(world, size=6)  # the default scheme: bands by total
    project, actor = running.project, running.tutor_user
    lessons = lessons_past(project, 4)
    assignment = coursework_services.save_assignment(
        project=project,
        actor=world.county_admin,
        fields={"title": "反思", "kind": "reflection", "due_at": timezone.now() + timedelta(days=1)},
    )
    submissions = [
        coursework_services.submit(assignment=assignment, enrolment=enrolment, text="体会" * 20, actor=user)
        for enrolment, user in zip(running.enrolments, running.users, strict=True)
    ]
    rng = random.Random(46)
    steps = 0
    for lesson in lessons:
        for enrolment in running.enrolments:
            if rng.random() < 0.85:
                status = rng.choice(["present"] * 6 + ["late", "absent", "leave_personal", "leave_official"])
                attendance_services.mark(lesson=lesson, enrolment=enrolment, status=status, actor=actor)
        for submission in rng.sample(submissions, 3):
            coursework_services.grade(
                submission=submission, score=Decimal(rng.randint(30, 100)), comment="", actor=actor
            )
        attendance_services.close_lesson(lesson=lesson, actor=actor)
        incremental = _snapshot(project)
        project.refresh_from_db()
        services.recompute(project=project)  # everyone, from scratch
        assert _snapshot(project) == incremental
        steps += 1
    assert steps == 4 and Result.objects.filter(project=project).exclude(band="").exists()


def test_closing_a_lesson_recomputes_only_those_it_marked_absent(world):
    running = running_project(world, size=4)
    lesson = lessons_past(running.project, 1)[0]
    first, *others = running.enrolments
    for enrolment in others:
        attendance_services.mark(
            lesson=lesson, enrolment=enrolment, status="present", actor=running.tutor_user
        )
    with mock.patch.object(services, "recompute", wraps=services.recompute) as recompute:
        assert attendance_services.close_lesson(lesson=lesson, actor=running.tutor_user) == 1
    assert recompute.call_args.kwargs["enrolment_ids"] == [first.pk]
    assert Attendance.objects.get(lesson=lesson, enrolment=first).status == "absent"


def test_closing_a_lesson_everyone_was_marked_in_recomputes_nobody(world):
    running = running_project(world, size=3)
    lesson = lessons_past(running.project, 1)[0]
    for enrolment in running.enrolments:
        attendance_services.mark(
            lesson=lesson, enrolment=enrolment, status="present", actor=running.tutor_user
        )
    before = {r.pk: r.computed_at for r in Result.objects.filter(project=running.project)}
    with mock.patch.object(services.scoring, "evaluate", wraps=services.scoring.evaluate) as evaluate:
        attendance_services.close_lesson(lesson=lesson, actor=running.tutor_user)
    assert evaluate.call_count == 0
    assert {r.pk: r.computed_at for r in Result.objects.filter(project=running.project)} == before


def test_an_incremental_recompute_takes_in_rechecks_due_and_trainees_without_a_result(world):
    running = running_project(world, size=3)
    lessons_past(running.project, 1)
    services.recompute(project=running.project)
    first, second, third = running.enrolments
    Result.objects.filter(enrolment=second).update(recheck_at=timezone.now() - timedelta(minutes=1))
    Result.objects.filter(enrolment=third).delete()
    assert services.affected(running.project, [first.pk]) == sorted([first.pk, second.pk, third.pk])
    services.recompute(project=running.project, enrolment_ids=[first.pk])
    assert Result.objects.filter(enrolment=third).exists()
    assert Result.objects.get(enrolment=second).recheck_at is None


def test_a_class_above_the_limit_is_recomputed_by_a_background_run(world, settings):
    settings.RESULTS_INLINE_LIMIT = 2
    running = running_project(world, size=4)
    lesson = lessons_past(running.project, 1)[0]
    attendance_services.close_lesson(lesson=lesson, actor=running.tutor_user)
    run = ResultsRun.objects.get(project=running.project)
    # The tests' task backend runs it at once; a worker does so after the request.
    assert run.state == RunState.DONE and run.done == run.total == 4
    assert sorted(run.enrolment_ids) == sorted(e.pk for e in running.enrolments)
    recomputed = _snapshot(running.project)
    services.recompute(project=running.project)
    assert _snapshot(running.project) == recomputed
    assert all(r.attendance_rate == 0 for r in Result.objects.filter(project=running.project))


def test_a_run_still_waiting_takes_in_the_next_change(world, settings):
    settings.RESULTS_INLINE_LIMIT = 1
    running = running_project(world, size=4)
    first, second, third, fourth = (e.pk for e in running.enrolments)
    waiting = ResultsRun.objects.create(project=running.project, enrolment_ids=[first, second], total=2)
    assert services.recompute_soon(project=running.project, enrolment_ids=[second, third]) == waiting
    waiting.refresh_from_db()
    assert waiting.enrolment_ids == [first, second, third] and ResultsRun.objects.count() == 1
    services.recompute_soon(project=running.project, enrolment_ids=None)
    waiting.refresh_from_db()
    assert waiting.enrolment_ids is None and fourth


def test_the_results_page_shows_a_recompute_under_way(world, client):
    running = running_project(world, size=2)
    ResultsRun.objects.create(project=running.project, state=RunState.RUNNING, done=1, total=2)
    client.force_login(world.county_admin)
    page = client.get(reverse("assessment:results", args=[running.project.pk]))
    text = page.content.decode()
    assert (
        'data-testid="results-run"' in text and "后台重新计算成绩" in text and 'data-state="running"' in text
    )


def test_tallies_count_each_trainee_as_one_at_a_time(world):
    running = running_project(world, size=3)
    project = running.project
    held = lessons_past(project, 2)
    lesson_at(project, timezone.now() + timedelta(days=2))
    attendance_services.mark(
        lesson=held[0], enrolment=running.enrolments[0], status="absent", actor=running.tutor_user
    )
    attendance_services.mark(
        lesson=held[1], enrolment=running.enrolments[1], status="late", actor=running.tutor_user
    )
    together = attendance_services.tallies(project.pk, running.enrolments)
    assert together == {e.pk: _one_at_a_time(e) for e in running.enrolments}
    assert together[running.enrolments[0].pk].planned == 3


def _one_at_a_time(enrolment):
    """The tally as it was counted before, trainee by trainee."""
    lessons = dict(lessons_of(enrolment).values_list("pk", "status"))
    marks = dict(
        Attendance.objects.filter(enrolment=enrolment, lesson_id__in=list(lessons)).values_list(
            "lesson_id", "status"
        )
    )
    ahead = sum(1 for pk, status in lessons.items() if status == "scheduled" and pk not in marks)
    return attendance_rules.Tally.of(marks.values(), len(lessons), ahead)


def test_a_chunked_run_bands_once_after_its_last_chunk_as_a_full_recompute_would(world, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 2)
    running = running_project(world, size=6)  # the default scheme: bands by total
    project, actor = running.project, running.tutor_user
    rng = random.Random(10)
    for lesson in lessons_past(project, 3):
        for enrolment in running.enrolments:
            status = rng.choice(["present", "present", "late", "absent"])
            attendance_services.mark(lesson=lesson, enrolment=enrolment, status=status, actor=actor)
    # Stale bands and tutors' scores, as results changed since: the run must redo them all.
    Result.objects.filter(project=project).update(band="", total=None)
    TutorResult.objects.filter(project=project).delete()
    run = ResultsRun.objects.create(project=project, enrolment_ids=None, total=6)
    with mock.patch.object(services, "_assign_bands", wraps=services._assign_bands) as bands:
        assert services.recompute_in_chunks(run=run) == 6
    assert bands.call_count == 1  # once, after the last of three chunks
    chunked = _snapshot(project)
    services.recompute(project=project)  # everyone, from scratch, in one go
    assert _snapshot(project) == chunked
    assert len({r[-2] for r in chunked["results"].values()}) > 1 and chunked["tutors"]


def test_results_are_written_row_by_row_and_read_back_as_computed(world):
    """The changed results are written by one prepared UPDATE per row (peixun.core.bulk): JSON,
    decimals, times, a foreign key and empty values read back exactly as they were set."""
    running = running_project(world, size=2)
    services.recompute(project=running.project)
    first, second = Result.objects.filter(project=running.project).order_by("pk")
    due = timezone.now().replace(microsecond=123000) + timedelta(days=2)
    first.total, first.recheck_at, first.components = Decimal("87.5"), due, {"出勤": "95.0", "作业": None}
    first.notes, first.band = ["缺交：教学反思"], "优秀"
    second.total, second.recheck_at, second.components, second.band = None, None, {}, ""
    fields = ["total", "recheck_at", "components", "notes", "band", "version"]
    assert bulk.update_rows([first, second], fields) == 2
    for result in (first, second):
        stored = Result.objects.get(pk=result.pk)
        assert [getattr(stored, name) for name in fields] == [getattr(result, name) for name in fields]


def test_a_mark_that_moves_no_ranking_leaves_the_bands_alone_and_a_grade_redoes_them(world):
    """A check-in or a mark moves a trainee's attendance and hours: the project's grade bands and
    tutors' scores (every result of the class read and ranked) are redone only when a total, a
    band value or a fail moved — and then they come out as a full recompute would."""
    running = running_project(world, size=4)  # the default scheme: bands by total
    project, actor = running.project, running.tutor_user
    lesson = lessons_past(project, 1)[0]
    assignment = coursework_services.save_assignment(
        project=project,
        actor=world.county_admin,
        fields={"title": "反思", "kind": "reflection", "due_at": timezone.now() + timedelta(days=1)},
    )
    submission = coursework_services.submit(
        assignment=assignment, enrolment=running.enrolments[0], text="体会" * 20, actor=running.users[0]
    )
    services.recompute(project=project)
    first, second = running.enrolments[:2]
    before = Result.objects.get(enrolment=second)
    with mock.patch.object(services, "_assign_bands", wraps=services._assign_bands) as bands:
        attendance_services.mark(lesson=lesson, enrolment=second, status="present", actor=actor)
    after = Result.objects.get(enrolment=second)
    assert after.computed_at > before.computed_at  # recomputed: its attendance moved
    assert (after.total, after.band_value) == (before.total, before.band_value)
    assert bands.call_count == 0
    with mock.patch.object(services, "_assign_bands", wraps=services._assign_bands) as bands:
        coursework_services.grade(submission=submission, score=Decimal(95), comment="", actor=actor)
    assert Result.objects.get(enrolment=first).total != Result.objects.get(enrolment=second).total
    assert bands.call_count == 1
    incremental = _snapshot(project)
    services.recompute(project=project)  # everyone, from scratch
    assert _snapshot(project) == incremental


def test_in_a_project_above_the_limit_a_grade_leaves_the_ranking_to_a_background_run(world, settings):
    """A grade in a project of more trainees than a request recomputes (RESULTS_INLINE_LIMIT)
    recomputes the trainee at once and hands the ranking of everyone to a background run; the
    bands then come out as a recompute of everyone leaves them."""
    settings.RESULTS_INLINE_LIMIT = 3
    running = running_project(world, size=4)
    project, actor = running.project, running.tutor_user
    assignment = coursework_services.save_assignment(
        project=project,
        actor=world.county_admin,
        fields={"title": "反思", "kind": "reflection", "due_at": timezone.now() + timedelta(days=1)},
    )
    submission = coursework_services.submit(
        assignment=assignment, enrolment=running.enrolments[2], text="体会" * 20, actor=running.users[2]
    )
    services.recompute(project=project)
    before = set(ResultsRun.objects.values_list("pk", flat=True))
    with mock.patch.object(services, "_assign_bands", wraps=services._assign_bands) as bands:
        coursework_services.grade(submission=submission, score=Decimal(97), comment="", actor=actor)
    run = ResultsRun.objects.exclude(pk__in=before).get(project=project)
    # The tests' task backend runs it at once; a worker does so after the request.
    assert run.enrolment_ids == [] and run.state == RunState.DONE
    assert bands.call_count == 1  # once, by the run (not also in the request)
    assert Result.objects.get(enrolment=running.enrolments[2]).total is not None
    ranked = _snapshot(project)
    services.recompute(project=project)
    assert _snapshot(project) == ranked
