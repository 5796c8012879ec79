"""A lesson's start on real servers: 1,000 teachers check in on their phones within two minutes
while the class tutors mark the trainees who came without a phone and other teachers browse —
locust (headless, as a library) against `make prod-local` (nginx, two gunicorn app servers, two
task workers, PostgreSQL, Redis; scripts/prod_local.py) with the production settings.

Steps: (re)create the database BENCH_DATABASE_URL + "_checkin" and start the box on it (port
--port); write one county with a training centre and 20 schools, one running project of
1,000 + 40 trainees in ten classes (one tutor each; 4 trainees per class without a phone), and two
lessons for the whole project starting in ten minutes (check-in open); sessions signed in ahead
(in Redis, as a teacher's phone keeps its session for 12 hours) for everyone; one password hash
shared by all teachers (the cost of sign-in is the server's check, not the setup's hashing).

Each check-in is what a phone does: sign in (a share `--sign-in` of the teachers: the sign-in page,
then the form — Argon2 on the server) or come with its session; open today's lessons
(/delivery/); send the code shown on the tutor's screen (computed here from the lesson's secret,
as the screen does); see the result page. Arrivals are spread evenly over `--window` seconds.
Meanwhile each tutor opens the lesson's register and marks their four trainees without a phone
(HTMX, as the register page does), and 20 teachers browse (home, today's lessons, their project).

Phase 1 — the lesson's start: p50/p95 by request, errors, then in the database every check-in the
phones were told succeeded is stored (none lost) and nobody has two rows.
Phase 2 — failover: the same on the second lesson; a third of the way in, one app server is killed
(SIGKILL to its master and workers); nginx sends the rest to the other. Errors during failover are
counted and reported (a request in flight on the killed server is lost to its client — a POST is
never resent — and the phone shows an error; sending the code again checks in).

Beside them is the raw lower bound: nginx serving a static file, and the cheapest signed-in page
through the whole stack (the sign-in page asked for again by a signed-in teacher), each timed
alone; the check-in's ratio is its p50 over the latter's.

Targets (issue 15): 0 errors and p95 < 300 ms in phase 1; no lost check-in in either phase.

    python -m bench.load_checkin [--teachers 1000] [--window 120] [--sign-in 0.2] [--port 8059]
                                 [--web-workers 2] [--only start|failover]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import common

TARGET_P95_MS = 300
NO_PHONE_PER_CLASS = 4
CLASSES = 10
BROWSERS = 20
KILL_AT = 1 / 3
START_DELAY = 3.0  # bench.load_swarm: seconds between its start and the first arrival
PASSWORD = "Peixun-bench-2026"  # noqa: S105 - a benchmark's throwaway accounts
# 32 characters: Django accepts an unmasked secret as cookie and form field alike (not a password).
CSRF_TOKEN = "benchcsrftoken0123456789abcdefgh"  # noqa: S105
CHECKED_IN = "签到“"  # the success message: 已于 HH:MM 签到“课题”。


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=1000)
    parser.add_argument("--window", type=float, default=120.0, help="Seconds the check-ins arrive over.")
    parser.add_argument("--sign-in", type=float, default=0.2, help="Share of teachers who sign in first.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT") or 8059))
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per app server.")
    parser.add_argument("--only", choices=("start", "failover"))
    parser.add_argument("--setup", metavar="JSON", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        return setup(Path(args.setup), args.teachers, args.sign_in)
    return run(args)


def run(args: argparse.Namespace) -> int:
    from scripts.prod_local import Layout, Supervisor, missing_programs

    url = common.bench_url("_checkin")
    reason = common.postgres_reachable(url)
    if reason:
        print(f"load_checkin SKIPPED: PostgreSQL unreachable at {url} ({reason})")
        return 0
    missing = missing_programs(Layout())
    if missing:
        print(f"load_checkin SKIPPED: {'; '.join(missing)}")
        return 0
    with tempfile.TemporaryDirectory(prefix="peixun-load-") as tmp:
        layout = Layout(
            port=args.port, database_url=url, run_dir=Path(tmp) / "box", web_workers=args.web_workers
        )
        supervisor = Supervisor(layout, say=lambda line: print(f"# {line}", flush=True))
        print(
            f"# load_checkin: preparing {common.database_name(url)} and the box on port {args.port}",
            flush=True,
        )
        common.recreate_database(url)
        supervisor.prepare()
        try:
            supervisor.start()
            plan_path = Path(tmp) / "plan.json"
            _child(supervisor.env, "--setup", str(plan_path), "--teachers", str(args.teachers),
                   "--sign-in", str(args.sign_in))  # fmt: skip
            plan = json.loads(plan_path.read_text())
            floors = _floors(layout.url, plan)
            print(
                f"# load_checkin: {args.teachers} teachers ({plan['signing_in']} sign in first) over "
                f"{args.window:.0f} s, {CLASSES} tutors marking {CLASSES * NO_PHONE_PER_CLASS} trainees, "
                f"{BROWSERS} teachers browsing; 2 app servers × {args.web_workers} workers × 2 threads",
                flush=True,
            )
            status = 0
            for phase, lesson in (("start", plan["lessons"][0]), ("failover", plan["lessons"][1])):
                if args.only and args.only != phase:
                    continue
                out = Path(tmp) / f"{phase}.json"
                meter = CpuMeter(supervisor)
                started_at = time.perf_counter()
                swarm = _child(
                    supervisor.env,
                    str(plan_path),
                    str(lesson),
                    str(args.window),
                    str(out),
                    module="bench.load_swarm",
                )
                killed_at = None
                if phase == "failover":
                    time.sleep(START_DELAY + args.window * KILL_AT)
                    supervisor.kill("web-1")
                    killed_at = time.time()
                    print(
                        "# load_checkin: web-1 killed (SIGKILL); nginx sends everything to web-2", flush=True
                    )
                meter.wait(swarm)
                if swarm.returncode != 0:
                    raise SystemExit(f"load_checkin: the {phase} swarm failed")
                _print_cpu(phase, meter.used(), time.perf_counter() - started_at)
                result = json.loads(out.read_text())
                stored = _stored(url, lesson, plan)
                status |= report(phase, result, stored, floors, killed_at)
        finally:
            supervisor.stop()
            kept = _keep_logs(layout.logs)
            if kept is not None:
                print(f"# load_checkin: the box's logs are kept in {kept}", flush=True)
    return status


def _keep_logs(logs: Path) -> Path | None:
    """Copy the box's logs (nginx access log with each answer's status, gunicorn, workers) out of
    the temporary folder into var/bench-load/<time>/, to find out afterwards why requests failed."""
    if not logs.exists():
        return None
    target = common.ROOT / "var" / "bench-load" / time.strftime("%Y%m%d-%H%M%S")
    shutil.copytree(logs, target)
    return target


def _child(env: dict[str, str], *args: str, module: str = "bench.load_checkin") -> subprocess.Popen:
    """Run `python -m module args` in the box's environment; the setup is waited for."""
    command = [sys.executable, "-m", module, *args]
    process = subprocess.Popen(command, env=env, cwd=common.ROOT)  # noqa: S603 - our own module
    if module == "bench.load_checkin" and process.wait() != 0:
        raise SystemExit("load_checkin: the setup failed")
    return process


# --- Where the cores went: CPU seconds of each part of the box and of the swarm ---------------------


class CpuMeter:
    """CPU seconds (user + system) each part spends during a phase: the app servers, the task
    workers, nginx, Redis (each a process of the supervisor with its children), PostgreSQL (every
    `postgres` process: its backends serve the box alone during the run) and the swarm. Sampled
    every half second per process, so a process that ends (a backend closed, the app server killed
    in the failover) keeps what it spent until its last sample; one born during the phase counts
    from zero."""

    def __init__(self, supervisor) -> None:
        self.supervisor = supervisor
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.sample(initial=True)

    def _processes(self, swarm: int | None):
        import psutil

        for name, process in self.supervisor.processes.items():
            part = name.split("-")[0]  # web-1, web-2 → web; worker-1 → worker
            try:
                root = psutil.Process(process.pid)
                yield part, root
                for child in root.children(recursive=True):
                    yield part, child
            except psutil.NoSuchProcess:
                continue
        for process in psutil.process_iter(["name"]):
            if process.info["name"] == "postgres":
                yield "postgres", process
        if swarm is not None:
            try:
                process = psutil.Process(swarm)
            except psutil.NoSuchProcess:
                return
            yield "swarm (locust)", process

    def sample(self, swarm: int | None = None, *, initial: bool = False) -> None:
        import psutil

        for part, process in self._processes(swarm):
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            spent = times.user + times.system
            if initial:
                self.first[process.pid] = spent
            self.last[process.pid] = (part, spent)

    def wait(self, swarm: subprocess.Popen) -> None:
        """Sample until the swarm ends (its own times are read before it is waited for)."""
        while swarm.poll() is None:
            self.sample(swarm.pid)
            time.sleep(0.5)
        self.sample()

    def used(self) -> dict[str, float]:
        used: dict[str, float] = {}
        for pid, (part, spent) in self.last.items():
            used[part] = used.get(part, 0.0) + max(0.0, spent - self.first.get(pid, 0.0))
        return used


def _print_cpu(phase: str, used: dict[str, float], seconds: float) -> None:
    cores = os.cpu_count() or 1
    available = cores * seconds
    parts = ", ".join(f"{name} {value:.0f} s" for name, value in sorted(used.items(), key=lambda kv: -kv[1]))
    print(
        f"{phase}: cpu over {seconds:.0f} s on {cores} cores ({available:.0f} core-s): {parts}; "
        f"total {sum(used.values()):.0f} core-s = {100 * sum(used.values()) / available:.0f} % busy",
        flush=True,
    )


def _floors(base: str, plan: dict) -> dict[str, float]:
    """Median seconds of the two lower bounds, each request alone (50 after 5 warm-ups)."""

    class Stay(urllib.request.HTTPRedirectHandler):
        """The signed-in sign-in page answers a redirect to the home page: timed without it."""

        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(Stay)

    def median_of(path: str, cookie: str) -> float:
        seconds = []
        for index in range(55):
            request = urllib.request.Request(base.rstrip("/") + path, headers={"Cookie": cookie})  # noqa: S310 - our own box
            started = time.perf_counter()
            try:
                with opener.open(request, timeout=30) as response:
                    response.read()
            except urllib.error.HTTPError as answer:  # the 302 itself, not followed
                if answer.code != 302:
                    raise
                answer.read()
            if index >= 5:
                seconds.append(time.perf_counter() - started)
        return statistics.median(seconds)

    session = plan["teachers"][0]["session"]
    return {
        "static": median_of(plan["static_file"], ""),
        "signed_in": median_of("/accounts/login/", f"{plan['cookie']}={session}"),
    }


def _stored(url: str, lesson: int, plan: dict) -> dict[str, int]:
    """What the database holds for the lesson: check-ins by code, register marks, people with more
    than one row."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT e.person_id, a.status, a.method FROM delivery_attendance a "
            "JOIN training_enrolment e ON e.id = a.enrolment_id WHERE a.lesson_id = %s",
            [lesson],
        ).fetchall()
    person_of = {teacher["username"]: teacher["person"] for teacher in plan["teachers"]}
    by_code = {
        person
        for person, status, method in rows
        if method in ("code", "qr") and status in ("present", "late")
    }
    people = [person for person, _status, _method in rows]
    return {
        "by_code": len(by_code),
        "marked": sum(1 for _person, _status, method in rows if method == "register"),
        "duplicates": len(people) - len(set(people)),
        "person_of": person_of,  # type: ignore[dict-item]
        "by_code_people": by_code,  # type: ignore[dict-item]
    }


def report(phase: str, result: dict, stored: dict, floors: dict[str, float], killed_at: float | None) -> int:
    print(f"\n{phase}: {'request':<28} {'n':>5} {'errors':>6} {'p50_ms':>7} {'p95_ms':>7} {'max_ms':>7}")
    for name, row in sorted(result["requests"].items()):
        print(
            f"{phase}: {name:<28} {row['n']:>5} {row['errors']:>6} {row['p50']:>7.0f} {row['p95']:>7.0f} "
            f"{row['max']:>7.0f}"
        )
    told = set(result["checked_in"])
    lost = sorted(
        username for username in told if stored["person_of"][username] not in stored["by_code_people"]
    )
    total = result["total"]
    checkin = result["requests"].get("check-in (POST code)", {"p50": 0.0})
    errors_after_kill = (
        sum(1 for moment in result["error_times"] if moment >= killed_at) if killed_at is not None else 0
    )
    print(
        f"{phase}: teachers={result['teachers']} told_checked_in={len(told)} "
        f"stored_by_code={stored['by_code']} "
        f"lost={len(lost)} duplicates={stored['duplicates']} refused={result['refused']} "
        f"register_marks={stored['marked']} | requests={total['n']} errors={total['errors']} "
        f"(refused check-ins {result['refused']}, failed requests {total['errors'] - result['refused']}) "
        f"p50_ms={total['p50']:.0f} p95_ms={total['p95']:.0f} | arrivals_seconds={result['seconds']:.0f}"
    )
    if result["refusals"]:
        print(f"{phase}: refusals seen: {'; '.join(result['refusals'][:5])}")
    static_ms, signed_in_ms = floors["static"] * 1000, floors["signed_in"] * 1000
    print(
        f"{phase}: raw lower bound: nginx static file p50_ms={static_ms:.1f}, cheapest signed-in page "
        f"p50_ms={signed_in_ms:.1f} | check-in p50 ratio={checkin['p50'] / signed_in_ms:.1f}x "
        f"(over the static file {checkin['p50'] / static_ms:.0f}x)"
    )
    if killed_at is not None:
        print(
            f"{phase}: errors after web-1 was killed={errors_after_kill} of {total['errors']}; check-ins "
            f"told ok after the kill={sum(1 for moment in result['ok_times'] if moment >= killed_at)}"
        )
    missed = bool(lost) or stored["duplicates"] > 0
    if phase == "start":
        missed |= total["errors"] > 0 or total["p95"] >= TARGET_P95_MS
    verdict = "MISSED" if missed else "ok"
    target = (
        "0 errors, p95<300ms, none lost" if phase == "start" else "none lost, the other server keeps serving"
    )
    print(f"{phase}: target {target}: {verdict}", flush=True)
    return 1 if missed else 0


# --- Setting up the data (in a child process with Django, in the box's environment) --------------------


def setup(plan_path: Path, teachers: int, sign_in_share: float) -> int:
    common.setup_django()
    import random
    from datetime import date, timedelta
    from decimal import Decimal
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.utils import timezone

    from peixun.core.bulk import insert_rows
    from peixun.delivery.models import DeliverySettings, Lesson
    from peixun.lib.idnumbers import make_valid_id
    from peixun.lib.pinyin import pinyin_keys
    from peixun.orgs.models import GrantRole, Person, RoleGrant
    from peixun.orgs.services import create_org
    from peixun.training.models import Cohort, Course, Enrolment, Project

    started = time.perf_counter()
    county = create_org(code="L320312", name="铜山区", kind="county")
    centre = create_org(code="L320312T", name="铜山区教师发展中心", kind="institution", parent=county)
    schools = [
        create_org(code=f"LS{i:04d}", name=f"铜山第{i + 1}小学", kind="school", parent=county)
        for i in range(20)
    ]
    trainees = teachers + CLASSES * NO_PHONE_PER_CLASS
    people = []
    for index in range(trainees + CLASSES):
        name = f"教师{index:04d}" if index < trainees else f"辅导员{index - trainees + 1}"
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
    # One Argon2 hash for every account (same password): the setup does not spend 1,000 hashes.
    encoded = make_password(PASSWORD)
    now = timezone.now()
    insert_rows(
        User,
        ["username", "password", "person_id", "is_active", "is_staff", "is_superuser", "first_name",
         "last_name", "email", "date_joined", "must_change_password"],
        [(f"t{p.pk}", encoded, p.pk, True, False, False, "", "", "", now, False) for p in people],
    )  # fmt: skip
    users = list(User.objects.filter(person__in=people).order_by("person_id"))
    tutors = users[trainees:]
    insert_rows(
        RoleGrant,
        ["user_id", "role", "org_id", "created_at"],
        [(u.pk, GrantRole.TEACHER, u.person.org_id, now) for u in users[:trainees]]
        + [(u.pk, GrantRole.TUTOR, centre.pk, now) for u in tutors],
    )
    project = Project.objects.create(
        organiser=centre, level="county", credit_class="A", fee_payer="school",
        title="新教师岗前培训（千人）", project_type="all_staff", category="knowledge_skills",
        mode="concentrated", hours_credited=Decimal("24"), starts_on=timezone.localdate() - timedelta(days=2),
        ends_on=timezone.localdate() + timedelta(days=20), capacity=trainees, places_taken=trainees,
        status="running",
    )  # fmt: skip
    project.audience.set([county])
    Course.objects.create(project=project, name="课程", hours=Decimal("24"), category="knowledge_skills")
    DeliverySettings.objects.create(project=project)
    cohorts = [
        Cohort.objects.create(project=project, number=n + 1, name=f"{n + 1}班", tutor_id=tutors[n].person_id)
        for n in range(CLASSES)
    ]
    trainee_people = people[:trainees]
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                project=project, person=p, school_id=p.org_id, status="enrolled", source="self",
                cohort=cohorts[i % CLASSES],
            )
            for i, p in enumerate(trainee_people)
        ],
        batch_size=1000,
    )  # fmt: skip
    enrolment_of = dict(Enrolment.objects.filter(project=project).values_list("person_id", "pk"))
    starts = now + timedelta(minutes=10)
    lessons = [
        Lesson.objects.create(
            project=project,
            topic=topic,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="报告厅",
        )
        for topic in ("开班典礼与师德专题", "课堂教学设计（二）")
    ]
    # Sessions signed in ahead, in the session store the servers use (Redis).
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    backend = "peixun.accounts.backends.IdentifierBackend"

    def session_for(user) -> str:
        store = store_class()
        store.update(
            {
                "_auth_user_id": str(user.pk),
                "_auth_user_backend": backend,
                "_auth_user_hash": user.get_session_auth_hash(),
                "last_seen": int(time.time()),
            }
        )
        store.create()
        return store.session_key

    rng = random.Random(2026)
    phones = users[:teachers]
    signing_in = set(rng.sample(range(teachers), round(teachers * sign_in_share)))
    no_phone = users[teachers:trainees]
    plan = {
        "project": project.pk,
        "lessons": [lesson.pk for lesson in lessons],
        "secrets": {str(lesson.pk): lesson.checkin_secret for lesson in lessons},
        "topics": {str(lesson.pk): lesson.topic for lesson in lessons},
        "code_period": DeliverySettings.objects.get(project=project).code_period,
        "password": PASSWORD,
        "cookie": settings.SESSION_COOKIE_NAME,
        "csrf": CSRF_TOKEN,
        "static_file": staticfiles_storage.url("css/peixun.css"),
        "signing_in": len(signing_in),
        "teachers": [
            {
                "username": user.username,
                "person": user.person_id,
                "session": session_for(user),
                "sign_in": index in signing_in,
            }
            for index, user in enumerate(phones)
        ],
        "tutors": [
            {
                "session": session_for(tutor),
                "marks": [
                    enrolment_of[user.person_id]
                    for user in no_phone
                    if Enrolment.objects.filter(pk=enrolment_of[user.person_id], cohort=cohorts[n]).exists()
                ],
            }
            for n, tutor in enumerate(tutors)
        ],
    }
    plan_path.write_text(json.dumps(plan))
    # The planner's statistics, as a database in service has them: without, whether autovacuum
    # analysed the new tables before or during the run changed the servers' work from run to run.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"# load_checkin: wrote {trainees} trainees, {CLASSES} tutors, 2 lessons and "
        f"{teachers + CLASSES} sessions in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
