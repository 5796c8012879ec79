"""A satisfaction survey's rush: 500 trainees answer the same survey within one minute, from
concurrent clients, against PostgreSQL — no answer lost, none counted twice, p95 < 300 ms.

Steps: (re)create BENCH_DATABASE_URL + "_survey", migrate, write one school of `--trainees`
teachers with their accounts, a running project with them enrolled in classes, a template (three
five-level items, a choice, an open question) and a survey open today (not timed). Then
`--processes` client processes, each signing its share of the trainees in (not timed), wait for a
common start and post every trainee's answers through the real view (Django's test client: URL
routing, session, middleware, the service) at random moments spread over `--window` seconds, each
from its own thread; one in ten trainees double-submits (a second post at the same moment), which
must be refused as already answered. Then the database is counted. Beside the figures is the raw
lower bound: the two plain SQL INSERTs an answer needs (who answered, the anonymous answers), one
transaction per answer, for the same number of trainees, with the ratio of the p50. Prints

    survey_rush trainees=… answered=… responses=… lost=… duplicates=… errors=… p50_ms=… p95_ms=…
        max_ms=… seconds=… | insert_lower_bound_ms=… ratio=…x | load=… | target p95<300ms ok|MISSED

    python -m bench.survey_rush [--trainees 500] [--window 60] [--processes 4] [--double 0.1]
"""

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import common

TARGET_P95_MS = 300


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=500)
    parser.add_argument("--window", type=float, default=60.0, help="Seconds the answers arrive over.")
    parser.add_argument("--processes", type=int, default=4, help="Client processes (threads inside).")
    parser.add_argument("--double", type=float, default=0.1, help="Share of trainees posting twice at once.")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--client", metavar="JSON", help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        return setup(args.trainees)
    if args.client:
        return client(json.loads(args.client))
    if args.count:
        return count(args.trainees)
    url = common.bench_url("_survey")
    reason = common.postgres_reachable(url)
    if reason is not None:
        print(f"# survey_rush: PostgreSQL unreachable ({reason}); skipped (it measures PostgreSQL)")
        return 0
    print(f"# survey_rush: preparing {common.database_name(url)}", flush=True)
    common.recreate_database(url)
    common.manage(url, "migrate", "--no-input", "-v", "0")
    if common.run_child("bench.survey_rush", url, "--setup", "--trainees", str(args.trainees)):
        return 1
    rng = random.Random(2026)
    people = list(range(args.trainees))
    rng.shuffle(people)
    # Time for every process to sign its share in (force_login, not timed) before the window opens.
    start_at = time.time() + 20 + 0.3 * args.trainees / args.processes
    with tempfile.TemporaryDirectory(prefix="peixun-bench-survey-") as tmp:
        children = []
        for index in range(args.processes):
            share = people[index :: args.processes]
            plan = [
                {"n": n, "at": rng.uniform(0, args.window), "twice": rng.random() < args.double}
                for n in share
            ]
            spec = {"plan": plan, "start_at": start_at, "out": str(Path(tmp) / f"{index}.json")}
            children.append(
                subprocess.Popen(  # noqa: S603 - our own interpreter and module
                    [sys.executable, "-m", "bench.survey_rush", "--client", json.dumps(spec)],
                    env=common.django_env(url),
                    cwd=common.ROOT,
                )
            )
        statuses = [child.wait() for child in children]
        latencies: list[float] = []
        results: dict[str, int] = {}
        for index in range(args.processes):
            path = Path(tmp) / f"{index}.json"
            if not path.exists():
                continue
            data = json.loads(path.read_text())
            latencies += data["latencies"]
            for key, value in data["results"].items():
                results[key] = results.get(key, 0) + value
    if any(statuses) or not latencies:
        print("survey_rush FAILED: a client process failed", statuses)
        return 1
    os.environ["SURVEY_RUSH_RESULTS"] = json.dumps(
        {"latencies": latencies, "results": results, "window": args.window}
    )
    return common.run_child("bench.survey_rush", url, "--count", "--trainees", str(args.trainees))


def setup(trainees: int) -> int:
    common.setup_django()
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from peixun.lib import idnumbers
    from peixun.orgs.models import Person
    from peixun.orgs.services import create_org
    from peixun.surveys import services
    from peixun.surveys.models import ItemKind, SurveyTemplate, TemplateItem
    from peixun.testing.factories import make_person, make_project
    from peixun.training.models import Cohort, Enrolment

    county = create_org(code="C320399", name="基准区", kind="county", parent=None)
    school = create_org(code="S320399001", name="基准实验学校", kind="school", parent=county)
    for n in range(trainees):
        birth = date(1970, 1, 1) + timedelta(days=n // 50)
        number = idnumbers.make_valid_id("320399", birth, n % 50, "female")
        make_person(school, f"学员{n:04d}", birth_date=birth, id_number=number)
    people = list(Person.objects.filter(org=school).order_by("id"))
    password = make_password(None)
    User = get_user_model()
    User.objects.bulk_create(
        [User(username=f"rush{n:04d}", person=p, password=password) for n, p in enumerate(people)],
        batch_size=500,
    )
    today = timezone.localdate()
    project = make_project(
        county, status="running", starts_on=today - timedelta(days=5), ends_on=today, capacity=trainees
    )
    cohorts = [Cohort.objects.create(project=project, number=i + 1, name=f"第{i + 1}班") for i in range(5)]
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                project=project,
                person=p,
                school=school,
                status="enrolled",
                source="self",
                cohort=cohorts[n % len(cohorts)],
            )
            for n, p in enumerate(people)
        ],
        batch_size=500,
    )
    template = SurveyTemplate.objects.create(org=county, name="结业满意度")
    for order, (kind, text, options) in enumerate(
        [
            (ItemKind.LIKERT, "总体满意度", []),
            (ItemKind.LIKERT, "课程内容", []),
            (ItemKind.LIKERT, "培训组织", []),
            (ItemKind.SINGLE, "课程难度", ["偏难", "适中", "偏易"]),
            (ItemKind.TEXT, "建议", []),
        ]
    ):
        TemplateItem.objects.create(
            template=template,
            order=order,
            kind=kind,
            text=text,
            options=options,
            required=kind != ItemKind.TEXT,
        )
    services.open_survey(
        project=project, template=template, opens_on=today, closes_on=today + timedelta(days=3), actor=None
    )
    return 0


def client(spec: dict) -> int:
    common.setup_django()
    from concurrent.futures import ThreadPoolExecutor

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from peixun.surveys.models import Survey

    logging.disable(logging.INFO)
    survey = Survey.objects.get()
    url = reverse("surveys:answer", args=[survey.pk])
    rng = random.Random(spec["start_at"])

    def form() -> dict:
        data = {}
        for item in survey.items:
            name = f"q{item['id']}"
            if item["kind"] == "likert":
                data[name] = rng.choice("55443")
            elif item["kind"] == "single":
                data[name] = rng.choice(item["options"])
            else:
                data[name] = "希望多一些课堂实录分析"
        return data

    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=[f"rush{e['n']:04d}" for e in spec["plan"]])
    }
    clients = []
    for entry in spec["plan"]:
        browser = Client(HTTP_HOST="127.0.0.1")
        browser.force_login(users[f"rush{entry['n']:04d}"])
        clients.append((entry, browser, form()))
        if entry["twice"]:
            twin = Client(HTTP_HOST="127.0.0.1")
            twin.cookies = browser.cookies
            clients.append((entry, twin, form()))
    connection.close()
    latencies: list[float] = []
    results: dict[str, int] = {}
    lock = threading.Lock()

    def post(job) -> None:
        entry, browser, data = job
        delay = spec["start_at"] + entry["at"] - time.time()
        if delay > 0:
            time.sleep(delay)
        started = time.perf_counter()
        response = browser.post(url, data, follow=False)
        elapsed = time.perf_counter() - started
        ok = response.status_code == 302 and response["Location"] == url
        message = "".join(str(m) for m in response.wsgi_request._messages) if ok else ""  # type: ignore[attr-defined]
        key = (
            "error"
            if not ok
            else ("already" if "已经填写" in message or "already" in message else "answered")
        )
        with lock:
            latencies.append(elapsed)
            results[key] = results.get(key, 0) + 1
        connection.close()

    # One thread a request in flight: arrivals are spread over the window, so few overlap.
    with ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(post, clients))
    Path(spec["out"]).write_text(json.dumps({"latencies": latencies, "results": results}))
    return 0


def count(trainees: int) -> int:
    common.setup_django()
    from django.db import connection, transaction

    from peixun.surveys.models import Respondent, Response, Survey

    data = json.loads(os.environ["SURVEY_RUSH_RESULTS"])
    latencies, results = data["latencies"], data["results"]
    logging.disable(logging.INFO)
    survey = Survey.objects.get()
    answered = Respondent.objects.filter(survey=survey).count()
    responses = Response.objects.filter(survey=survey).count()
    people = Respondent.objects.filter(survey=survey).values("person_id").distinct().count()
    lost = trainees - answered
    duplicates = (answered - people) + (responses - answered) + max(0, results.get("answered", 0) - trainees)
    errors = results.get("error", 0)
    # The raw lower bound: the two INSERTs of an answer, one transaction each, then undone.
    person_ids = list(Respondent.objects.filter(survey=survey).values_list("person_id", flat=True))
    other = Survey.objects.create(
        project=survey.project, title="下限", items=survey.items, year=survey.year,
        opens_on=survey.opens_on, closes_on=survey.closes_on,
    )  # fmt: skip
    answers = json.dumps({str(item["id"]): "5" for item in survey.items if item["kind"] == "likert"})
    bound: list[float] = []
    with connection.cursor() as cursor:
        for person_id in person_ids:
            started = time.perf_counter()
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO surveys_respondent (survey_id, person_id) VALUES (%s, %s)",
                    [other.pk, person_id],
                )
                cursor.execute(
                    "INSERT INTO surveys_response (id, survey_id, answers) "
                    "VALUES (gen_random_uuid(), %s, %s)",
                    [other.pk, answers],
                )
            bound.append(time.perf_counter() - started)
    other.delete()
    p50 = common.percentile(latencies, 0.5) * 1000
    p95 = common.percentile(latencies, 0.95) * 1000
    lower = common.percentile(bound, 0.5) * 1000 if bound else float("nan")
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    ok = lost == 0 and duplicates == 0 and errors == 0 and p95 < TARGET_P95_MS
    print(
        f"survey_rush trainees={trainees} answered={answered} responses={responses} lost={lost} "
        f"duplicates={duplicates} refused_double={results.get('already', 0)} errors={errors} "
        f"p50_ms={p50:.0f} p95_ms={p95:.0f} max_ms={max(latencies) * 1000:.0f} window_s={data['window']:.0f} "
        f"| insert_lower_bound_ms={lower:.1f} ratio={p50 / lower:.0f}x | load={load} "
        f"| target p95<{TARGET_P95_MS}ms {'ok' if ok else 'MISSED'}",
        flush=True,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
