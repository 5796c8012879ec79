"""Deadline-day enrolment over HTTP: 1,000 distinct teachers — one in ten double-clicking, the two
requests sent at the same moment — enrol at once in a project of capacity 100, through the real
app (gunicorn, PostgreSQL, session cookies and CSRF, the JSON API's enrol endpoint).

Steps: (re)create the database BENCH_DATABASE_URL + "_enrolment", migrate, write one county of
schools, the teachers with their accounts and signed-in sessions, and one project open for
enrolment (with a waitlist); start gunicorn on 127.0.0.1; fire every attempt from an asyncio
client holding `--concurrency` requests in flight; then count in the database. Prints

    attempts=… enrolled=… capacity=… oversold=… duplicates=… errors_5xx=… p50_ms=… p95_ms=…

`enrolled` counts enrolments holding a place; `oversold` is how far that exceeds the capacity;
`duplicates` counts people with more than one enrolment row plus double clicks that were both
accepted as new places. Targets: oversold=0, duplicates=0, errors_5xx=0, p95 < 300 ms.

    python -m bench.enrolment [--teachers 1000] [--capacity 100] [--concurrency 50]
                              [--workers CORES] [--threads 2]
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import common

TARGET_P95_MS = 300
DOUBLE_CLICK_SHARE = 0.1
# 32 characters: Django accepts an unmasked secret as cookie and header alike (not a password).
CSRF_TOKEN = "benchcsrftoken0123456789abcdefgh"  # noqa: S105


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=50, help="Requests in flight at once.")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="gunicorn worker processes (default: one a core).",
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="Threads per gunicorn worker (as operations.md)."
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--setup", metavar="JSON", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        return setup(args.setup, args.teachers, args.capacity)

    url = common.bench_url("_enrolment")
    reason = common.postgres_reachable(url)
    if reason:
        print(f"enrolment SKIPPED: PostgreSQL unreachable at {url} ({reason})")
        return 0
    # The sessions written by the setup are signed with the key the server runs with.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ.setdefault("ID_ENCRYPTION_KEYS", "ZGV2LW9ubHktaWQta2V5LW5vdC1mb3ItcHJvZC11c2U=")
    os.environ.setdefault("ID_HASH_KEY", "bench-only-id-hash-key")
    print(f"# enrolment: preparing {common.database_name(url)}", flush=True)
    common.recreate_database(url)
    common.manage(url, "migrate", "--no-input", "-v", "0")
    with tempfile.TemporaryDirectory(prefix="peixun-bench-") as tmp:
        plan_file = Path(tmp) / "plan.json"
        status = common.run_child(
            "bench.enrolment", url, "--setup", str(plan_file), "--teachers", str(args.teachers),
            "--capacity", str(args.capacity),
        )  # fmt: skip
        if status != 0:
            return status
        plan = json.loads(plan_file.read_text())
    port = _free_port()
    log = Path(tempfile.gettempdir()) / "peixun-bench-gunicorn.log"
    server = _start_server(url, port, args.workers, args.threads, log)
    try:
        _wait_for(port)
        # Warm every worker thread up (imports on first use, its database connection), as a server
        # that has been up since the morning would be; these reads change nothing.
        asyncio.run(_warm_up(port, plan["project"], plan["sessions"][:20], args.workers * args.threads * 4))
        attempts = _attempts(plan["sessions"], random.Random(args.seed))
        print(
            f"# enrolment: {len(attempts)} attempts from {len(plan['sessions'])} teachers "
            f"({sum(1 for a in attempts if a[1])} double-click requests), {args.concurrency} in flight, "
            f"gunicorn {args.workers}×{args.threads}",
            flush=True,
        )
        before = _cpu_by_part(url, server.pid)
        started = time.perf_counter()
        groups = asyncio.run(_fire(port, plan["project"], attempts, args.concurrency))
        seconds = time.perf_counter() - started
        cpu = {part: used - before.get(part, 0.0) for part, used in _cpu_by_part(url, server.pid).items()}
    finally:
        _stop(server)
    counts = _count(url, plan["project"])
    _report_server_time(log.with_suffix(".access"), args.workers * args.threads)
    _report_cpu(cpu, len(attempts))
    return report(groups, counts, args.capacity, seconds)


def _report_server_time(access_log: Path, slots: int) -> None:
    """The time gunicorn spent on each enrol request (from its access log), beside the client's:
    the difference is the wait for one of the server's `slots` threads."""
    ms = [
        float(seconds) * 1000
        for method, _status, seconds in (line.split() for line in access_log.read_text().splitlines() if line)
        if method == "POST"
    ]
    if ms:
        print(
            f"# enrolment: server time per enrol request p50_ms={statistics.median(ms):.0f} "
            f"p95_ms={common.percentile(ms, 0.95):.0f} over {slots} threads; the rest of the client's "
            "time is the wait for a free thread",
            flush=True,
        )


def _cpu_by_part(url: str, server_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the gunicorn workers, by the PostgreSQL backends
    serving the benchmark database and by this client, read from /proc (Linux; empty elsewhere).
    A backend that was not there at the first reading counts from zero."""
    if not Path("/proc/self/stat").exists():
        return {}
    import psycopg

    with psycopg.connect(url) as conn:
        backends = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    workers = [pid for pid, parent in _processes() if parent == server_pid]
    return {
        "server": _cpu_seconds(workers),
        "postgresql": _cpu_seconds(backends),
        "client": time.process_time(),
    }


def _processes() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields:
                found.append((int(entry.name), int(fields[1])))
    return found


def _stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command name (state, ppid, …), or [] when the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def _cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _report_cpu(cpu: dict[str, float], requests: int) -> None:
    """Where the machine's time went while firing: a request costs the sum of the three parts, so
    the cores allow about cores / that sum requests a second, and with N requests in flight the
    client waits about N / that rate (Little's law) however fast each request is served."""
    if not cpu or not requests:
        return
    per_request = {part: seconds * 1000 / requests for part, seconds in cpu.items()}
    total = sum(per_request.values())
    cores = os.cpu_count() or 1
    print(
        "# enrolment: CPU per request "
        + " ".join(f"{part}_ms={ms:.1f}" for part, ms in per_request.items())
        + f" total_ms={total:.1f}: {cores} cores allow about {cores * 1000 / total:.0f} requests/s",
        flush=True,
    )


# --- Setting up the data (in a child process with Django) ------------------------------------------------


def setup(plan_path: str, teachers: int, capacity: int) -> int:
    common.setup_django()
    from datetime import date, timedelta
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from peixun.lib.idnumbers import make_valid_id
    from peixun.lib.pinyin import pinyin_keys
    from peixun.orgs.models import GrantRole, Person, RoleGrant
    from peixun.orgs.services import create_org
    from peixun.training.models import Course, Project

    county = create_org(code="B320312", name="铜山区", kind="county")
    schools = [
        create_org(code=f"BS{i:04d}", name=f"铜山第{i + 1}小学", kind="school", parent=county)
        for i in range(20)
    ]
    people = []
    for index in range(teachers):
        name = f"教师{index:04d}"
        full, initials = pinyin_keys(name)
        person = Person(
            name=name, name_pinyin=full, name_initials=initials, gender="female", org=schools[index % 20]
        )
        person.section, person.subjects = "primary", ["语文"]
        birth = date(1975, 1, 1) + timedelta(days=index // 100)
        person.set_id_number("resident_id", make_valid_id("320312", birth, index % 100, "female"))
        people.append(person)
    Person.objects.bulk_create(people, batch_size=1000)
    people = list(Person.objects.filter(org__in=schools).order_by("id"))
    User = get_user_model()
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"bench{p.pk}", password=unusable, person=p) for p in people], batch_size=1000
    )
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=u, role=GrantRole.TEACHER, org_id=p.org_id)
            for u, p in zip(users, people, strict=True)
        ],
        batch_size=1000,
    )
    backend = "peixun.accounts.backends.IdentifierBackend"
    sessions, keys = [], []
    expiry = timezone.now() + timedelta(hours=6)
    for user in users:
        store = SessionStore()
        key = secrets.token_hex(16)
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": backend,
            "_auth_user_hash": user.get_session_auth_hash(),
            # Signed in a moment ago: the account policy's last-seen mark is fresh (no session write).
            "last_seen": int(time.time()),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expiry))
        keys.append(key)
    Session.objects.bulk_create(sessions, batch_size=1000)
    now = timezone.now()
    project = Project.objects.create(
        organiser=county,
        title="截止日报名压力测试",
        project_type="all_staff",
        level="county",
        category="knowledge_skills",
        mode="concentrated",
        hours_credited=Decimal("24"),
        enrol_opens_at=now - timedelta(hours=1),
        enrol_closes_at=now + timedelta(hours=6),
        starts_on=(now + timedelta(days=10)).date(),
        ends_on=(now + timedelta(days=12)).date(),
        capacity=capacity,
        confirm_hours=0,
        status="enrolling",
    )
    project.audience.set([county])
    Course.objects.create(project=project, name="课程", hours=Decimal("24"), category="knowledge_skills")
    Path(plan_path).write_text(
        json.dumps({"project": project.pk, "sessions": keys, "cookie": settings.SESSION_COOKIE_NAME})
    )
    return 0


# --- The server ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(url: str, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    env = common.django_env(url)
    env.update(
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn), "peixun.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "-k", "gthread",
        "--threads", str(threads), "--worker-connections", str(threads), "--backlog", "2048",
        "--log-level", "warning",
        "--access-logfile", str(log.with_suffix(".access")), "--access-logformat", "%(m)s %(s)s %(L)s",
    ]  # fmt: skip
    log.with_suffix(".access").unlink(missing_ok=True)
    handle = log.open("w")
    return subprocess.Popen(  # noqa: S603 - our own gunicorn and fixed arguments
        command, env=env, cwd=common.ROOT, stdout=handle, stderr=handle, start_new_session=True
    )


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(0.5)  # let every worker finish loading
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("enrolment: the server did not start (see the gunicorn log)")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- The client --------------------------------------------------------------------------------------


def _attempts(sessions: list[str], rng: random.Random) -> list[tuple[str, bool]]:
    """One attempt per teacher; one in ten teachers double-clicks: a second request right after."""
    order = list(sessions)
    rng.shuffle(order)
    attempts: list[tuple[str, bool]] = []
    for key in order:
        attempts.append((key, False))
        if rng.random() < DOUBLE_CLICK_SHARE:
            attempts.append((key, True))
    return attempts


async def _post(port: int, path: str, session: str) -> tuple[int, float, str]:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        request = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: sessionid={session}; csrftoken={CSRF_TOKEN}\r\nX-CSRFToken: {CSRF_TOKEN}\r\n"
            "Referer: http://127.0.0.1/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        writer.write(request.encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout=60)
        writer.close()
    except (OSError, TimeoutError) as error:
        return 0, time.perf_counter() - started, type(error).__name__
    status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/") else 0
    body = raw.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in raw else b""
    try:
        detail = json.loads(body).get("status") or json.loads(body).get("code") or ""
    except ValueError:
        detail = ""
    return status, time.perf_counter() - started, detail


async def _warm_up(port: int, project: int, sessions: list[str], requests: int) -> None:
    async def get(session: str) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(
                f"GET /api/v1/training/projects/{project}/eligibility HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: sessionid={session}\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            await asyncio.wait_for(reader.read(), timeout=60)
            writer.close()
        except (OSError, TimeoutError):
            pass

    await asyncio.gather(*(get(sessions[i % len(sessions)]) for i in range(requests)))


async def _fire(port: int, project: int, attempts: list[tuple[str, bool]], concurrency: int):
    path = f"/api/v1/training/projects/{project}/enrol"
    gate = asyncio.Semaphore(concurrency)

    async def one(session: str):
        async with gate:
            return await _post(port, path, session)

    # A double click is the same teacher's two requests, sent together.
    tasks = []
    index = 0
    while index < len(attempts):
        session, _ = attempts[index]
        if index + 1 < len(attempts) and attempts[index + 1][1]:
            tasks.append(asyncio.gather(one(session), one(session)))
            index += 2
        else:
            tasks.append(asyncio.gather(one(session)))
            index += 1
    return [list(group) for group in await asyncio.gather(*tasks)]


# --- Counting ------------------------------------------------------------------------------------------


def _count(url: str, project: int) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        held = conn.execute(
            "SELECT count(*) FROM training_enrolment WHERE project_id = %s "
            "AND status IN ('pending', 'nominated', 'offered', 'enrolled')",
            [project],
        ).fetchone()[0]
        rows = conn.execute(
            "SELECT count(*) FROM training_enrolment WHERE project_id = %s", [project]
        ).fetchone()[0]
        people = conn.execute(
            "SELECT count(DISTINCT person_id) FROM training_enrolment WHERE project_id = %s", [project]
        ).fetchone()[0]
        counter, capacity = conn.execute(
            "SELECT places_taken, capacity FROM training_project WHERE id = %s", [project]
        ).fetchone()
    return {"held": held, "rows": rows, "people": people, "counter": counter, "capacity": capacity}


def report(groups: list[list[tuple[int, float, str]]], counts: dict, capacity: int, seconds: float) -> int:
    results = [result for group in groups for result in group]
    statuses = [status for status, _ms, _detail in results]
    ms = [elapsed * 1000 for _status, elapsed, _detail in results]
    errors_5xx = sum(1 for s in statuses if s >= 500)
    failed = sum(1 for s in statuses if s == 0)
    oversold = max(0, counts["held"] - capacity)
    # People with two rows (the database forbids it), and double clicks both answered "enrolled".
    both_taken = sum(
        1 for group in groups if len(group) == 2 and all(r[0] == 201 and r[2] == "enrolled" for r in group)
    )
    duplicates = counts["rows"] - counts["people"] + both_taken
    p50, p95 = statistics.median(ms), common.percentile(ms, 0.95)
    by_status: dict[int, int] = {}
    for status in statuses:
        by_status[status] = by_status.get(status, 0) + 1
    print(
        f"# enrolment: responses {dict(sorted(by_status.items()))}, connection failures {failed}, "
        f"counter {counts['counter']} = held {counts['held']}: {counts['counter'] == counts['held']}, "
        f"{len(results) / seconds:.0f} requests/s over {seconds:.1f} s",
        flush=True,
    )
    print(
        f"attempts={len(results)} enrolled={counts['held']} capacity={capacity} oversold={oversold} "
        f"duplicates={duplicates} errors_5xx={errors_5xx} p50_ms={p50:.0f} p95_ms={p95:.0f}",
        flush=True,
    )
    ok = (
        oversold == 0
        and duplicates == 0
        and errors_5xx == 0
        and failed == 0
        and counts["counter"] == counts["held"]
        and counts["held"] == capacity
        and p95 < TARGET_P95_MS
    )
    verdict = "ok" if ok else "MISSED"
    print(f"# enrolment: target oversold=0 duplicates=0 errors_5xx=0 p95<{TARGET_P95_MS} {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
