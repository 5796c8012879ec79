"""The credit ledger at scale on PostgreSQL: 100,000 people × 30 entries (3,000,000 entries) in ten
counties of 10,000 people, under the `five-year-360` preset.

Prints, each on its own line:
- the full recompute (rollups rebuilt from the raw entries, everyone re-evaluated): target < 120 s;
- the overhead of one posting through `post_credit` (lock, insert, rollup upsert, re-evaluation,
  result upsert), p50/p95 over 200 postings, beside a bare INSERT of the same row;
- one county's compliance report page (10,000 people), server time through Django's test client,
  p95 over 30 requests: target < 300 ms;
- the same county aggregate — people and compliant people per school — by one hand-written SQL
  GROUP BY over the raw entries, p95, and the ratio report / SQL: target ≤ 2.

The database is BENCH_DATABASE_URL + "_ledger" (default …/peixun_bench_ledger). It is created and
filled (people and entries written with COPY, a few minutes) when missing or incomplete, and
reused otherwise.

    python -m bench.ledger [--people 100000] [--entries-per-person 30] [--refill]
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta

from bench import common

COUNTIES = 10
SCHOOLS_PER_COUNTY = 50
TARGET_RECOMPUTE_S = 120
TARGET_REPORT_P95_MS = 300
TARGET_RATIO = 2.0
POSTINGS = 200
REPORT_REQUESTS = 30


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--entries-per-person", type=int, default=30)
    parser.add_argument("--refill", action="store_true", help="Re-create the database even if it is filled.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.people, args.entries_per_person)

    url = common.bench_url("_ledger")
    reason = common.postgres_reachable(url)
    if reason:
        print(f"ledger SKIPPED: PostgreSQL unreachable at {url} ({reason})")
        return 0
    if args.refill or _entry_count(url) < args.people * args.entries_per_person:
        print(f"# ledger: filling {common.database_name(url)}", flush=True)
        common.recreate_database(url)
        common.manage(url, "migrate", "--no-input", "-v", "0")
    return common.run_child(
        "bench.ledger",
        url,
        "--child",
        "--people",
        str(args.people),
        "--entries-per-person",
        str(args.entries_per_person),
    )


def _entry_count(url: str) -> int:
    import psycopg

    if not common.database_exists(url):
        return 0
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute("SELECT count(*) FROM ledger_creditentry").fetchone()[0]
    except psycopg.errors.UndefinedTable:
        return 0


# --- In the child process -------------------------------------------------------------------------


def child(people: int, per_person: int) -> int:
    common.setup_django()
    from django.conf import settings

    from peixun.ledger.models import CreditEntry

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if CreditEntry.objects.count() < people * per_person:
        _fill(people, per_person)
    failures = 0
    failures += _recompute()
    failures += _postings()
    failures += _report()
    return 1 if failures else 0


def _fill(people: int, per_person: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from peixun.core.vault import vault
    from peixun.lib import idnumbers
    from peixun.orgs.models import GrantRole, Person, RoleGrant
    from peixun.orgs.services import create_org
    from peixun.policies import services as policy_services
    from peixun.policies.rules.presets import preset_text

    started = time.perf_counter()
    rng = random.Random(2026)
    province = create_org(code="B320000", name="基准省", kind="province", parent=None)
    schools = []
    for county_index in range(COUNTIES):
        county = create_org(
            code=f"B{county_index:02d}", name=f"基准县{county_index}", kind="county", parent=province
        )
        for school_index in range(SCHOOLS_PER_COUNTY):
            schools.append(
                create_org(
                    code=f"B{county_index:02d}S{school_index:03d}",
                    name=f"基准县{county_index}第{school_index}学校",
                    kind="school",
                    parent=county,
                )
            )
    admin = get_user_model().objects.create_user(username="bench_admin")
    RoleGrant.objects.create(user=admin, role=GrantRole.BUREAU_ADMIN, org=province)
    county_admin = get_user_model().objects.create_user(username="bench_county_admin")
    RoleGrant.objects.create(user=county_admin, role=GrantRole.BUREAU_ADMIN, org=schools[0].parent)
    version = policy_services.create_policy(
        org=province, text=preset_text("five-year-360"), effective_from=date(2021, 1, 1), actor=admin
    )
    version.status = "adopted"
    version.save(update_fields=["status"])

    box = vault()
    per_school = people // len(schools)
    titles = ["first"] * 5 + ["second"] * 3 + ["senior"] * 2
    batch = []
    for index in range(people):
        school = schools[min(index // per_school, len(schools) - 1)]
        gender = "female" if index % 3 else "male"
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 30))
        number = idnumbers.make_valid_id("320305", birth, index % 100, gender)
        person = Person(
            name=f"教师{index}",
            name_pinyin=f"jiaoshi{index}",
            name_initials="js",
            gender=gender,
            birth_date=birth,
            org_id=school.pk,
            section="primary",
            title=rng.choice(titles),
            roles=["head_teacher"] if index % 4 == 0 else [],
            hire_date=date(2005, 9, 1),
            status="active",
        )
        person.id_type = "resident_id"
        person.id_number_encrypted = box.encrypt(number)
        person.id_hash = box.lookup_hash("resident_id", f"{number}-{index}")
        person.id_masked = idnumbers.mask(number)
        person.id_tail = number[-4:]
        batch.append(person)
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    print(f"# ledger: {people} people in {time.perf_counter() - started:.0f} s", flush=True)

    started = time.perf_counter()
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    kinds = [
        ("ethics_literacy", "city", "concentrated", ",ethics,"),
        ("ethics_literacy", "county", "remote", ""),
        ("knowledge_skills", "county", "concentrated", ""),
        ("knowledge_skills", "school", "school_based", ""),
        ("practice", "school", "school_based", ",prescribed,"),
        ("practice", "county", "outreach", ""),
        ("knowledge_skills", "city", "blended", ",head_teacher_topic,"),
    ]
    start_day = date(2026, 1, 1)
    span = (date(2026, 11, 1) - start_day).days
    columns = (
        "person_id, hours, category, tags, level, mode, credit_class, earned_on, source, source_ref, "
        "title, organiser, idempotency_key, reason, created_at"
    )
    now = "2026-11-01 00:00:00+08"
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ledger_creditentry ({columns}) FROM STDIN") as copy,
    ):
        for person_id in ids:
            for number in range(per_person):
                category, level, mode, tags = kinds[rng.randrange(len(kinds))]
                day = start_day + timedelta(days=rng.randrange(span))
                copy.write_row(
                    (
                        person_id,
                        rng.choice((6, 12, 12, 18, 24)),
                        category,
                        tags,
                        level,
                        mode,
                        "A",
                        day,
                        "project",
                        "bench",
                        "基准培训",
                        "基准中心",
                        f"bench:{person_id}:{number}",
                        "",
                        now,
                    )
                )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"# ledger: {len(ids) * per_person} entries in {time.perf_counter() - started:.0f} s", flush=True)


def _recompute() -> int:
    from django.db import connection

    from peixun.ledger import compliance
    from peixun.ledger.models import ComplianceResult, CreditRollup

    started = time.perf_counter()
    count = compliance.rebuild(as_of=date(2026, 11, 23))
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_creditrollup")
        cursor.execute("VACUUM ANALYZE ledger_complianceresult")
    ok = seconds < TARGET_RECOMPUTE_S
    print(
        f"ledger recompute people={count} rollups={CreditRollup.objects.count()} "
        f"results={ComplianceResult.objects.count()} seconds={seconds:.1f} "
        f"| target<{TARGET_RECOMPUTE_S}s {'ok' if ok else 'MISSED'}",
        flush=True,
    )
    return 0 if ok else 1


def _postings() -> int:
    from django.db import connection, transaction

    from peixun.ledger.services import post_credit
    from peixun.orgs.models import Person

    rng = random.Random(7)
    people = list(Person.objects.order_by("?").select_related("org")[:POSTINGS])
    stamp = int(time.time())
    posting, bare = [], []
    for index, person in enumerate(people):
        started = time.perf_counter()
        post_credit(
            person=person,
            hours=rng.choice((6, 12)),
            category="practice",
            level="school",
            mode="school_based",
            earned_on=date(2026, 11, 2),
            source="school_based",
            title="基准登记",
            idempotency_key=f"bench-post:{stamp}:{index}",
        )
        posting.append(time.perf_counter() - started)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ledger_creditentry (person_id, hours, category, tags, level, mode, "
                "credit_class, earned_on, source, source_ref, title, organiser, idempotency_key, reason, "
                "created_at) "
                "VALUES (%s, 6, 'practice', '', 'school', 'school_based', 'A', '2026-11-02', 'school_based', "
                "'', '基准', '', %s, '', now())",
                [person.pk, f"bench-bare:{stamp}:{index}"],
            )
        bare.append(time.perf_counter() - started)
    print(f"ledger posting {common.summary_ms(posting)} | bare INSERT {common.summary_ms(bare)}", flush=True)
    return 0


def _report() -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from peixun.orgs.models import Org, Person

    user = get_user_model().objects.get(username="bench_county_admin")
    county = Org.objects.get(code="B00")
    people = Person.objects.filter(org__path__startswith=county.path).count()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    for _warm in range(3):
        client.get("/hours/compliance/")
    report = []
    for _ in range(REPORT_REQUESTS):
        started = time.perf_counter()
        response = client.get("/hours/compliance/")
        report.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"ledger: the report answered {response.status_code}")

    sql = """
        SELECT school_id, count(*), count(*) FILTER (WHERE total >= 360)
        FROM (
            SELECT p.org_id AS school_id, p.id, coalesce(sum(e.hours), 0) AS total
            FROM orgs_person p
            JOIN orgs_org o ON o.id = p.org_id
            LEFT JOIN ledger_creditentry e
              ON e.person_id = p.id AND e.earned_on BETWEEN '2026-01-01' AND '2026-11-23'
            WHERE o.path LIKE %s
            GROUP BY p.org_id, p.id
        ) per_person
        GROUP BY school_id
    """
    raw = []
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(sql, [county.path + "%"])
        for _ in range(REPORT_REQUESTS):
            started = time.perf_counter()
            cursor.execute(sql, [county.path + "%"])
            cursor.fetchall()
            raw.append(time.perf_counter() - started)
    report_p95 = common.percentile(report, 0.95) * 1000
    raw_p95 = common.percentile(raw, 0.95) * 1000
    ratio = report_p95 / raw_p95
    ok = report_p95 < TARGET_REPORT_P95_MS and ratio <= TARGET_RATIO
    verdict = "ok" if ok else "MISSED"
    print(
        f"ledger county_report people={people} {common.summary_ms(report)} "
        f"| sql_group_by {common.summary_ms(raw)} | ratio={ratio:.2f} "
        f"| target p95<{TARGET_REPORT_P95_MS}ms ratio<={TARGET_RATIO} {verdict}",
        flush=True,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
