"""`manage.py serve [--port N]`: the embedded default's server, as `make run` starts it.

Starts the background-task worker (`manage.py db_worker`, django-tasks-db) as a child process,
prints the address and one demo login per role, then runs Django's development server on
127.0.0.1 (static files served with it under DEBUG). When the server stops — Ctrl-C or SIGTERM —
the worker is stopped too. Production runs gunicorn and the worker as services instead
(docs/operations.md).
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from peixun.core import runs
from peixun.demo.region import demo_logins, format_logins

WORKER_STOP_SECONDS = 10


class Command(BaseCommand):
    help = "Run the web server and the background-task worker together, and print the demo logins."
    requires_system_checks = []  # runserver runs them

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=None, help="Port to listen on (default: $PORT, else 8000)."
        )
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default: 127.0.0.1).")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")

    def handle(self, *args, port: int | None, host: str, no_worker: bool, **options):
        port = port or self._port_from_environment()
        url = f"http://{host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("Peixun is starting at %(url)s") % {"url": url}))
        self.stdout.write(_("Demo logins (one per role):"))
        self.stdout.write(format_logins(demo_logins()))
        self.stdout.write(_("Press Ctrl-C to stop the server and the task worker."))
        self.stdout.write("")
        self.stdout.flush()

        if not no_worker:
            # Runs left RUNNING by a worker that is gone (killed, machine restarted) show as
            # interrupted, ready to run again; the new worker only takes queued tasks.
            runs.sweep()
        worker = None if no_worker else self.start_worker()
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            self.run_server(host, port)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            if worker is not None:
                self.stop_worker(worker)

    @staticmethod
    def _port_from_environment() -> int:
        raw = os.environ.get("PORT", "") or "8000"
        try:
            return int(raw)
        except ValueError:
            raise CommandError(_("PORT must be a number, not %(value)s") % {"value": raw}) from None

    def worker_command(self) -> list[str]:
        manage = settings.BASE_DIR / "manage.py"
        return [sys.executable, str(manage), "db_worker", "--queue-name", "*", "--no-reload", "-v", "1"]

    def start_worker(self) -> subprocess.Popen:
        # The worker inherits the environment, so it uses the same database as the server.
        return subprocess.Popen(self.worker_command())  # noqa: S603 - our own interpreter and manage.py

    def stop_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.stdout.write(_("Task worker stopped."))

    def run_server(self, host: str, port: int) -> None:
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)


def _exit_on_sigterm(signum, frame):
    # A plain SIGTERM would end the process without running `finally`, orphaning the worker.
    raise SystemExit(0)
