"""A roster apply whose worker is killed (SIGKILL) half-way: nothing is written, the job shows
interrupted (on read, and written so by the sweep, which also fails the stuck django-tasks row),
and running it again applies the file exactly once.

A real `manage.py db_worker` runs in a child process. On PostgreSQL it uses the test database
itself; on SQLite (an in-memory test database no other process can open) the database is copied
to a file for the worker and copied back afterwards.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from peixun.audit.models import AuditEvent
from peixun.core import runs
from peixun.imports import services
from peixun.imports.models import ImportStatus
from peixun.imports.tests.files import big_roster
from peixun.orgs.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

# SQLite needs a file big enough for the test to see the apply under way before it commits; on
# PostgreSQL a held lock keeps the worker inside the apply however small the file.
ROWS = int(os.environ.get("PEIXUN_KILL_TEST_ROWS", "20000"))
ROWS_POSTGRESQL = min(ROWS, 2000)
DEADLINE = 120  # seconds: a bound on waiting for the worker, not a measure of anything


class WorkerDatabase:
    """The database a child worker process opens, and the copying SQLite needs."""

    def __init__(self, tmp_path: Path) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.file = tmp_path / "worker.sqlite3"
        data = connection.settings_dict
        if self.sqlite:
            self.url = f"sqlite:///{self.file}"
        else:
            self.url = (
                f"postgres://{data['USER']}:{data['PASSWORD'] or ''}@{data['HOST'] or '127.0.0.1'}"
                f":{data['PORT'] or 5432}/{data['NAME']}"
            )

    def push(self) -> None:
        """Give the worker the test process's data (SQLite: copy it to the file)."""
        if self.sqlite:
            connection.ensure_connection()
            self.file.unlink(missing_ok=True)
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
            target.close()

    def pull(self) -> None:
        """Take back what the worker wrote (SQLite: copy the file over the test database)."""
        if self.sqlite:
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        env.update(DATABASE_URL=self.url, DEBUG="1", RUN_HEARTBEAT_SECONDS="0.5", PYTHONUNBUFFERED="1")
        return env


def worker(db: WorkerDatabase, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"]
    command += ["--interval", "0.2", "--no-startup-delay", *extra]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        command,
        cwd=settings.BASE_DIR,
        env=db.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until(check, what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


def apply_in_progress(db: WorkerDatabase, job_id: int):
    """True once the worker is inside the apply's transaction: on PostgreSQL it waits there on the
    lock `new_people_held` keeps; on SQLite it holds the one write lock (a write from here is
    refused)."""
    if not db.sqlite:

        def check() -> bool:
            # The worker waits on the lock `new_people_held` keeps: it is inside the apply.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                return cursor.fetchone()[0] > 0

        return check

    def check_sqlite() -> bool:
        probe = sqlite3.connect(db.file, timeout=0, isolation_level=None)
        try:
            step_state = probe.execute(
                "SELECT step, state FROM imports_importjob WHERE id = ?", (job_id,)
            ).fetchone()
            if step_state != ("apply", "running"):
                return False
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True  # locked: the apply's transaction is open
            probe.execute("ROLLBACK")
            return False
        finally:
            probe.close()

    return check_sqlite


@contextmanager
def new_people_held(db: WorkerDatabase):
    """PostgreSQL: keep new people out (a SHARE lock on their table, from another connection) so
    the worker's apply waits inside its transaction however fast the machine is — without it a
    quick apply could commit before the test sees it under way. SQLite: nothing to hold."""
    if db.sqlite:
        yield
        return
    import psycopg

    hold = psycopg.connect(db.url)
    try:
        hold.execute(f"LOCK TABLE {Person._meta.db_table} IN SHARE MODE")
        yield
    finally:
        hold.rollback()
        hold.close()


@contextmanager
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield


def imported() -> int:
    return Person.objects.filter(name__startswith="批量").count()


def test_an_apply_killed_half_way_is_interrupted_and_running_it_again_applies_it_once(
    world, settings, tmp_path
):
    rows = ROWS if connection.vendor == "sqlite" else ROWS_POSTGRESQL
    job = services.start_import(
        kind="people",
        data=big_roster(rows),
        filename="roster.csv",
        actor=world.coordinator_a1,
        org=world.school_a1,
    )
    assert job.status == ImportStatus.VALID, job.errors[:3]
    db = WorkerDatabase(tmp_path)
    with database_queue(settings):
        job = services.apply_import(job=job, actor=world.coordinator_a1)
        assert job.status == ImportStatus.APPLYING and job.task_id

        db.push()
        with new_people_held(db):
            child = worker(db)
            try:
                wait_until(apply_in_progress(db, job.pk), "the worker inside the apply")
            finally:
                child.send_signal(signal.SIGKILL)
                child.wait()
        db.pull()

        # Nothing was written, and the job no longer claims to be applying.
        assert imported() == 0
        job.refresh_from_db()
        assert job.state == "running"  # as the killed worker left it …
        assert job.status == ImportStatus.INTERRUPTED  # … but shown interrupted: its worker is gone
        assert job.can_run_again
        assert runs.sweep() == 1
        job.refresh_from_db()
        assert job.state == "interrupted" and job.error
        task_row = DBTaskResult.objects.get(id=job.task_id)
        assert task_row.status == TaskResultStatus.FAILED
        assert task_row.exception_class_path == runs.TASK_INTERRUPTED

        # Run again: a fresh worker applies the file, once.
        job = services.run_again(job=job, actor=world.coordinator_a1)
        assert job.state == "queued" and job.step == "apply"
        db.push()
        finisher = worker(db, "--batch")
        assert finisher.wait(timeout=DEADLINE) == 0
        db.pull()

    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED, (job.state, job.error)
    assert job.applied_at is not None and job.attempts == 3  # the check, the apply, the apply again
    assert job.created_count == rows
    assert imported() == rows
    assert AuditEvent.objects.filter(action="import_applied").count() == 1
    assert AuditEvent.objects.filter(action="background_run_restarted").count() == 1
