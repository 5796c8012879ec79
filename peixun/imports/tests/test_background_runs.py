"""Background runs (peixun.core.runs) as the import job and the other run models use them: a run
whose worker is gone reads as interrupted and is swept so, a stopped run can be run again (with
its audit event), a duplicate attempt never applies an import twice, a cancel stops a run, a
worker given up on cannot overwrite a newer attempt, and the page and the API show it all."""

import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from peixun.audit.models import AuditEvent
from peixun.core import runs
from peixun.core.runs import RunState
from peixun.imports import services, tasks
from peixun.imports.models import ImportJob, ImportStatus
from peixun.imports.tests.files import person_row, roster, valid_id
from peixun.ledger.models import RecomputeRun
from peixun.orgs.models import Person

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def dead_worker() -> str:
    """A worker name on this host whose process has ended."""
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return f"{socket.gethostname()}:{finished.pid}"


def two_people() -> bytes:
    return roster(
        person_row(**{"姓名": "张三", "证件号码": valid_id(sequence=11)}),
        person_row(**{"姓名": "李四", "证件号码": valid_id(sequence=12)}),
    )


def checked_job(world) -> ImportJob:
    job = services.start_import(
        kind="people",
        data=two_people(),
        filename="roster.xlsx",
        actor=world.coordinator_a1,
        org=world.school_a1,
    )
    assert job.status == ImportStatus.VALID
    return job


def stuck_apply(job: ImportJob, *, worker: str = "", beat_ago: int = 600) -> ImportJob:
    """The job as a killed worker leaves it: applying, its last heartbeat `beat_ago` seconds old."""
    beat = timezone.now() - timedelta(seconds=beat_ago)
    ImportJob.objects.filter(pk=job.pk).update(
        step="apply",
        state=RunState.RUNNING,
        applied_by=job.created_by,
        started_at=beat,
        heartbeat_at=beat,
        worker=worker,
        attempts=2,
    )
    job.refresh_from_db()
    return job


def test_a_running_run_with_no_heartbeat_within_the_lease_reads_as_interrupted(world, settings):
    settings.RUN_LEASE_SECONDS = 60
    job = stuck_apply(checked_job(world), worker="another-host:123", beat_ago=30)
    assert job.status == ImportStatus.APPLYING and job.is_active and not job.can_run_again
    job = stuck_apply(job, worker="another-host:123", beat_ago=61)
    assert job.status == ImportStatus.INTERRUPTED and job.shown_state == RunState.INTERRUPTED
    assert job.can_run_again and not job.is_active
    assert "后台" in job.shown_error and "没有做任何更改" in job.shown_error


def test_a_run_whose_worker_process_died_on_this_host_reads_as_interrupted_at_once(world):
    job = stuck_apply(checked_job(world), worker=dead_worker(), beat_ago=1)
    assert job.status == ImportStatus.INTERRUPTED


def test_a_worker_that_ended_but_was_not_reaped_by_its_parent_counts_as_gone(world):
    """`serve` starts the worker as its child: killed, it stays a zombie until serve exits."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    worker = f"{socket.gethostname()}:{child.pid}"
    try:
        end = time.monotonic() + 60
        while runs.worker_alive(worker) and time.monotonic() < end:
            time.sleep(0.05)
        assert runs.worker_alive(worker) is False
        assert stuck_apply(checked_job(world), worker=worker, beat_ago=1).status == ImportStatus.INTERRUPTED
    finally:
        child.wait()


def test_a_live_worker_on_this_host_keeps_its_run_running_past_the_lease(world):
    """SQLite has one writer: a worker inside a long apply cannot write its heartbeat, but while
    its process lives the run is not interrupted."""
    job = stuck_apply(checked_job(world), worker=runs.this_worker(), beat_ago=3600)
    assert job.status == ImportStatus.APPLYING


def test_the_sweep_interrupts_stale_runs_of_every_model_and_fails_their_stuck_task_rows(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old = timezone.now() - timedelta(hours=1)
    recompute = runs.enqueue(RecomputeRun.objects.create(org=world.school_a1))
    fresh = runs.enqueue(RecomputeRun.objects.create(org=world.school_a1))
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=old)
    RecomputeRun.objects.filter(pk=recompute.pk).update(
        state=RunState.RUNNING, heartbeat_at=old, worker="gone:1"
    )
    RecomputeRun.objects.filter(pk=fresh.pk).update(state=RunState.RUNNING, heartbeat_at=timezone.now())
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    job = stuck_apply(checked_job(world), worker="gone:2")

    assert runs.sweep() == 2
    assert runs.sweep() == 0  # nothing left to sweep
    recompute.refresh_from_db()
    fresh.refresh_from_db()
    job.refresh_from_db()
    assert (recompute.state, fresh.state, job.state) == ("interrupted", "running", "interrupted")
    assert recompute.error and recompute.finished_at
    assert DBTaskResult.objects.get(id=recompute.task_id).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(id=fresh.task_id).status == TaskResultStatus.RUNNING


def test_running_an_interrupted_apply_again_applies_it_and_is_audited(world):
    job = stuck_apply(checked_job(world), worker="gone:3")
    job = services.run_again(job=job, actor=world.coordinator_a1)
    assert job.status == ImportStatus.APPLIED and job.created_count == 2
    assert Person.objects.filter(name__in=["张三", "李四"]).count() == 2
    event = AuditEvent.objects.get(action="background_run_restarted")
    assert event.actor == world.coordinator_a1 and event.changes == {"step": "apply", "was": "interrupted"}


def test_a_run_that_is_not_stopped_cannot_be_run_again(world):
    job = checked_job(world)
    with pytest.raises(services.ImportNotReady):
        services.run_again(job=job, actor=world.coordinator_a1)
    assert not AuditEvent.objects.filter(action="background_run_restarted").exists()


def test_a_second_attempt_at_an_applied_import_writes_nothing(world):
    job = services.apply_import(job=checked_job(world), actor=world.coordinator_a1)
    assert job.status == ImportStatus.APPLIED
    # A duplicate attempt (the task delivered twice, or an apply thought lost that had committed).
    ImportJob.objects.filter(pk=job.pk).update(state=RunState.QUEUED)
    tasks.apply_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and job.created_count == 2
    assert Person.objects.filter(name__in=["张三", "李四"]).count() == 2
    assert AuditEvent.objects.filter(action="import_applied").count() == 1


def test_a_cancel_stops_a_queued_run_at_once_and_a_running_one_at_its_next_progress(world):
    queued = RecomputeRun.objects.create(org=world.school_a1)
    assert runs.cancel(run=queued)
    queued.refresh_from_db()
    assert queued.state == RunState.CANCELLED
    running = RecomputeRun.objects.create(org=world.school_a1)
    with runs.work(RecomputeRun, running.pk) as work:
        work.progress(1, 10)
        assert runs.cancel(run=running)
        work.progress(2, 10)
        pytest.fail("the progress call after a cancel stops the work")
    running.refresh_from_db()
    assert (running.state, running.done) == (RunState.CANCELLED, 2)


def test_a_worker_given_up_on_cannot_overwrite_the_attempt_that_replaced_it(world):
    run = RecomputeRun.objects.create(org=world.school_a1)
    first = runs.Work(runs.claim(RecomputeRun, run.pk))
    RecomputeRun.objects.filter(pk=run.pk).update(worker="gone:4")
    assert runs.interrupt(run=RecomputeRun.objects.get(pk=run.pk))
    RecomputeRun.objects.filter(pk=run.pk).update(state=RunState.QUEUED)
    second = runs.claim(RecomputeRun, run.pk)
    assert second.attempts == first.attempt + 1
    assert not first.finish()  # the old worker's last word is ignored
    with pytest.raises(runs.RunLost):
        first._lost = not first._mine().filter(state=RunState.RUNNING).exists()
        first.check()
    run.refresh_from_db()
    assert run.state == RunState.RUNNING and run.attempts == 2


def test_the_import_page_shows_an_interrupted_apply_with_its_error_and_run_again(client, world):
    job = stuck_apply(checked_job(world), worker="gone:5")
    client.force_login(world.coordinator_a1)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'data-state="interrupted"' in page and "中断" in page
    assert "后台" in page  # the error text
    assert reverse("imports:rerun", args=[job.pk]) in page and "重新运行" in page
    assert "hx-trigger" not in page  # nothing to poll
    response = client.post(reverse("imports:rerun", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED


def test_the_api_shows_an_import_job_in_the_one_run_shape(client, world):
    job = stuck_apply(checked_job(world), worker="gone:6")
    client.force_login(world.coordinator_a1)
    body = client.get(reverse("api:import-job", kwargs={"job_id": job.pk}), **EN).json()
    assert body["status"] == "interrupted" and body["step"] == "apply"
    run = body["run"]
    assert run["state"] == "interrupted" and run["can_run_again"] is True
    assert set(run) == {
        "id",
        "state",
        "state_label",
        "done",
        "total",
        "percent",
        "counts",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "can_run_again",
    }
    client.force_login(world.outsider)
    assert client.get(reverse("api:import-job", kwargs={"job_id": job.pk})).status_code == 404
