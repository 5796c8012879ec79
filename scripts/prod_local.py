"""`make prod-local`: on one machine, what a province runs on several — nginx in front of two
gunicorn app servers (failover between them), two background-task workers (django-tasks-db),
PostgreSQL and Redis (cache and sessions), with the production settings (DEBUG off, static files
collected and served by nginx). docs/operations.md §9 is the recipe, ADR 0053 the reasons.

    python -m scripts.prod_local [--port 8080] [--database-url postgres://…] [--web-workers 2]

PostgreSQL must be running (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/peixun_prod_local;
the database is created when missing and migrated). nginx and redis-server come from the system
(Debian: `apt-get install nginx redis-server`). Everything else lives in var/prod-local/: the
rendered nginx.conf, the Unix sockets of the app servers and of Redis, the logs (logs/), and the
keys made on the first start (keys.json, mode 0600: SECRET_KEY and the ID-number keys of this local
installation; values given in the environment win).

The runner starts Redis, the app servers, the workers and nginx, prints the address, and stops
them all — nginx first, Redis last — on Ctrl-C or SIGTERM. A process that dies is reported and left
down (the load test kills an app server on purpose; nginx sends its requests to the other).
Standard library only: no Procfile runner is installed.
"""

import argparse
import base64
import contextlib
import getpass
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/peixun_prod_local"
DEFAULT_PORT = 8080
STOP_SECONDS = 20
MIME_TYPES = (
    "/etc/nginx/mime.types",
    "/usr/local/etc/nginx/mime.types",
    "/opt/homebrew/etc/nginx/mime.types",
)
INSTALL_HINT = {
    "nginx": "apt-get install nginx  (Debian/Ubuntu; macOS: brew install nginx)",
    "redis-server": "apt-get install redis-server  (Debian/Ubuntu; macOS: brew install redis)",
}


@dataclass
class Layout:
    """Where everything of one prod-local installation lives, and how each process is started."""

    port: int = DEFAULT_PORT
    database_url: str = DEFAULT_DATABASE_URL
    run_dir: Path = ROOT / "var" / "prod-local"
    web_instances: int = 2
    web_workers: int = 2
    task_workers: int = 2
    python: str = sys.executable
    static_root: Path = ROOT / "var" / "staticfiles"
    nginx: str = field(default_factory=lambda: _program("nginx"))
    redis: str = field(default_factory=lambda: _program("redis-server"))
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def web_socket(self, number: int) -> Path:
        return self.run_dir / f"web-{number}.sock"

    @property
    def redis_socket(self) -> Path:
        return self.run_dir / "redis.sock"

    @property
    def nginx_conf(self) -> Path:
        return self.run_dir / "nginx" / "nginx.conf"

    @property
    def logs(self) -> Path:
        return self.run_dir / "logs"

    def render_nginx(self, template: str | None = None, *, user: str | None = None) -> str:
        """The nginx configuration: deploy/nginx.conf.template with this layout's values."""
        text = template if template is not None else (DEPLOY / "nginx.conf.template").read_text()
        user = user if user is not None else (getpass.getuser() if os.geteuid() == 0 else "")
        # max_fails=0: nginx never takes a server out. A dead one refuses its socket at once and
        # the request goes on to the next (proxy_next_upstream error); with max_fails=1 one slow
        # answer from the last server standing took it out too, and every request failed.
        servers = "\n".join(
            f"        server unix:{self.web_socket(n)} max_fails=0;" for n in range(1, self.web_instances + 1)
        )
        mime = next((path for path in MIME_TYPES if Path(path).exists()), MIME_TYPES[0])
        values = {
            # Only a master started as root switches user; its workers then run as this user.
            "user_line": f"user {user};" if user else "# (not started as root: no user switch)",
            "run_dir": str(self.run_dir),
            "mime_types": mime,
            "upstream_servers": servers,
            "port": str(self.port),
            "static_root": str(self.static_root),
        }
        for name, value in values.items():
            text = text.replace("{{" + name + "}}", value)
        if "{{" in text:
            raise ValueError("nginx template: a {{mark}} has no value")
        return text

    def environment(self, keys: dict[str, str], base: dict[str, str] | None = None) -> dict[str, str]:
        """The production environment every Peixun process of the box runs with."""
        env = dict(os.environ if base is None else base)
        for name, value in keys.items():
            env.setdefault(name, value)
        hosts = f"127.0.0.1:{self.port},localhost:{self.port}"
        env.update(
            DEBUG="0",
            DATABASE_URL=self.database_url,
            REDIS_URL=f"unix://{self.redis_socket}?db=0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CSRF_TRUSTED_ORIGINS=",".join(f"http://{host}" for host in hosts.split(",")),
            # nginx talks to the app servers on their Unix sockets.
            TRUSTED_PROXIES="unix",
            # No TLS on this box (it listens on 127.0.0.1); a province terminates TLS in nginx.
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            PUBLIC_URL=f"http://127.0.0.1:{self.port}",
            STATIC_ROOT=str(self.static_root),
            PYTHONPATH=str(ROOT),
        )
        env.setdefault("LOG_LEVEL", "WARNING")
        env.update(self.extra_env)
        return env

    def commands(self) -> list[tuple[str, list[str]]]:
        """(name, command line) of every long-running process, in the order they start."""
        manage = str(ROOT / "manage.py")
        gunicorn = str(Path(self.python).with_name("gunicorn"))
        processes: list[tuple[str, list[str]]] = [
            (
                "redis",
                [
                    self.redis, "--port", "0", "--unixsocket", str(self.redis_socket),
                    "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--daemonize", "no",
                ],
            )
        ]  # fmt: skip
        for number in range(1, self.web_instances + 1):
            name = f"web-{number}"
            processes.append(
                (
                    name,
                    [
                        gunicorn, "--config", str(DEPLOY / "gunicorn.conf.py"),
                        "--bind", f"unix:{self.web_socket(number)}", "--workers", str(self.web_workers),
                        "--name", f"peixun-{name}", "--access-logfile", str(self.logs / f"{name}-access.log"),
                        "--control-socket", str(self.run_dir / f"{name}.ctl"),
                    ],
                )
            )  # fmt: skip
        for number in range(1, self.task_workers + 1):
            processes.append(
                (
                    f"worker-{number}",
                    [self.python, manage, "db_worker", "--queue-name", "*", "--no-reload", "-v", "1"],
                )
            )
        processes.append(
            ("nginx", [self.nginx, "-p", str(self.run_dir / "nginx"), "-c", str(self.nginx_conf)])
        )
        return processes

    def preparation(self) -> list[list[str]]:
        """The commands run once before starting: migrate, collect static files, sweep runs."""
        manage = str(ROOT / "manage.py")
        return [
            [self.python, manage, "migrate", "--no-input", "-v", "0"],
            [self.python, manage, "collectstatic", "--no-input", "-v", "0"],
            [self.python, manage, "runs_sweep", "-v", "0"],
        ]


def _program(name: str) -> str:
    """The program's path; Debian installs nginx in /usr/sbin, outside most users' PATH."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin") or name


def local_keys(run_dir: Path) -> dict[str, str]:
    """SECRET_KEY and the ID-number keys of this installation, made on the first start and kept in
    keys.json (mode 0600) so sessions and encrypted ID numbers survive a restart."""
    path = run_dir / "keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ID_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "ID_HASH_KEY": secrets.token_urlsafe(32),
    }
    run_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(keys, handle)
    return keys


def missing_programs(layout: Layout) -> list[str]:
    """What to install before the box can start, one line each."""
    return [
        f"{program} is not installed: {INSTALL_HINT[name]}"
        for name, program in (("nginx", layout.nginx), ("redis-server", layout.redis))
        if shutil.which(program) is None
    ]


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database when it is missing (the server must be running)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=5
    ) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Supervisor:
    """Starts the processes of a layout, each in its own session (a Ctrl-C in the terminal reaches
    the runner only, which stops them in order), and stops or kills them by name."""

    def __init__(self, layout: Layout, *, say=print) -> None:
        self.layout = layout
        self.say = say
        self.processes: dict[str, subprocess.Popen] = {}
        self.reported: set[str] = set()
        self.env: dict[str, str] = {}

    def prepare(self) -> None:
        layout = self.layout
        problems = missing_programs(layout)
        if problems:
            raise SystemExit("prod-local cannot start:\n  " + "\n  ".join(problems))
        for directory in (layout.run_dir, layout.logs, layout.nginx_conf.parent):
            directory.mkdir(parents=True, exist_ok=True)
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (layout.nginx_conf.parent / sub).mkdir(exist_ok=True)
        layout.nginx_conf.write_text(layout.render_nginx())
        self.env = layout.environment(local_keys(layout.run_dir))
        ensure_database(layout.database_url)
        for command in layout.preparation():
            subprocess.run(command, env=self.env, cwd=ROOT, check=True)  # noqa: S603 - our own commands

    def start(self) -> None:
        layout = self.layout
        for name, command in layout.commands():
            if name.startswith("web-") or name == "redis":
                socket_path = layout.redis_socket if name == "redis" else layout.web_socket(int(name[4:]))
                socket_path.unlink(missing_ok=True)
            log = (layout.logs / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(  # noqa: S603 - fixed command lines of this layout
                command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            log.close()
            if name == "redis":
                _wait_for_socket(layout.redis_socket, name, self.processes[name])
            elif name.startswith("web-"):
                _wait_for_socket(layout.web_socket(int(name[4:])), name, self.processes[name])
        _wait_for_port(layout.port, self.processes["nginx"])

    def check(self) -> list[str]:
        """Names of processes that have ended since the last check (each reported once)."""
        ended = []
        for name, process in self.processes.items():
            if process.poll() is not None and name not in self.reported:
                self.reported.add(name)
                ended.append(name)
                log = self.layout.logs / f"{name}.log"
                self.say(f"prod-local: {name} has stopped (exit {process.returncode}); see {log}")
        return ended

    def kill(self, name: str) -> None:
        """SIGKILL one process and its children (an app server: the master and its workers)."""
        process = self.processes[name]
        self.reported.add(name)
        _signal_group(process, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        """Stop everything in three steps: nginx (no new requests), then the app servers and the
        workers together (each finishes what it is doing), then Redis."""
        names = list(self.processes)
        stages = [
            [name for name in names if name == "nginx"],
            [name for name in names if name not in ("nginx", "redis")],
            [name for name in names if name == "redis"],
        ]
        for stage in stages:
            running = [(name, self.processes[name]) for name in stage if self.processes[name].poll() is None]
            for name, process in running:
                self.reported.add(name)
                _signal_group(process, signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            for _name, process in running:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    _signal_group(process, signal.SIGKILL)
                    process.wait()


def _signal_group(process: subprocess.Popen, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, number)


def _wait_for_socket(path: Path, name: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"prod-local: {name} did not start (exit {process.returncode}); see its log")
        if path.exists():
            try:
                with socket.socket(socket.AF_UNIX) as sock:
                    sock.connect(str(path))
                    return
            except OSError:
                pass
        time.sleep(0.2)
    raise SystemExit(f"prod-local: {name} did not open {path} within {seconds:.0f} s")


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"prod-local: nginx did not start (exit {process.returncode}); see logs/nginx.log"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"prod-local: nginx did not listen on port {port} within {seconds:.0f} s")


def layout_from(argv: list[str] | None = None) -> Layout:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or DEFAULT_PORT))
    parser.add_argument(
        "--database-url",
        default=os.environ.get("PROD_LOCAL_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help="PostgreSQL (default: $PROD_LOCAL_DATABASE_URL, else %(default)s).",
    )
    parser.add_argument("--run-dir", type=Path, default=ROOT / "var" / "prod-local")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per app server.")
    args = parser.parse_args(argv)
    return Layout(
        port=args.port, database_url=args.database_url, run_dir=args.run_dir, web_workers=args.web_workers
    )


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    layout = layout_from(argv)
    supervisor = Supervisor(layout)
    print(
        f"prod-local: preparing {layout.database_url.rsplit('/', 1)[-1]} (migrate, collectstatic)", flush=True
    )
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # Ctrl-C stops the box even when a shell started the runner with SIGINT ignored (in the background).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        supervisor.prepare()
        supervisor.start()
        names = ", ".join(name for name, _command in layout.commands())
        print(f"prod-local: {names} running; logs in {layout.logs}", flush=True)
        print(f"prod-local: Peixun is at {layout.url}  (Ctrl-C stops everything)", flush=True)
        while True:
            supervisor.check()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nprod-local: stopping", flush=True)
    finally:
        supervisor.stop()
    print("prod-local: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
