"""`manage.py serve`: the address and demo logins first, the task worker beside the server, and the
worker stopped when the server stops. The web server itself is replaced by a stand-in; the worker
by a real child process that would otherwise run for a minute."""

import sys
from io import StringIO

import pytest
from django.core.management import call_command

from peixun.demo import region as demo
from peixun.demo.management.commands import serve

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture
def started(monkeypatch):
    """What the stand-in server saw: the output so far, the address, and the worker process."""
    seen: dict = {"workers": []}
    original_start = serve.Command.start_worker

    def start_worker(self):
        worker = original_start(self)
        seen["workers"].append(worker)
        return worker

    def run_server(self, host, port):
        seen["output_before_server"] = self.stdout._out.getvalue()
        seen["address"] = (host, port)
        seen["worker_running"] = all(worker.poll() is None for worker in seen["workers"])
        raise KeyboardInterrupt  # the user presses Ctrl-C

    monkeypatch.setattr(serve.Command, "worker_command", lambda self: SLEEPER)
    monkeypatch.setattr(serve.Command, "start_worker", start_worker)
    monkeypatch.setattr(serve.Command, "run_server", run_server)
    return seen


def run_serve(*args: str) -> str:
    out = StringIO()
    call_command("serve", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_serve_prints_the_address_and_every_demo_login_before_the_server_starts(started):
    call_command("seed_demo", "--scale", "tiny", stdout=StringIO())
    run_serve("--port", "8765")
    before = started["output_before_server"]
    assert "http://127.0.0.1:8765/" in before
    for account in demo.DEMO_ACCOUNTS:
        assert account.username in before
    assert demo.DEMO_PASSWORD in before
    assert started["address"] == ("127.0.0.1", 8765)


@pytest.mark.django_db
def test_serve_runs_the_task_worker_beside_the_server_and_stops_it_on_ctrl_c(started):
    run_serve("--port", "8766")
    assert started["worker_running"] is True
    [worker] = started["workers"]
    assert worker.poll() is not None


@pytest.mark.django_db
def test_serve_takes_the_port_from_the_environment(started, monkeypatch):
    monkeypatch.setenv("PORT", "9123")
    run_serve("--no-worker")
    assert started["address"] == ("127.0.0.1", 9123)
    assert started["workers"] == []


@pytest.mark.django_db
def test_serve_without_demo_data_says_how_to_create_it(started):
    output = run_serve("--no-worker")
    assert "seed_demo" in output


def test_the_worker_is_django_tasks_db_worker_on_every_queue():
    command = serve.Command().worker_command()
    assert command[0] == sys.executable
    assert command[2:5] == ["db_worker", "--queue-name", "*"]
