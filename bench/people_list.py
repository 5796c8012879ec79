"""The people list (/orgs/people/) over the province demo region (~532,000 people, 7,000 orgs) on
PostgreSQL: server time of each request through Django's test client in-process (middleware, view,
queries, template), as a province bureau admin, a city bureau admin and a school coordinator, over
several pages, a pinyin search, an initials search and a section filter; and the number of queries
per page at page sizes 20, 50 and 100, which must not grow with the page size.

The database is BENCH_DATABASE_URL (default …/peixun_bench). It is created and filled with
`seed_demo --scale province` when missing or smaller than 500,000 people (a few minutes), and
reused otherwise. Target: p95 < 150 ms.

    python -m bench.people_list [--requests 50] [--reseed]
"""

import argparse
import sys
import time

from bench import common

MIN_PEOPLE = 500_000
TARGET_P95_MS = 150
PAGE_SIZES = (20, 50, 100)
SCENARIOS = (
    ("page1", {}),
    ("page7", {"page": 7}),
    ("per_page100", {"per_page": 100}),
    ("pinyin", {"q": "wangfang"}),
    ("initials", {"q": "zxm"}),
    ("section", {"section": "junior"}),
    ("section_page3", {"section": "junior", "page": 3}),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="Timed requests per scenario and role.")
    parser.add_argument("--reseed", action="store_true", help="Re-create the database even if it is filled.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.requests)

    url = common.bench_url()
    reason = common.postgres_reachable(url)
    if reason:
        print(f"people_list SKIPPED: PostgreSQL unreachable at {url} ({reason})")
        return 0
    people = _people_count(url)
    if args.reseed or people < MIN_PEOPLE:
        print(
            f"# people_list: filling {common.database_name(url)} with seed_demo --scale province", flush=True
        )
        started = time.perf_counter()
        common.recreate_database(url)
        common.manage(url, "migrate", "--no-input", "-v", "0")
        common.manage(url, "seed_demo", "--scale", "province")
        common.manage(url, "dbshell", "--", "-c", "VACUUM ANALYZE")
        print(f"# people_list: database filled in {time.perf_counter() - started:.0f} s", flush=True)
    return common.run_child("bench.people_list", url, "--child", "--requests", str(args.requests))


def _people_count(url: str) -> int:
    import psycopg

    if not common.database_exists(url):
        return 0
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("SELECT count(*) FROM orgs_person").fetchone()[0]
    except psycopg.errors.UndefinedTable:
        return 0


# --- In the child process (Django set up against the benchmark database) -------------------------


def child(requests: int) -> int:
    common.setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from peixun.orgs.models import GrantRole, Org, Person, RoleGrant

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    User = get_user_model()
    people = Person.objects.count()
    city_admin, _created = User.objects.get_or_create(username="bench_city_admin")
    RoleGrant.objects.get_or_create(
        user=city_admin, role=GrantRole.BUREAU_ADMIN, org=Org.objects.get(code="320300")
    )
    accounts = (
        ("bureau_admin@province", User.objects.get(username="admin")),
        ("bureau_admin@city", city_admin),
        ("school_coordinator", User.objects.get(username="school")),
    )
    failed = False
    for label, user in accounts:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        timings: list[float] = []
        for name, params in SCENARIOS:
            for _warm in range(2):
                _get(client, params)
            seconds = [_get(client, params) for _ in range(requests)]
            timings.extend(seconds)
            print(f"  people_list role={label} scenario={name} {common.summary_ms(seconds)}", flush=True)
        queries = []
        for size in PAGE_SIZES:
            with CaptureQueriesContext(connection) as captured:
                _get(client, {"per_page": size})
            queries.append(len(captured.captured_queries))
        p95 = common.percentile(timings, 0.95) * 1000
        constant = len(set(queries)) == 1
        verdict = "ok" if p95 < TARGET_P95_MS and constant else "MISSED"
        failed |= verdict != "ok"
        print(
            f"people_list people={people} role={label} {common.summary_ms(timings)} "
            f"queries(20/50/100)={'/'.join(map(str, queries))} "
            f"| target p95<{TARGET_P95_MS} and constant queries {verdict}",
            flush=True,
        )
    return 1 if failed else 0


def _get(client, params: dict) -> float:
    started = time.perf_counter()
    response = client.get("/orgs/people/", params)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"people_list: {params} answered {response.status_code}")
    return seconds


if __name__ == "__main__":
    sys.exit(main())
