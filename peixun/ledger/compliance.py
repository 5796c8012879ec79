"""Keeping each person's compliance current: the rollups the engine reads, the facts it asks about,
and the stored ComplianceResult (DESIGN invariant 3; issue "compliance that stays fast").

- `add_to_rollups` runs inside every posting's transaction (one upsert per entry);
- `refresh` evaluates given people from their rollups under the version governing them today and
  writes their results (a posting refreshes its person; an import or a project close refreshes
  everyone it touched);
- `rebuild` recomputes an org subtree (or everything) from the raw entries: the rollups are
  rebuilt with one INSERT … SELECT … GROUP BY and the results in batches, reporting progress.
"""

import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import CharField, Sum
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from peixun.ledger.models import ComplianceResult, CreditEntry, CreditRollup
from peixun.lib.processes import exit_with_parent
from peixun.orgs.models import Person
from peixun.policies.models import PolicyVersion
from peixun.policies.rules import Earned, Evaluator, Facts, Result, codes
from peixun.policies.rules.engine import CellKey
from peixun.policies.selectors import Governance

BATCH = 2000
Progress = Callable[[int, int], None]

_CELL_FIELDS = ("category", "tags", "level", "mode", "credit_class", "source")
_CELL_CONSTRAINT = "ledger_rollup_cell"  # CreditRollup.Meta.constraints
_PERSON_FACTS = (
    "id",
    "gender",
    "birth_date",
    "title",
    "section",
    "roles",
    "hire_date",
    "status",
    "org__path",
)


# --- Rollups ---------------------------------------------------------------------------------------


def add_to_rollups(entry: CreditEntry) -> None:
    """Add an entry's hours to its cell: one atomic upsert (INSERT … ON CONFLICT DO UPDATE), the
    same statement on PostgreSQL and SQLite, so concurrent postings never lose an addition."""
    table = connection.ops.quote_name(CreditRollup._meta.db_table)
    columns = ["person_id", "month", *_CELL_FIELDS, "hours"]
    tags = CreditEntry._meta.get_field("tags").get_prep_value(entry.tags)
    values = [
        entry.person_id,
        connection.ops.adapt_datefield_value(entry.earned_on.replace(day=1)),
        entry.category,
        tags,
        entry.level,
        entry.mode,
        entry.credit_class,
        entry.source,
        connection.ops.adapt_decimalfield_value(entry.hours, 8, 1),
    ]
    conflict = ", ".join(columns[:-1])
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET hours = {table}.hours + excluded.hours"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def rebuild_rollups(**person_filter) -> None:
    """Replace the rollups of the filtered people (a lookup valid on both CreditEntry and
    CreditRollup, e.g. person_id__in=[…]; none for everyone) by sums over their entries, with one
    INSERT … SELECT … GROUP BY. Run inside a transaction.

    Everyone at once on PostgreSQL: the table is truncated and its unique cell index dropped and
    built again after the insert, which is twice as fast as maintaining it row by row; postings
    meanwhile wait for the lock and then go on."""
    grouped = (
        CreditEntry.objects.filter(**person_filter)
        .annotate(month=TruncMonth("earned_on"))
        .values("person_id", "month", *_CELL_FIELDS)
        .annotate(total=Sum("hours"))
        .values_list("person_id", "month", *_CELL_FIELDS, "total")
        .order_by()
    )
    select_sql, params = grouped.query.sql_with_params()
    table = connection.ops.quote_name(CreditRollup._meta.db_table)
    columns = ", ".join(["person_id", "month", *_CELL_FIELDS, "hours"])
    everyone = not person_filter and connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if everyone:
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_CELL_CONSTRAINT}")
        else:
            CreditRollup.objects.filter(**person_filter).delete()
        cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql}", params)
        if everyone:
            cell = ", ".join(["person_id", "month", *_CELL_FIELDS])
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_CELL_CONSTRAINT} UNIQUE ({cell})")


def rollup_differences(org_path: str = "") -> tuple[int, list[tuple[tuple, Decimal | None, Decimal | None]]]:
    """Compare the stored rollups under `org_path` (everyone for "") with the sums of their
    entries: (cells compared, [(cell, sum of the entries, stored rollup), …] where they differ).
    Reads only (`manage.py recompute_compliance --check`, `manage.py reconcile`)."""
    scope = {"person__org__path__startswith": org_path} if org_path else {}
    cell = ("person_id", "month", *_CELL_FIELDS)
    entries = {
        row[:-1]: row[-1]
        for row in CreditEntry.objects.filter(**scope)
        .annotate(month=TruncMonth("earned_on"), tag_text=Cast("tags", CharField()))
        .values_list(*[("tag_text" if name == "tags" else name) for name in cell])
        .annotate(total=Sum("hours"))
        .order_by()
    }
    rollups = {row[:-1]: row[-1] for row in CreditRollup.objects.filter(**scope).values_list(*cell, "hours")}
    cells = entries.keys() | rollups.keys()
    differences = [
        (key, entries.get(key), rollups.get(key))
        for key in cells
        if (entries.get(key) or 0) != (rollups.get(key) or 0)
    ]
    return len(cells), sorted(differences, key=str)


# --- Facts and hours -----------------------------------------------------------------------------


def facts_from_values(row: Mapping[str, Any]) -> Facts:
    roles = row["roles"]
    if isinstance(roles, str):
        roles = [code for code in roles.split(",") if code]
    return Facts(
        gender=row["gender"],
        birth_date=row["birth_date"],
        title=row["title"],
        section=row["section"],
        roles=frozenset(roles),
        hire_date=row["hire_date"],
        status=row["status"],
    )


def facts_of(person: Person) -> Facts:
    return Facts(
        gender=person.gender,
        birth_date=person.birth_date,
        title=person.title,
        section=person.section,
        roles=frozenset(person.roles),
        hire_date=person.hire_date,
        status=person.status,
    )


def cells_by_person(person_ids: Sequence[int]) -> dict[int, dict[CellKey, Decimal]]:
    """Each person's hours per cell, from their monthly rollups (what the engine reads)."""
    cells: dict[int, dict[CellKey, Decimal]] = defaultdict(dict)
    rows = CreditRollup.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "month", "category", "tags", "level", "mode", "credit_class", "source", "hours"
    )
    tag_tuples: dict[str, tuple[str, ...]] = {}  # the same few tag strings on every row
    for person_id, month, category, tags, level, mode, credit_class, source, hours in rows:
        tag_tuple = tag_tuples.get(tags)
        if tag_tuple is None:
            tag_tuple = tag_tuples[tags] = codes.canonical_tags(tags.split(","))
        cells[person_id][(month, category, tag_tuple, level, mode, credit_class, source)] = hours
    return cells


def earned_from_entries(entries: Iterable[CreditEntry]) -> list[Earned]:
    """Hours from raw entries, dated to the day (a person's page, the shell's what-if)."""
    return [
        Earned(
            on=entry.earned_on,
            hours=entry.hours,
            category=entry.category,
            level=entry.level,
            mode=entry.mode,
            tags=frozenset(codes.canonical_tags(entry.tags)),
            credit_class=entry.credit_class,
            source=entry.source,
        )
        for entry in entries
    ]


# --- Results -------------------------------------------------------------------------------------


class Evaluators:
    """One Evaluator per policy version, built on first use."""

    def __init__(self) -> None:
        self._by_version: dict[int, Evaluator] = {}

    def __call__(self, version: PolicyVersion) -> Evaluator:
        if version.pk not in self._by_version:
            self._by_version[version.pk] = Evaluator(version.rules)
        return self._by_version[version.pk]


def _kind_totals(cells: Mapping[CellKey, Decimal], result: Result) -> dict[str, Decimal]:
    """Hours earned in the evaluated period by category and by level (ComplianceResult.KIND_FIELDS)."""
    totals = dict.fromkeys(ComplianceResult.KIND_FIELDS, Decimal(0))
    start, last = result.period.start, min(result.as_of, result.period.end)
    for (on, category, _tags, level, *_rest), hours in cells.items():
        if start <= on <= last:
            totals[f"{category}_hours"] += hours
            totals[f"{level}_hours"] += hours
    return totals


def result_row(
    person_id: int, org_path: str, version: PolicyVersion, result: Result, now, cells=None
) -> ComplianceResult:
    return ComplianceResult(
        **_kind_totals(cells or {}, result),
        person_id=person_id,
        org_path=org_path,
        version=version,
        as_of=result.as_of,
        period_start=result.period.start,
        period_end=result.period.end,
        compliant=result.compliant,
        exempt=result.exempt,
        required_hours=result.required_hours,
        earned_hours=result.earned_hours,
        counted_hours=result.counted_hours,
        shortfall_hours=result.shortfall_hours,
        credits=result.credits,
        short_rules=result.short_rules,
        shortfalls={line.rule_id: float(line.shortfall) for line in result.lines if not line.ok},
        computed_at=now,
    )


_RESULT_FIELDS = [
    "org_path",
    "version",
    "as_of",
    "period_start",
    "period_end",
    "compliant",
    "exempt",
    "required_hours",
    "earned_hours",
    "counted_hours",
    "shortfall_hours",
    "credits",
    "short_rules",
    "shortfalls",
    "computed_at",
    *ComplianceResult.KIND_FIELDS,
]


def _write_results(rows: list[ComplianceResult], ungoverned: list[int]) -> None:
    if rows:
        ComplianceResult.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["person"],
            update_fields=_RESULT_FIELDS,
            batch_size=500,
        )
    if ungoverned:
        ComplianceResult.objects.filter(person_id__in=ungoverned).delete()


def _evaluate_batch(
    people: list[dict], as_of: date, governance: Governance, evaluators: Evaluators
) -> tuple[list[ComplianceResult], list[int]]:
    cells = cells_by_person([row["id"] for row in people])
    rows, ungoverned = [], []
    now = timezone.now()
    for row in people:
        version = governance.version_for(row["org__path"])
        if version is None:
            ungoverned.append(row["id"])
            continue
        mine = cells.get(row["id"], {})
        result = evaluators(version).evaluate_cells(facts_from_values(row), mine, as_of, explain=False)
        rows.append(result_row(row["id"], row["org__path"], version, result, now, mine))
    return rows, ungoverned


def refresh(person_ids: Iterable[int], as_of: date | None = None) -> None:
    """Re-evaluate these people from their rollups and store their results."""
    as_of = as_of or timezone.localdate()
    governance, evaluators = Governance(as_of), Evaluators()
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), BATCH):
        people = list(Person.objects.filter(pk__in=ids[start : start + BATCH]).values(*_PERSON_FACTS))
        _write_results(*_evaluate_batch(people, as_of, governance, evaluators))


def _evaluate_ids(ids: list[int], as_of: date) -> int:
    """Evaluate and store the given people (one batch, one transaction)."""
    governance, evaluators = _context(as_of)
    batch = list(Person.objects.filter(pk__in=ids).values(*_PERSON_FACTS))
    with transaction.atomic():
        _write_results(*_evaluate_batch(batch, as_of, governance, evaluators))
    return len(ids)


_contexts: dict[date, tuple[Governance, Evaluators]] = {}


def _context(as_of: date) -> tuple[Governance, Evaluators]:
    """The versions in force and their evaluators, loaded once per process and day."""
    if as_of not in _contexts:
        _contexts.clear()
        _contexts[as_of] = (Governance(as_of), Evaluators())
    return _contexts[as_of]


def _workers(total: int) -> int:
    """Worker processes for a rebuild: several on PostgreSQL for large ones (the evaluation is
    Python, one core per process), one on SQLite (one writer at a time) or inside a transaction
    (a forked process would not see its uncommitted rows)."""
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or total < settings.RECOMPUTE_PARALLEL_FROM
    ):
        return 1
    return max(1, settings.RECOMPUTE_WORKERS)


def rebuild(*, org_path: str = "", as_of: date | None = None, progress: Progress | None = None) -> int:
    """Rebuild the rollups of every person under `org_path` (everyone for "") from the raw
    entries, then re-evaluate them all in batches — in several processes for a large rebuild on
    PostgreSQL. Returns the number of people evaluated."""
    as_of = as_of or timezone.localdate()
    _contexts.clear()  # policies may have changed since this process last evaluated
    person_filter = {"person__org__path__startswith": org_path} if org_path else {}
    with transaction.atomic():
        rebuild_rollups(**person_filter)
    people = Person.objects.filter(org__path__startswith=org_path) if org_path else Person.objects.all()
    ids = list(people.order_by("pk").values_list("pk", flat=True))
    total = len(ids)
    batches = [ids[start : start + BATCH] for start in range(0, total, BATCH)]
    done = 0
    if progress is not None:
        progress(0, total)
    workers = _workers(total)
    if workers == 1:
        for batch in batches:
            done += _evaluate_ids(batch, as_of)
            if progress is not None:
                progress(done, total)
        return total
    # Each forked process opens its own connection: none may be inherited open.
    connections.close_all()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=exit_with_parent
    ) as pool:
        for count in pool.map(_evaluate_ids, batches, [as_of] * len(batches)):
            done += count
            if progress is not None:
                progress(done, total)
    return total
