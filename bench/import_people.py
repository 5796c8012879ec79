"""Roster import of 50,000 new people, end to end (read the xlsx, validate, write), on SQLite (a
temporary file database in WAL mode) and on PostgreSQL (BENCH_DATABASE_URL's database name +
"_import", dropped and re-created), beside the raw lower bound: PostgreSQL COPY of the same rows,
with the same prepared column values (pinyin, encrypted ID, keyed hash …), into the same table.

Each database gets the small demo region first (its 20 schools are the file's 单位代码), so the
import also checks its rows against 1,000 people already there. Target: ≥ 10,000 rows/s.

    python -m bench.import_people [--rows 50000]
"""

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench import common

TARGET_ROWS_PER_S = 10_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.rows)

    failures = 0
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="peixun-bench-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            failures += common.run_child("bench.import_people", url, "--child", "--rows", str(args.rows)) != 0
    if args.only in (None, "postgresql"):
        url = common.bench_url("_import")
        reason = common.postgres_reachable(url)
        if reason:
            print(f"import_people db=postgresql SKIPPED: PostgreSQL unreachable at {url} ({reason})")
        else:
            common.recreate_database(url)
            failures += common.run_child("bench.import_people", url, "--child", "--rows", str(args.rows)) != 0
    return 1 if failures else 0


# --- In the child process (Django set up against one database) ------------------------------------


def child(rows: int) -> int:
    common.setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from peixun.orgs.imports import ImportRejected, apply_people_file
    from peixun.orgs.models import Person

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--scale", "small", "--once", verbosity=0)
    vendor = connection.vendor
    started = time.perf_counter()
    people = _new_people(rows)
    data = _workbook(people)
    print(
        f"# import_people db={vendor}: file of {rows} rows, {len(data) / 1e6:.1f} MB, "
        f"built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    copy_part = ""
    if vendor == "postgresql":
        copy_seconds = _copy_lower_bound(people)
        copy_part = f" | copy seconds={copy_seconds:.2f} rows_per_s={rows / copy_seconds:.0f}"

    before = Person.objects.count()
    actor = get_user_model().objects.get(username="admin")
    started = time.perf_counter()
    try:
        summary = apply_people_file(data, "bench.xlsx", scope_orgs=None, actor=actor)
    except ImportRejected as rejected:
        print(f"import_people db={vendor} FAILED: {rejected.summary.errors[:3]}")
        return 1
    seconds = time.perf_counter() - started
    created = Person.objects.count() - before
    if summary.created != rows or created != rows:
        print(f"import_people db={vendor} FAILED: created {summary.created} (counted {created}), not {rows}")
        return 1
    rate = rows / seconds
    line = f"import_people rows={rows} db={vendor} seconds={seconds:.2f} rows_per_s={rate:.0f}{copy_part}"
    if copy_part:
        line += f" | ratio={seconds / copy_seconds:.1f}x"
    line += f" | target>={TARGET_ROWS_PER_S} {'ok' if rate >= TARGET_ROWS_PER_S else 'MISSED'}"
    print(line, flush=True)
    return 0


def _new_people(rows: int):
    """`rows` new people for the demo county's schools, none clashing with those already stored."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from peixun.demo import plan as demo
    from peixun.orgs.models import Person

    specs = demo.plan_tree(demo.SCALES["small"], demo.make_rng(2026))  # the seeded region's plan
    schools = [spec for spec in specs if spec.kind == "school"]
    total = sum(spec.size for spec in schools)
    sized = [replace(spec, size=spec.size * rows // total) for spec in schools]
    sized[0] = replace(sized[0], size=sized[0].size + rows - sum(spec.size for spec in sized))
    stored = Person.objects.only("id_number_encrypted", "mobile")
    taken_ids = {person.reveal_id_number() for person in stored}
    taken_mobiles = {person.mobile for person in stored}
    generator = demo.PeopleGenerator(
        demo.make_rng(50_000),
        today=datetime.now(tz=ZoneInfo("Asia/Shanghai")).date(),
        taken_ids=taken_ids,
        taken_mobiles=taken_mobiles,
    )
    return list(demo.generate_people(sized, generator))


def _workbook(people) -> bytes:
    """The roster as a user would fill in the template: every cell text, Chinese words."""
    from peixun.lib.xlsx import Sheet, write_workbook
    from peixun.orgs import vocabulary as vocab
    from peixun.orgs.imports.people import TEMPLATE_COLUMNS

    rows = [
        (
            p.name,
            vocab.GENDER.word_for(p.gender),
            vocab.ID_TYPE.word_for("resident_id"),
            p.id_number,
            p.mobile,
            p.org_code,
            vocab.SECTION.word_for(p.section),
            "、".join(p.subjects),
            vocab.TITLE.word_for(p.title),
            vocab.ROLE.words_for(p.roles),
            p.hire_date.isoformat() if p.hire_date else "",
            vocab.STATUS.word_for(p.status),
        )
        for p in people
    ]
    return write_workbook([Sheet("花名册", list(TEMPLATE_COLUMNS), rows)])


def _copy_lower_bound(people) -> float:
    """Seconds to COPY the rows (values prepared beforehand, as the import prepares them) into
    orgs_person and commit. The rows are deleted again (and the table vacuumed) before the import."""
    from django.db import connection, transaction
    from django.utils import timezone

    from peixun.core.fields import join_codes
    from peixun.core.vault import vault
    from peixun.lib import idnumbers
    from peixun.lib.pinyin import pinyin_keys
    from peixun.orgs.models import Org, Person

    box = vault()
    org_ids = dict(Org.objects.values_list("code", "pk"))
    now = timezone.now()
    fields = [field for field in Person._meta.concrete_fields if not field.primary_key]
    prepared = []
    for p in people:
        full, initials = pinyin_keys(p.name)
        values = {
            "name": p.name,
            "name_pinyin": full,
            "name_initials": initials,
            "gender": p.gender,
            "birth_date": p.birth_date,
            "id_type": "resident_id",
            "id_number_encrypted": box.encrypt(p.id_number),
            "id_hash": box.lookup_hash("resident_id", p.id_number),
            "id_masked": idnumbers.mask(p.id_number),
            "id_tail": p.id_number[-4:],
            "mobile": p.mobile,
            "org_id": org_ids[p.org_code],
            "section": p.section,
            "subjects": join_codes(p.subjects),
            "title": p.title,
            "roles": join_codes(p.roles),
            "hire_date": p.hire_date,
            "status": p.status,
            "teacher_cert_no": "",
            "created_at": now,
            "updated_at": now,
        }
        prepared.append(tuple(values[field.attname] for field in fields))

    quote = connection.ops.quote_name
    table = quote(Person._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in prepared:
            copy.write_row(row)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        Person.objects.filter(pk__gt=top).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
    return seconds


if __name__ == "__main__":
    sys.exit(main())
