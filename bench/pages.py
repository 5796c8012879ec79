"""Pages and actions of every role, signed in: the server time of each request through Django's
test client in-process (middleware, session, view, queries, template — what the server spends;
network and static files are not the app's and would only add noise on a shared machine), on two
databases:

- demo: `seed_demo --scale small` on SQLite (a temporary file), as `make run` serves it;
- 100k: PostgreSQL BENCH_DATABASE_URL + "_pages" — `seed_demo --scale small`, then people added
  to the demo county by COPY (peixun.core.bulk) up to `--people` (100,000) in extra schools, so the
  bureau and centre see a county of 100,000 teachers. Filled when missing or smaller, reused
  otherwise (`--reseed` to fill it again).

For each demo account (teacher, tutor, school coordinator, centre staff, bureau admin) it requests
every page of the role's menu and the pages it works in most (a running project, its lessons,
register, coursework, results, a class, a submission), `--requests` times each after two warm-up
requests, and prints one table row per page:

    page  role  n  median_ms  p95_ms  queries  ratio

`queries` is the number of SQL queries of one request; `ratio` is the median over the raw lower
bound: the median of the cheapest signed-in request through the same stack (the sign-in page
asked for again by a signed-in user: middleware, session and user, one small template).

Sign-in is timed separately (POST of the login form, password hashed as in production) beside
its lower bound, one password check alone. Then the actions that recompute a class: closing a
lesson (结束课次: every trainee not marked becomes absent), marking one trainee in the register,
saving a whole register (everyone present) and grading one submission, in a class of 100
trainees and in one of 1,000 (where closing or saving hands the recompute to a background run,
peixun.assessment.services).

Targets: p95 < 300 ms for every page and action; sign-in p95 < 500 ms.

    python -m bench.pages [--requests 20] [--only demo|pg] [--people 100000] [--reseed]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench import common

TARGET_P95_MS = 300
SIGN_IN_TARGET_P95_MS = 500
DEFAULT_PEOPLE = 100_000
EXTRA_SCHOOL_SIZE = 160
CLASS_SIZES = (100, 1000)
ROLES = (
    ("teacher", "teacher"),
    ("tutor", "tutor"),
    ("school", "school coordinator"),
    ("centre", "centre staff"),
    ("admin", "bureau admin"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="Timed requests per page and role.")
    parser.add_argument("--only", choices=("demo", "pg"), help="One of the two databases.")
    parser.add_argument(
        "--people", type=int, default=DEFAULT_PEOPLE, help="People in the PostgreSQL database."
    )
    parser.add_argument("--reseed", action="store_true", help="Fill the PostgreSQL database again.")
    parser.add_argument("--child", metavar="LABEL", help=argparse.SUPPRESS)
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fill:
        return fill(args.fill)
    if args.child:
        return child(args.child, args.requests)

    status = 0
    if args.only != "pg":
        with tempfile.TemporaryDirectory(prefix="peixun-bench-pages-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'demo.sqlite3'}"
            print("# pages: seeding the small demo on SQLite", flush=True)
            common.manage(url, "migrate", "--no-input", "-v", "0")
            common.manage(url, "seed_demo", "--scale", "small", "-v", "0")
            status |= common.run_child(
                "bench.pages", url, "--child", "demo", "--requests", str(args.requests)
            )
    if args.only != "demo":
        status |= _postgres(args)
    return status


def _postgres(args: argparse.Namespace) -> int:
    url = common.bench_url("_pages")
    reason = common.postgres_reachable(url)
    if reason:
        print(f"pages SKIPPED on PostgreSQL: unreachable at {url} ({reason})")
        return 0
    people = _people_count(url)
    if args.reseed or people < args.people:
        print(f"# pages: filling {common.database_name(url)} with {args.people} people", flush=True)
        started = time.perf_counter()
        common.recreate_database(url)
        common.manage(url, "migrate", "--no-input", "-v", "0")
        common.manage(url, "seed_demo", "--scale", "small", "-v", "0")
        status = common.run_child("bench.pages", url, "--fill", str(args.people))
        if status:
            return status
        common.manage(url, "dbshell", "--", "-c", "VACUUM ANALYZE")
        print(f"# pages: database filled in {time.perf_counter() - started:.0f} s", flush=True)
        people = _people_count(url)
    else:
        # Reused: brought up to the code's migrations first (a new column would fail the build).
        common.manage(url, "migrate", "--no-input", "-v", "0")
    return common.run_child(
        "bench.pages", url, "--child", f"{people // 1000}k", "--requests", str(args.requests)
    )


def _people_count(url: str) -> int:
    import psycopg

    if not common.database_exists(url):
        return 0
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("SELECT count(*) FROM orgs_person").fetchone()[0]
    except psycopg.errors.UndefinedTable:
        return 0


# --- Filling the PostgreSQL database (a child process) ------------------------------------------


def fill(target: int) -> int:
    """Add schools to the demo county and people to them by COPY until there are `target`."""
    common.setup_django()
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from peixun.core.bulk import insert_rows
    from peixun.demo import plan
    from peixun.demo.region import _person
    from peixun.orgs.models import PATH_SEGMENT, Org, OrgKind, Person

    county = Org.objects.filter(kind=OrgKind.COUNTY).order_by("pk").first()
    missing = target - Person.objects.count()
    if county is None or missing <= 0:
        return 0
    # Numbers already given stay unique: the generator is told the ones in the database.
    taken = {person.reveal_id_number() for person in Person.objects.only("id_number_encrypted")}
    mobiles = set(Person.objects.exclude(mobile="").values_list("mobile", flat=True))
    generator = plan.PeopleGenerator(
        plan.make_rng(7), today=timezone.localdate(), taken_ids=taken, taken_mobiles=mobiles
    )
    types = [name for name in plan.SCHOOL_TYPES if name != "vocational"]
    next_pk = (Org.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    schools, specs = [], []
    for index in range(-(-missing // EXTRA_SCHOOL_SIZE)):
        code, pk = f"B{county.code}{index:05d}", next_pk + index
        schools.append(
            Org(pk=pk, code=code, name=f"{county.name}第{index + 1}基准学校", kind=OrgKind.SCHOOL,
                parent=county, path=county.path + PATH_SEGMENT.format(pk), depth=county.depth + 1)
        )  # fmt: skip
        specs.append(
            plan.OrgSpec(
                code=code,
                name="",
                kind="school",
                parent_code=county.code,
                area_code=county.code[-6:],
                school_type=types[index % len(types)],
                size=min(EXTRA_SCHOOL_SIZE, missing - index * EXTRA_SCHOOL_SIZE),
            )
        )
    fields = [
        "name", "name_pinyin", "name_initials", "gender", "birth_date", "id_type", "id_number_encrypted",
        "id_hash", "id_masked", "id_tail", "mobile", "org_id", "section", "subjects", "title", "roles",
        "hire_date", "status", "teacher_cert_no", "created_at", "updated_at",
    ]  # fmt: skip
    prepared = {name: Person._meta.get_field(name).get_prep_value for name in ("subjects", "roles")}
    now = timezone.now()
    with transaction.atomic():
        Org.objects.bulk_create(schools, batch_size=1000)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Org]):
                cursor.execute(statement)
        by_code = {school.code: school for school in schools}
        batch: list[tuple] = []
        written = 0
        for spec in plan.generate_people(specs, generator):
            person = _person(spec, by_code[spec.org_code])
            person.created_at = person.updated_at = now
            batch.append(
                tuple(prepared[name](getattr(person, name)) if name in prepared else getattr(person, name)
                      for name in fields)
            )  # fmt: skip
            if len(batch) == 5000:
                written += insert_rows(Person, fields, batch)
                batch = []
        written += insert_rows(Person, fields, batch)
    print(f"# pages: {len(schools)} schools, {written} people added to {county.name}", flush=True)
    return 0


# --- Timing (a child process, Django set up against the database) --------------------------------


def child(label: str, requests: int) -> int:
    common.setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from peixun.orgs.models import Person
    from peixun.testing import second_factor

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    people = Person.objects.count()
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=[u for u, _r in ROLES])
    }
    print(f"# pages: {label}: {people} people; building classes of {CLASS_SIZES}", flush=True)
    classes = {size: _class_project(size, users["tutor"], extra=requests + 3) for size in CLASS_SIZES}
    from peixun import wsgi  # as the server loads the app: settled once it is loaded

    wsgi.settle()
    clients = {}
    for username, _role in ROLES:
        clients[username] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        clients[username].force_login(users[username])
        # Administrators work with the second factor passed, as after a real sign-in.
        second_factor.mark_verified(clients[username], users[username])

    floor = _floor(clients["teacher"], requests)
    rows = []
    for username, role in ROLES:
        for page, url in _pages(users[username], classes[CLASS_SIZES[0]]):
            url = _landing(clients[username], url)
            rows.append((page, role, *_time_get(clients[username], url, requests)))
    for size in CLASS_SIZES:
        rows.extend(_actions(clients["tutor"], classes[size], size, requests))
    failed = _print_table(label, rows, floor)
    failed |= _sign_in(label, users["teacher"].username, requests)
    failed |= _background(label, classes[CLASS_SIZES[-1]])
    return 1 if failed else 0


def _floor(client, requests: int) -> float:
    """The cheapest signed-in request through the whole stack: the sign-in page, asked again."""
    seconds, _queries = _timed(client, "get", "/accounts/login/", requests, ok=(200, 302))
    return _median(seconds)


def _timed(client, method: str, url: str, requests: int, *, data=None, headers=None, ok=(200,), vary=None):
    """`requests` timed requests after two warm-ups; (seconds, queries of one request). `vary`
    gives each request its own (url, data) when a request may not be repeated."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def one(index: int) -> float:
        target, payload = vary(index) if vary else (url, data)
        started = time.perf_counter()
        response = getattr(client, method)(target, payload, headers=headers or {})
        seconds = time.perf_counter() - started
        if response.status_code not in ok:
            raise SystemExit(f"pages: {method.upper()} {target} answered {response.status_code}")
        return seconds

    for index in range(2):
        one(index)
    connection.queries_log.clear()  # a full log (its maximum length) would count nothing new
    with CaptureQueriesContext(connection) as captured:
        one(2)
    queries = len(captured.captured_queries)  # read now: the next request empties the log
    return [one(index) for index in range(3, requests + 3)], queries


def _landing(client, url: str) -> str:
    """Where a menu item lands: a page that sends the user on (我的档案 → the teacher's own file)
    is timed at the page it leads to, as the user sees it."""
    response = client.get(url)
    if response.status_code in (301, 302) and response["Location"].startswith("/"):
        return response["Location"]
    return url


def _time_get(client, url: str, requests: int) -> tuple[int, float, float, int]:
    seconds, queries = _timed(client, "get", url, requests)
    return len(seconds), _median(seconds), common.percentile(seconds, 0.95), queries


def _median(seconds: list[float]) -> float:
    import statistics

    return statistics.median(seconds)


def _pages(user, world: dict) -> list[tuple[str, str]]:
    """The role's menu, then the pages it works in most."""
    from django.urls import reverse

    from peixun.site.navigation import NAV_ITEMS, _shown

    pages = [(name, reverse(name)) for name, _label, _icon, perm in NAV_ITEMS if _shown(user, perm)]
    project, lesson, assignment = world["project"].pk, world["lesson"].pk, world["assignment"].pk
    extra = {
        "teacher": [
            ("delivery:my-project", [world["demo_project"]]),
        ],
        "tutor": [
            ("delivery:lesson", [lesson]),
            ("delivery:attendance", [project]),
            ("delivery:assignment", [assignment]),
            ("delivery:submission", [world["submissions"][-1].pk]),
            ("training:cohort-detail", [world["cohort"].pk]),
        ],
        "school": [("training:project-detail", [project])],
        "centre": [
            ("training:project-detail", [project]),
            ("training:project-enrolments", [project]),
            ("delivery:lessons", [project]),
            ("delivery:lesson", [lesson]),
            ("delivery:attendance", [project]),
            ("delivery:assignment", [assignment]),
            ("assessment:results", [project]),
        ],
        "admin": [("training:project-detail", [project]), ("assessment:results", [project])],
    }[user.username]
    return pages + [(name, reverse(name, args=args)) for name, args in extra]


def _class_project(size: int, tutor, *, extra: int) -> dict:
    """A running project of the county's training centre with one class of `size` trainees tutored
    by the demo tutor: six lessons held and marked, `extra` held but not yet closed (four in five
    checked in), `extra` more held with nobody marked (registers to save), one open today, and one
    assignment everyone handed in (written in bulk, not timed)."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from peixun.assessment import services as assessment_services
    from peixun.delivery.models import (
        Assignment,
        Attendance,
        DeliverySettings,
        Lesson,
        LessonStatus,
        Submission,
    )
    from peixun.orgs.models import Org, OrgKind, Person, PersonStatus
    from peixun.training.models import Cohort, Enrolment, Project

    rng = random.Random(size)
    centre = Org.objects.filter(kind=OrgKind.INSTITUTION).order_by("pk").first()
    county = next(org for org in centre.ancestors() if org.kind == OrgKind.COUNTY)
    now = timezone.now()
    today = timezone.localdate()
    project = Project.objects.create(
        organiser=centre, level="county", credit_class="A", fee_payer="school",
        title=f"基准研修班（{size}人）", project_type="backbone", category="knowledge_skills",
        mode="concentrated", hours_credited=Decimal("24"), starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=20), capacity=size, places_taken=size, status="running",
    )  # fmt: skip
    project.audience.set([county])
    DeliverySettings.objects.create(project=project)
    cohort = Cohort.objects.create(project=project, number=1, name="基准1班", tutor_id=tutor.person_id)
    pool = (
        Person.objects.filter(
            org__path__startswith=county.path, org__kind=OrgKind.SCHOOL, status=PersonStatus.ACTIVE
        )
        .exclude(pk=tutor.person_id)
        .order_by("pk")[:size]
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                project=project, person=p, school_id=p.org_id, status="enrolled", source="self", cohort=cohort
            )
            for p in pool
        ]
    )
    enrolments = list(Enrolment.objects.filter(project=project).order_by("pk"))

    def lesson(day: int, status: str) -> Lesson:
        starts = now + timedelta(days=day)
        ends = starts + timedelta(hours=2)
        closed = ends if status == LessonStatus.CLOSED else None
        return Lesson(
            project=project, cohort=cohort, topic=f"第{day + 30}讲", starts_at=starts, ends_at=ends,
            status=status, closed_at=closed,
        )  # fmt: skip

    Lesson.objects.bulk_create(
        [lesson(-15 + i, LessonStatus.CLOSED) for i in range(6)]
        + [lesson(-8, LessonStatus.SCHEDULED) for _ in range(extra)]
        + [lesson(-7, LessonStatus.SCHEDULED) for _ in range(extra)]
        + [lesson(0, LessonStatus.SCHEDULED)]
    )
    lessons = list(Lesson.objects.filter(project=project).order_by("starts_at", "pk"))
    held, closing, today_lesson = lessons[:6], lessons[6 : 6 + extra], lessons[-1]
    registers = lessons[6 + extra : -1]  # nobody marked: each saved once, everyone present
    marks = []
    for item in held + closing:
        for enrolment in enrolments:
            roll = rng.random()
            if item in closing and roll > 0.8:
                continue  # not checked in: absent when the lesson is closed
            status = "present" if roll < 0.9 else rng.choice(["late", "absent", "leave_official"])
            marks.append(Attendance(lesson=item, enrolment=enrolment, status=status, method="code"))
    Attendance.objects.bulk_create(marks, batch_size=2000)
    assignment = Assignment.objects.create(
        project=project, title="教学设计", kind="lesson_design", due_at=now - timedelta(days=1)
    )
    Submission.objects.bulk_create(
        [Submission(assignment=assignment, enrolment=e, text="教学设计正文。" * 40, char_count=280,
                    status="submitted", submitted_at=now - timedelta(days=2)) for e in enrolments]
    )  # fmt: skip
    assessment_services.recompute(project=project)
    demo_project = Project.objects.filter(status="running", lessons__isnull=False).order_by("pk").first()
    return {
        "project": project,
        "cohort": cohort,
        "enrolments": enrolments,
        "lesson": today_lesson,
        "closing": closing,
        "registers": registers,
        "assignment": assignment,
        "submissions": list(Submission.objects.filter(assignment=assignment).order_by("pk")),
        "demo_project": demo_project.pk,
    }


def _actions(client, world: dict, size: int, requests: int) -> list[tuple]:
    """The tutor's actions on a class of `size`: close a lesson, mark one trainee (HTMX, as the
    register does), save a whole register (everyone present), grade one submission — each request
    on its own lesson, trainee or work."""
    hx = {"HX-Request": "true"}
    closing, enrolments, submissions = world["closing"], world["enrolments"], world["submissions"]
    registers = world["registers"]
    lesson = world["lesson"].pk
    rows = []
    for name, method, vary, headers, ok in (
        (
            "action: close lesson",
            "post",
            lambda i: (f"/delivery/lessons/{closing[i].pk}/close/", {}),
            None,
            (302,),
        ),
        (
            "action: mark one trainee",
            "post",
            lambda i: (
                f"/delivery/lessons/{lesson}/mark/{enrolments[i % len(enrolments)].pk}/",
                {"status": ("present", "absent")[(i // len(enrolments)) % 2]},
            ),
            hx,
            (200,),
        ),
        (
            "action: save register",
            "post",
            lambda i: (f"/delivery/lessons/{registers[i].pk}/register/", {}),
            None,
            (302,),
        ),
        (
            "action: grade one submission",
            "post",
            lambda i: (
                f"/delivery/submissions/{submissions[i].pk}/grade/",
                {"score": str(60 + i % 40), "comment": "好"},
            ),
            None,
            (302,),
        ),
    ):
        seconds, queries = _timed(client, method, "", requests, headers=headers, ok=ok, vary=vary)
        rows.append(
            (
                f"{name} ({size})",
                "tutor",
                len(seconds),
                _median(seconds),
                common.percentile(seconds, 0.95),
                queries,
            )
        )
    return rows


def _print_table(label: str, rows: list[tuple], floor: float) -> bool:
    print(
        f"\npages on {label} (floor: a signed-in request of the sign-in page, median {floor * 1000:.1f} ms)"
    )
    header = f"{'page':<44} {'role':<19} {'n':>3} {'median_ms':>9} {'p95_ms':>7} {'queries':>7} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    failed = False
    for page, role, n, median, p95, queries in rows:
        verdict = "" if p95 * 1000 < TARGET_P95_MS else "  MISSED"
        failed |= bool(verdict)
        print(
            f"{page:<44} {role:<19} {n:>3} {median * 1000:>9.0f} {p95 * 1000:>7.0f} {queries:>7} "
            f"{median / floor:>5.1f}x{verdict}"
        )
    slowest = max(rows, key=lambda row: row[4])
    print(
        f"pages {label} rows={len(rows)} slowest_p95_ms={slowest[4] * 1000:.0f} ({slowest[0]}, {slowest[1]}) "
        f"| target p95<{TARGET_P95_MS} {'MISSED' if failed else 'ok'}",
        flush=True,
    )
    return failed


def _sign_in(label: str, username: str, requests: int) -> bool:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password
    from django.test import Client

    from peixun.demo.region import DEMO_PASSWORD

    encoded = get_user_model().objects.get(username=username).password
    bound = []
    for _ in range(requests):
        started = time.perf_counter()
        check_password(DEMO_PASSWORD, encoded)
        bound.append(time.perf_counter() - started)
    seconds = []
    for index in range(requests + 2):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        started = time.perf_counter()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        elapsed = time.perf_counter() - started
        if response.status_code != 302:
            raise SystemExit(f"pages: sign-in answered {response.status_code}")
        if index >= 2:
            seconds.append(elapsed)
    p95 = common.percentile(seconds, 0.95) * 1000
    verdict = "ok" if p95 < SIGN_IN_TARGET_P95_MS else "MISSED"
    print(
        f"sign_in {label} {common.summary_ms(seconds)} | password_check_ms={_median(bound) * 1000:.0f} "
        f"| ratio={_median(seconds) / _median(bound):.1f}x | target p95<{SIGN_IN_TARGET_P95_MS} {verdict}",
        flush=True,
    )
    return verdict != "ok"


def _background(label: str, world: dict) -> bool:
    """What a worker does after a change touched the whole of the big class: its results
    recomputed as the background run's task does (chunks of 100, each in its own transaction),
    beside the raw lower bound — the same recompute in one go, one transaction."""
    from django.db import transaction

    from peixun.assessment import services
    from peixun.assessment.models import ResultsRun

    project = world["project"]
    project.refresh_from_db()
    ids = [e.pk for e in world["enrolments"]]
    with transaction.atomic():
        run = services.recompute_soon(project=project, enrolment_ids=ids)
    if run is None:
        print(
            f"background {label}: class of {len(ids)} recomputed in the request "
            f"(limit {services.inline_limit()}) MISSED"
        )
        return True
    ResultsRun.objects.filter(pk=run.pk).update(state="cancelled")  # the benchmark does its work here
    started = time.perf_counter()
    services.recompute_in_chunks(run=run)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    services.recompute(project=project)
    bound = time.perf_counter() - started
    print(
        f"background {label} class={len(ids)} seconds={seconds:.2f} | one_transaction_s={bound:.2f} "
        f"| ratio={seconds / bound:.1f}x | queued in the request: yes",
        flush=True,
    )
    return False


if __name__ == "__main__":
    sys.exit(main())
