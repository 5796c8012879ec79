"""The year-end school-based registration of 10,000 teachers accepted and posted to the ledger.

One school of `--teachers` teachers (a county policy: `five-year-360` with the yearly caps of
`school-based-24` included), an approved plan with a prescribed line (60 h) and a school-chosen
line (130 h, above the 120 h cap), and a submitted registration of two lines per teacher, all
written by COPY through peixun.core.bulk (not timed). Timed: the district's acceptance through
the service (`decide_registration`): the caps applied per teacher, the counted hours written back,
the entries COPied, the rollups rebuilt and everyone's compliance refreshed. Against the raw lower
bound: a COPY of the same entries into the ledger table (rolled back), which any posting must at
least do. Prints

    teachers=… entries=… seconds=… copy_lower_bound_s=… ratio=… not_counted_h=… again_posted=0 ok|FAILED

and checks that every teacher got two entries, 10 h per teacher were not counted, and a second
posting writes nothing. PostgreSQL at BENCH_DATABASE_URL + "_schoolbased" (recreated) when it
answers, else SQLite in a temporary folder.

    python -m bench.schoolbased [--teachers 10000]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench import common


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=10_000)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        return run(args.teachers)
    url = common.bench_url("_schoolbased")
    reason = common.postgres_reachable(url)
    with tempfile.TemporaryDirectory(prefix="peixun-bench-schoolbased-") as tmp:
        if reason is None:
            print(f"# schoolbased: preparing {common.database_name(url)}", flush=True)
            common.recreate_database(url)
        else:
            print(f"# schoolbased: PostgreSQL unreachable ({reason}); using SQLite", flush=True)
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        common.manage(url, "migrate", "--no-input", "-v", "0")
        return common.run_child("bench.schoolbased", url, "--run", "--teachers", str(args.teachers))


def _setup(teachers: int):
    from datetime import date, timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from peixun.core import bulk
    from peixun.lib import idnumbers
    from peixun.orgs.models import Person
    from peixun.orgs.services import create_org
    from peixun.policies import services as policy_services
    from peixun.policies.rules.presets import preset_text
    from peixun.schoolbased.models import (
        DistrictYear,
        PlanLine,
        PrescribedTopic,
        Registration,
        SchoolPlan,
        TeacherLine,
    )

    actor = get_user_model().objects.create_user(username="bench_county", password="x" * 16)
    county = create_org(code="C320313", name="基准区", kind="county", parent=None)
    school = create_org(code="S320313001", name="基准实验学校", kind="school", parent=county)
    text = preset_text("five-year-360") + "include: [school-based-24]\n"
    version = policy_services.create_policy(
        org=county, text=text, effective_from=date(2021, 1, 1), actor=actor
    )
    policy_services.adopt(version=version, actor=actor)
    people = []
    for index in range(teachers):
        person = Person(
            name=f"教师{index:05d}",
            name_pinyin=f"p{index:06d}",
            gender="female",
            birth_date=date(1985, 1, 1),
            org=school,
        )
        number = idnumbers.make_valid_id(
            "320313", date(1970, 1, 1) + timedelta(days=index // 100), index % 100, "female"
        )
        person.set_id_number("resident_id", number)
        people.append(person)
    Person.objects.bulk_create(people, batch_size=2000)
    today = timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    district = DistrictYear.objects.create(
        org=county, school_year=year, deadline=date(year + 1, 7, 15), created_by=actor
    )
    topic = PrescribedTopic.objects.create(
        district_year=district, title="师德专题", category="ethics_literacy", planned_hours=Decimal(60)
    )
    plan = SchoolPlan.objects.create(
        school=school, school_year=year, state="approved", version=1, created_by=actor
    )
    start = date(year, 9, 1)
    prescribed = PlanLine.objects.create(
        plan=plan,
        topic=topic,
        title=topic.title,
        category="ethics_literacy",
        planned_hours=Decimal(60),
        starts_on=start,
        ends_on=start,
    )
    own = PlanLine.objects.create(
        plan=plan,
        title="课堂观察与研讨",
        category="practice",
        planned_hours=Decimal(130),
        starts_on=start,
        ends_on=start,
    )
    registration = Registration.objects.create(plan=plan, state="submitted", deadline=district.deadline)
    ids = list(Person.objects.filter(org=school).values_list("pk", flat=True))
    rows = [
        (registration.pk, pk, line.pk, str(hours), start.isoformat(), "confirmed", "", "", "", "")
        for pk in ids
        for line, hours in ((prescribed, 60), (own, 130))
    ]
    bulk.insert_rows(
        TeacherLine,
        [
            "registration_id",
            "person_id",
            "line_id",
            "hours",
            "earned_on",
            "answer",
            "dispute_reason",
            "resolution",
            "evidence_name",
            "evidence_type",
        ],
        rows,
    )
    return actor, registration


def _copy_lower_bound(rows: list[tuple]) -> float:
    from django.db import transaction

    from peixun.core import bulk
    from peixun.ledger.models import CreditEntry
    from peixun.schoolbased.services import ENTRY_FIELDS

    started = time.perf_counter()
    with transaction.atomic():
        bulk.insert_rows(CreditEntry, ENTRY_FIELDS, rows)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def run(teachers: int) -> int:
    common.setup_django()
    from decimal import Decimal

    from django.db import transaction

    from peixun.ledger.models import CreditEntry
    from peixun.schoolbased import services

    actor, registration = _setup(teachers)
    started = time.perf_counter()
    posting = services.decide_registration(registration=registration, actor=actor, accept=True)
    seconds = time.perf_counter() - started
    entries = CreditEntry.objects.filter(source="school_based")
    rows = [
        (*row[:12], f"bound:{row[12]}", *row[13:])
        for row in entries.values_list(
            "person_id",
            "hours",
            "category",
            "tags",
            "level",
            "mode",
            "credit_class",
            "earned_on",
            "source",
            "source_ref",
            "title",
            "organiser",
            "idempotency_key",
            "author_id",
            "reason",
            "created_at",
        )
    ]
    copied = [
        (
            *row[:3],
            CreditEntry._meta.get_field("tags").get_prep_value(row[3]),
            *row[4:7],
            row[7].isoformat(),
            *row[8:],
        )
        for row in rows
    ]
    bound = min(_copy_lower_bound(copied) for _ in range(3))
    with transaction.atomic():
        again = services.post_registration(registration, actor=actor)
    count = entries.count()
    ok = count == 2 * teachers and posting.not_counted == Decimal(10) * teachers and again.posted == 0
    print(
        f"teachers={teachers} entries={count} seconds={seconds:.2f} copy_lower_bound_s={bound:.2f} "
        f"ratio={seconds / bound:.1f} not_counted_h={posting.not_counted} again_posted={again.posted} "
        f"{'ok' if ok else 'FAILED'}",
        flush=True,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
