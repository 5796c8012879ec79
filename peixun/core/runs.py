"""Background runs: one model shape and one set of helpers for every piece of work a django-tasks
worker does for a page (an import's check and apply, a registration list's check, a certificate
batch, a what-if run, a recompute). ADR 0031.

A run is QUEUED when its task is enqueued, RUNNING once a worker claims it (`work`), then DONE,
FAILED or CANCELLED. While it works, the worker renews `heartbeat_at` (and writes the progress)
from a small thread with its own database connection, so the renewals are seen even while the
work itself sits in one long transaction (PostgreSQL). A RUNNING run whose heartbeat is older
than the lease (`RUN_LEASE_SECONDS`), or whose worker process is known to be gone (same host,
the process id no longer alive), is INTERRUPTED: shown so on read (`shown_state`), and written so
by the sweep (`sweep`, `manage.py runs_sweep`), which also fails its django-tasks row if that is
stuck RUNNING. An interrupted or failed run can be queued again (`run_again`).

Each attempt bumps `attempts`; a worker's writes carry its attempt number, so a worker that was
given up on cannot overwrite a newer attempt. Work that must not count twice makes itself
idempotent: an import is applied in one transaction that also marks the job applied, so a second
attempt finds it applied and changes nothing (peixun.imports.tasks); certificates and hours carry
idempotency keys.

This module sits in core: it imports no app above it. Auditing a restart is the calling app's
service's job (peixun.audit is above core).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import OperationalError, connection, models, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

logger = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 60
DEFAULT_HEARTBEAT_SECONDS = 10

# Stored translated (error is shown as written); noop-marked for the catalog.
MSG_FAILED = gettext_noop("The work stopped because of an error. Run it again, or ask an administrator.")
MSG_INTERRUPTED = gettext_noop(
    "The work stopped before it finished: the background worker was stopped (a restart or a crash)."
)
TASK_INTERRUPTED = "peixun.core.runs.RunInterrupted"


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    INTERRUPTED = "interrupted", _("Interrupted")


ACTIVE = frozenset({RunState.QUEUED, RunState.RUNNING})
STOPPED = frozenset({RunState.FAILED, RunState.CANCELLED, RunState.INTERRUPTED})
AGAIN = frozenset({RunState.FAILED, RunState.INTERRUPTED})


class RunCancelled(Exception):
    """Raised in the worker at its next progress call once a cancel was asked for."""


class RunLost(Exception):
    """Raised in the worker at its next progress call once its run was given to another attempt
    (interrupted by the sweep, queued again): this worker stops without writing."""


class NotRestartable(Exception):
    """run_again was asked for a run that is neither interrupted nor failed."""


def lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "RUN_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def heartbeat_every() -> float:
    return float(getattr(settings, "RUN_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS))


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_alive(worker: str) -> bool | None:
    """Whether the worker process `worker` ("host:pid") is alive: True or False when it ran on this
    host, None when it ran elsewhere (then only its heartbeat tells)."""
    host, _sep, pid = worker.rpartition(":")
    if not host or host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return not _zombie(int(pid))


def _zombie(pid: int) -> bool:
    """A process that ended but was not yet reaped by its parent (a worker `serve` started and
    was killed) still answers signal 0; Linux says it is a zombie in /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def _translated(message: str) -> str:
    """The user's text in the site's language (workers have no request to take one from)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(translation.gettext(message)) if message else ""


class BackgroundRun(models.Model):
    """What every background run stores: its state, its progress (done of total), counts, when it
    started, last showed life and finished, the error shown to the user (in Chinese), who started
    it, a cancel request, and which django-tasks row and worker process carry it."""

    state = models.CharField(_("state"), max_length=16, choices=RunState.choices, default=RunState.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    worker = models.CharField(max_length=200, blank=True, editable=False)

    # What an interrupted run left behind, told to the user with the interruption (per model).
    kept_message = gettext_noop("Nothing was half-written: run it again.")

    class Meta:
        abstract = True

    # --- Reads -------------------------------------------------------------------------------

    def is_stale(self, now: datetime | None = None) -> bool:
        """A RUNNING run whose worker is gone: no heartbeat within the lease (its process not seen
        alive on this host), or its process known dead."""
        if self.state != RunState.RUNNING:
            return False
        alive = worker_alive(self.worker) if self.worker else None
        if alive is not None:
            return not alive
        beat = self.heartbeat_at or self.started_at or self.created_at
        return beat is not None and beat < (now or timezone.now()) - lease()

    @property
    def shown_state(self) -> str:
        """The state as the user should see it: a RUNNING run whose worker is gone is interrupted."""
        return RunState.INTERRUPTED if self.is_stale() else self.state

    def get_shown_state_display(self) -> str:
        return str(RunState(self.shown_state).label)

    @property
    def is_active(self) -> bool:
        return self.shown_state in ACTIVE

    @property
    def is_stopped(self) -> bool:
        return self.shown_state in STOPPED

    @property
    def can_run_again(self) -> bool:
        return self.shown_state in AGAIN

    @property
    def progress_percent(self) -> int:
        if self.state == RunState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def shown_error(self) -> str:
        """The text telling why the run stopped, and what it left behind. Stored in Chinese;
        translated again when shown, for rows stored before (an English message id)."""
        state = self.shown_state
        stored = translation.gettext(self.error) if self.error else ""
        if state == RunState.INTERRUPTED:
            first = stored if self.state == RunState.INTERRUPTED else ""
            first = first or translation.gettext(MSG_INTERRUPTED)
            sep = "" if first.endswith(("。", "）", "！")) else " "
            return f"{first}{sep}{translation.gettext(self.kept_message)}"
        if state == RunState.FAILED:
            return stored or translation.gettext(MSG_FAILED)
        return stored

    def as_json(self) -> dict:
        """The one shape of a run in the API (peixun.api.schemas.RunOut)."""
        state = self.shown_state
        return {
            "id": self.pk,
            "state": state,
            "state_label": str(RunState(state).label),
            "done": self.done,
            "total": self.total,
            "percent": self.progress_percent,
            "counts": self.counts or {},
            "error": self.shown_error,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "can_run_again": self.can_run_again,
        }

    # --- Per model ---------------------------------------------------------------------------

    def run_task(self):
        """The django-tasks Task that does this run's work (called with the run's pk)."""
        raise NotImplementedError

    def reset_for_again(self) -> dict:
        """Fields a model resets when the run is queued again (beyond the shared ones)."""
        return {}


R = TypeVar("R", bound=BackgroundRun)


def run_models() -> list[type[BackgroundRun]]:
    return [model for model in apps.get_models() if issubclass(model, BackgroundRun)]


# --- Queueing -------------------------------------------------------------------------------------


def enqueue(run: R) -> R:
    """Enqueue the run's task (after the caller's commit, so a worker in another process finds the
    run; the immediate backend of the tests runs it here) and remember its django-tasks row."""
    run.refresh_from_db()  # the task may depend on fields just updated (an import's step)
    result = run.run_task().enqueue(run.pk)
    type(run)._default_manager.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run


@transaction.atomic
def cancel(*, run: BackgroundRun) -> bool:
    """Ask a run to stop: a queued one is cancelled at once, a running one at its worker's next
    progress call. True if anything changed."""
    model, now = type(run), timezone.now()
    if model._default_manager.filter(pk=run.pk, state=RunState.QUEUED).update(
        state=RunState.CANCELLED, cancel_requested_at=now, finished_at=now
    ):
        return True
    return bool(
        model._default_manager.filter(
            pk=run.pk, state=RunState.RUNNING, cancel_requested_at__isnull=True
        ).update(cancel_requested_at=now)
    )


def run_again(*, run: R, actor: Any = None) -> R:
    """Queue an interrupted or failed run again (NotRestartable otherwise). A RUNNING run whose
    worker is gone is marked interrupted first. The caller audits it."""
    model = type(run)
    run.refresh_from_db()
    if run.is_stale():
        interrupt(run=run)
    with transaction.atomic():
        fields = {
            "state": RunState.QUEUED,
            "done": 0,
            "error": "",
            "started_at": None,
            "heartbeat_at": None,
            "finished_at": None,
            "cancel_requested_at": None,
            "worker": "",
            "task_id": "",
            **run.reset_for_again(),
        }
        if actor is not None and actor.is_authenticated:
            fields["actor"] = actor
        if not model._default_manager.filter(pk=run.pk, state__in=AGAIN).update(**fields):
            raise NotRestartable
    run.refresh_from_db()
    return enqueue(run)


# --- Stopping runs whose worker is gone --------------------------------------------------------


def interrupt(*, run: BackgroundRun, now: datetime | None = None) -> bool:
    """Mark a RUNNING run interrupted (only if it is still the same attempt) and fail its
    django-tasks row if that is stuck RUNNING. True if it was marked."""
    now = now or timezone.now()
    marked = (
        type(run)
        ._default_manager.filter(pk=run.pk, state=RunState.RUNNING, attempts=run.attempts)
        .update(state=RunState.INTERRUPTED, finished_at=now, error=_translated(MSG_INTERRUPTED))
    )
    if marked:
        logger.warning("background run interrupted: %s %s worker=%s", run._meta.label, run.pk, run.worker)
        fail_task_row(run.task_id, now=now)
    return bool(marked)


def fail_task_row(task_id: str, *, now: datetime | None = None) -> int:
    """Fail the django-tasks database row of a task whose worker died while running it."""
    if not task_id or not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        return DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now or timezone.now(),
            exception_class_path=TASK_INTERRUPTED,
            traceback="The worker stopped while running this task (no heartbeat within the lease).",
        )
    except Exception:  # a malformed id, or a table not there
        logger.exception("could not fail the task row %s", task_id)
        return 0


def sweep(*, now: datetime | None = None) -> int:
    """Mark interrupted every RUNNING run whose worker is gone (all run models). Returns how many."""
    now = now or timezone.now()
    count = 0
    for model in run_models():
        for run in model._default_manager.filter(state=RunState.RUNNING).only(
            "pk", "state", "attempts", "worker", "heartbeat_at", "started_at", "created_at", "task_id"
        ):
            if run.is_stale(now) and interrupt(run=run, now=now):
                count += 1
    return count


# --- The worker's side -------------------------------------------------------------------------


class Work:
    """A worker's hold on one run: progress and heartbeat, the cancel check, and the end.

    Outside any transaction of the caller (a real worker), a daemon thread with its own database
    connection renews the heartbeat every RUN_HEARTBEAT_SECONDS and writes the latest progress,
    so both are seen while the work sits in a long transaction. Inside a caller's transaction (the
    immediate backend of the tests and of a request), progress is written in that transaction."""

    def __init__(self, run: BackgroundRun) -> None:
        self.run = run
        self.model = type(run)
        self.attempt = run.attempts
        self._progress: tuple[int, int] | None = None
        self._written: tuple[int, int] | None = None
        self._cancelled = False
        self._lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # Fenced on the attempt: a worker given up on writes nothing.
    def _mine(self):
        return self.model._default_manager.filter(pk=self.run.pk, attempts=self.attempt)

    def start_heartbeat(self) -> None:
        if connection.in_atomic_block:
            return
        self._thread = threading.Thread(target=self._beat_loop, name=f"heartbeat-{self.run.pk}", daemon=True)
        self._thread.start()

    def _beat_loop(self) -> None:
        last = 0.0
        try:
            while not self._stop.wait(1.0):
                due = time.monotonic() - last >= heartbeat_every()
                if due or self._progress != self._written:
                    self._beat()
                    last = time.monotonic()
        finally:
            connection.close()

    def _beat(self) -> None:
        fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
        progress = self._progress
        if progress is not None:
            fields["done"], fields["total"] = progress
        try:
            if not self._mine().filter(state=RunState.RUNNING).update(**fields):
                self._lost = True
                return
            self._written = progress
            self._cancelled = self._mine().filter(cancel_requested_at__isnull=False).exists()
        except OperationalError:
            # SQLite has one writer: while the work holds it, the beat waits for the next turn.
            logger.info("heartbeat skipped (database busy): %s %s", self.run._meta.label, self.run.pk)

    def progress(self, done: int, total: int) -> None:
        """Record progress; raises RunCancelled or RunLost when the run should stop here."""
        self._progress = (done, total)
        _fault_hold(done)
        if self._thread is None:
            mine = self._mine().filter(state=RunState.RUNNING)
            if not mine.update(done=done, total=total, heartbeat_at=timezone.now()):
                self._lost = True
            elif self._mine().filter(cancel_requested_at__isnull=False).exists():
                self._cancelled = True
        self.check()

    @property
    def total(self) -> int:
        return self._progress[1] if self._progress is not None else 0

    def check(self) -> None:
        if self._lost:
            raise RunLost
        if self._cancelled:
            raise RunCancelled

    def stop_heartbeat(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=heartbeat_every() + 30)
            self._thread = None

    def finish(self, *, state: str = RunState.DONE, error: str = "", **fields) -> bool:
        """End the run (DONE by default) with its last fields; False if another attempt has it."""
        if error:
            fields["error"] = _translated(error)
        if self._progress is not None:
            fields.setdefault("done", self._progress[0])
            fields.setdefault("total", self._progress[1])
        return bool(
            self._mine()
            .filter(state__in=[RunState.RUNNING, RunState.INTERRUPTED])
            .update(state=state, finished_at=timezone.now(), **fields)
        )

    def fail(self, message: str = MSG_FAILED, **fields) -> bool:
        return self.finish(state=RunState.FAILED, error=message, **fields)


def _fault_hold(done: int) -> None:
    """Fault trials only (bench/faults.py): with PEIXUN_FAULT_HOLD_AT=N set in the worker's
    environment, the work pauses PEIXUN_FAULT_HOLD_SECONDS (default 600) the first time its
    progress reaches N, so that a trial kills it at a known point (the heartbeat thread writes
    that progress meanwhile). Unset in production: one dictionary lookup."""
    global _held
    hold_at = os.environ.get("PEIXUN_FAULT_HOLD_AT")
    if not hold_at or _held or done < int(hold_at):
        return
    _held = True
    logger.warning("fault trial: holding at progress %s", done)
    time.sleep(float(os.environ.get("PEIXUN_FAULT_HOLD_SECONDS", "600")))


_held = False  # one hold per worker process


def claim(model: type[R], pk: int) -> R | None:
    """Take a QUEUED run for this worker (RUNNING, attempt + 1); None if it is not queued (cancelled,
    already taken)."""
    now = timezone.now()
    taken = model._default_manager.filter(pk=pk, state=RunState.QUEUED).update(
        state=RunState.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        worker=this_worker(),
        attempts=F("attempts") + 1,
    )
    return model._default_manager.get(pk=pk) if taken else None


@contextmanager
def work(model: type[BackgroundRun], pk: int) -> Iterator[Work | None]:
    """`with runs.work(Model, pk) as w:` in a task: claims the run (w is None if it was not
    queued), keeps its heartbeat, and ends it as CANCELLED on RunCancelled, FAILED on any other
    error (logged), untouched on RunLost. The body ends it with w.finish(...) or w.fail(...)."""
    run = claim(model, pk)
    if run is None:
        yield None
        return
    held = Work(run)
    held.start_heartbeat()
    try:
        yield held
    except RunCancelled:
        held.stop_heartbeat()
        held.finish(state=RunState.CANCELLED)
    except RunLost:
        logger.warning("background run taken over, this worker stops: %s %s", model._meta.label, pk)
    except Exception:
        logger.exception("background run failed: %s %s", model._meta.label, pk)
        held.stop_heartbeat()
        held.fail()
    finally:
        held.stop_heartbeat()
