"""Import of historical training records (a region's existing data) into the ledger: checked first,
applied all or nothing, idempotent.

One row is one training a person attended: 证件号码, 姓名, 培训名称, 学时, 类别, 标签, 层级, 形式,
学分类别, 日期, 主办单位, 来源, 记录编号. The person is found by ID number (and the name must
match, to catch a wrong number); the row's idempotency key is its 记录编号 when given, else
(person, 培训名称, 日期, 主办单位) — so importing the same file again adds nothing, and a row
already in the ledger counts as unchanged. Every error names the row, the column and the reason.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from peixun.audit import events
from peixun.core.vault import vault
from peixun.ledger import compliance
from peixun.ledger import vocabulary as words
from peixun.ledger.models import CreditEntry
from peixun.lib import idnumbers
from peixun.lib.dates import format_date_zh, format_hours, parse_date
from peixun.lib.tabular import cell_text
from peixun.orgs.imports.common import (
    LOOKUP_CHUNK,
    PROGRESS_EVERY,
    WRITE_BATCH,
    Column,
    ImportRejected,
    ImportSummary,
    Progress,
    RowChange,
    RowError,
    chunked,
    common_path,
    map_header,
    masked_ids,
    read,
    sha256,
)
from peixun.orgs.imports.templates import OPTIONAL, REQUIRED, template_workbook
from peixun.orgs.models import Org, Person
from peixun.orgs.vocabulary import UnknownWord, split_list

ID_NUMBER = "证件号码"
NAME = "姓名"
TITLE = "培训名称"
HOURS = "学时"
CATEGORY = "类别"
TAGS = "标签"
LEVEL = "层级"
MODE = "形式"
CREDIT_CLASS = "学分类别"
DATE = "日期"
ORGANISER = "主办单位"
SOURCE = "来源"
RECORD = "记录编号"

TEMPLATE_COLUMNS = (
    ID_NUMBER,
    NAME,
    TITLE,
    HOURS,
    CATEGORY,
    TAGS,
    LEVEL,
    MODE,
    CREDIT_CLASS,
    DATE,
    ORGANISER,
    SOURCE,
    RECORD,
)
COLUMNS = (
    Column(ID_NUMBER, ("身份证号", "身份证号码", "证件号"), required=True),
    Column(NAME, required=True),
    Column(TITLE, ("培训项目", "项目名称", "课程名称"), required=True),
    Column(HOURS, ("学时数",), required=True),
    Column(CATEGORY, ("课程类别",), required=True),
    Column(TAGS),
    Column(LEVEL, ("培训层级", "级别"), required=True),
    Column(MODE, ("培训形式",), required=True),
    Column(CREDIT_CLASS),
    Column(DATE, ("培训日期", "完成日期"), required=True),
    Column(ORGANISER, ("主办方", "培训机构")),
    Column(SOURCE),
    Column(RECORD, ("编号",)),
)

MAX_TITLE = 200
MAX_RECORD = 80

MSG_TITLE_EMPTY = "培训名称不能为空"
MSG_HOURS = "学时应为大于 0 的数字，以 0.5 为单位（如 3、4.5）"
MSG_FUTURE = "日期不能晚于今天"
MSG_NO_PERSON = "系统中没有此证件号码的人员，请先导入花名册"
MSG_OUT_OF_SCOPE = "此人员不在您可以登记学时的范围内"
EXAMPLE_RECORD = "示例-0001"
MSG_EXAMPLE_ROW = "这是导入模板中的示例行，请删除后再上传"


def _name_mismatch_message(stored: str) -> str:
    return f"姓名与证件号码对应的人员（{stored}）不符，请核对"


def _duplicate_message(first: int) -> str:
    return f"与第 {first} 行是同一条记录（同一人、同一培训、同一日期和主办单位，或同一记录编号）"


def _too_long_message(limit: int) -> str:
    return f"太长，最多 {limit} 个字"


@dataclass(slots=True)
class _Row:
    row: int
    id_hash: str
    name: str
    title: str
    hours: Decimal
    category: str
    tags: list[str]
    level: str
    mode: str
    credit_class: str
    earned_on: date
    organiser: str
    source: str
    record: str
    person_id: int = 0
    key: str = ""


def _tags(raw: object) -> list[str]:
    tags = [words.TAG.code_for(item) for item in split_list(cell_text(raw))]
    return sorted(set(tags))


def _hours(raw: object) -> Decimal | None:
    try:
        value = Decimal(cell_text(raw))
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value >= 10000 or value * 2 != (value * 2).to_integral_value():
        return None
    return value.quantize(Decimal("0.1"))


def _natural_key(person_id: int, title: str, earned_on: date, organiser: str) -> str:
    digest = hashlib.sha256(f"{title}\x1f{earned_on.isoformat()}\x1f{organiser}".encode()).hexdigest()[:32]
    return f"import:{person_id}:{digest}"


def _parse(table, positions: dict[str, int], progress: Progress | None) -> tuple[list[_Row], list[RowError]]:
    """First pass, no queries: every cell read and checked on its own."""
    rows: list[_Row] = []
    errors: list[RowError] = []
    total = len(table.rows)
    today = timezone.localdate()
    box = vault()
    get = positions.get

    def cell(cells, title: str) -> object:
        index = get(title)
        return cells[index] if index is not None else ""

    for count, (number, cells) in enumerate(table.rows):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, total)
        row_errors: list[RowError] = []

        def fail(column: str, message: str, sink: list[RowError] = row_errors, row: int = number) -> None:
            sink.append(RowError(row, column, message))

        check = idnumbers.validate(cell(cells, ID_NUMBER))
        if check.error:
            fail(ID_NUMBER, check.error)
        name = "".join(cell_text(cell(cells, NAME)).split())
        title = " ".join(cell_text(cell(cells, TITLE)).split())
        if not title:
            fail(TITLE, MSG_TITLE_EMPTY)
        elif len(title) > MAX_TITLE:
            fail(TITLE, _too_long_message(MAX_TITLE))
        hours = _hours(cell(cells, HOURS))
        if hours is None:
            fail(HOURS, MSG_HOURS)
        codes: dict[str, str] = {}
        for column, vocabulary, default in (
            (CATEGORY, words.CATEGORY, None),
            (LEVEL, words.LEVEL, None),
            (MODE, words.MODE, None),
            (CREDIT_CLASS, words.CREDIT_CLASS, "A"),
            (SOURCE, words.SOURCE, "project"),
        ):
            raw = cell(cells, column)
            if default is not None and not cell_text(raw):
                codes[column] = default
                continue
            try:
                codes[column] = vocabulary.code_for(raw)
            except UnknownWord as error:
                fail(column, error.message)
        try:
            tags = _tags(cell(cells, TAGS))
        except UnknownWord as error:
            fail(TAGS, error.message)
            tags = []
        earned_on = None
        try:
            earned_on = parse_date(cell(cells, DATE))
        except ValueError as error:
            fail(DATE, str(error))
        else:
            if earned_on > today:
                fail(DATE, MSG_FUTURE)
        organiser = " ".join(cell_text(cell(cells, ORGANISER)).split())
        if len(organiser) > MAX_TITLE:
            fail(ORGANISER, _too_long_message(MAX_TITLE))
        record = cell_text(cell(cells, RECORD)).strip()
        if len(record) > MAX_RECORD:
            fail(RECORD, _too_long_message(MAX_RECORD))
        if record == EXAMPLE_RECORD:
            fail(RECORD, MSG_EXAMPLE_ROW)
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            _Row(
                row=number,
                id_hash=box.lookup_hash("resident_id", check.number),
                name=name,
                title=title,
                hours=hours,  # type: ignore[arg-type]
                category=codes[CATEGORY],
                tags=tags,
                level=codes[LEVEL],
                mode=codes[MODE],
                credit_class=codes[CREDIT_CLASS],
                earned_on=earned_on,  # type: ignore[arg-type]
                organiser=organiser,
                source=codes[SOURCE],
                record=record,
            )
        )
    return rows, errors


@dataclass
class _Plan:
    summary: ImportSummary
    creates: list[_Row]
    touched_paths: set[str]


def _plan(
    data: bytes,
    filename: str,
    *,
    scope_orgs: QuerySet[Org] | None,
    progress: Progress | None,
    describe: bool = False,
) -> _Plan:
    """What the file would do; with `describe`, summary.changes lists each new record."""
    table, failed = read(data, filename)
    if failed is not None:
        return _Plan(failed, [], set())
    positions, header_errors = map_header(table.header, COLUMNS)  # type: ignore[union-attr]  # read() gives a table whenever it gives no failure
    if header_errors:
        return _Plan(ImportSummary(errors=header_errors), [], set())
    masked = masked_ids(table, positions[ID_NUMBER])  # type: ignore[arg-type]  # as above
    if masked is not None:
        return _Plan(ImportSummary(errors=[masked]), [], set())
    rows, errors = _parse(table, positions, progress)

    # People by ID hash, with their org path (scope) and name.
    people: dict[str, tuple[int, str, str, str]] = {}
    hashes = sorted({row.id_hash for row in rows})
    for chunk in chunked(hashes, LOOKUP_CHUNK):
        for pk, id_hash, name, path, masked_id in Person.objects.filter(id_hash__in=chunk).values_list(
            "pk", "id_hash", "name", "org__path", "id_masked"
        ):
            people[id_hash] = (pk, name, path, masked_id)
    scope_paths = list(scope_orgs.values_list("path", flat=True)) if scope_orgs is not None else None

    def in_scope(path: str) -> bool:
        return scope_paths is None or any(path.startswith(prefix) for prefix in scope_paths)

    seen: dict[str, int] = {}
    candidates: list[_Row] = []
    touched: set[str] = set()
    for row in rows:
        found = people.get(row.id_hash)
        if found is None:
            errors.append(RowError(row.row, ID_NUMBER, MSG_NO_PERSON))
            continue
        pk, stored_name, path, _masked = found
        if not in_scope(path):
            errors.append(RowError(row.row, ID_NUMBER, MSG_OUT_OF_SCOPE))
            continue
        if row.name and row.name != "".join(stored_name.split()):
            errors.append(RowError(row.row, NAME, _name_mismatch_message(stored_name)))
            continue
        row.person_id = pk
        row.key = (
            f"import:record:{row.record}"
            if row.record
            else _natural_key(pk, row.title, row.earned_on, row.organiser)
        )
        first = seen.get(row.key)
        if first is not None:
            errors.append(RowError(row.row, RECORD if row.record else TITLE, _duplicate_message(first)))
            continue
        seen[row.key] = row.row
        candidates.append(row)
        touched.add(path)

    existing: set[str] = set()
    keys = [row.key for row in candidates]
    for chunk in chunked(keys, LOOKUP_CHUNK):
        existing.update(
            CreditEntry.objects.filter(idempotency_key__in=chunk).values_list("idempotency_key", flat=True)
        )
    creates = [row for row in candidates if row.key not in existing]
    order = {title: index for index, title in enumerate(TEMPLATE_COLUMNS)}
    summary = ImportSummary(
        created=len(creates),
        unchanged=len(candidates) - len(creates),
        errors=sorted(errors, key=lambda error: (error.row, order.get(error.column, 99))),
    )
    if describe:
        for row in creates:
            _pk, stored_name, _path, masked_id = people[row.id_hash]
            summary.changes.append(
                RowChange(
                    row.row,
                    stored_name,
                    masked_id,
                    True,
                    (
                        (TITLE, "", row.title),
                        (HOURS, "", format_hours(row.hours)),
                        (DATE, "", format_date_zh(row.earned_on)),
                    ),
                )
            )
    return _Plan(summary, creates, touched)


def check_credits_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, progress: Progress | None = None
) -> ImportSummary:
    """Check a training-record file without writing: new and already-recorded rows, every error."""
    return _plan(data, filename, scope_orgs=scope_orgs, progress=progress, describe=True).summary


def apply_credits_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, actor, progress: Progress | None = None
) -> ImportSummary:
    """Check the file and, when it has no error, write every new record in one transaction, then
    rebuild the rollups of the people concerned and refresh their compliance. ImportRejected,
    writing nothing, when any row has an error."""
    with transaction.atomic():
        plan = _plan(data, filename, scope_orgs=scope_orgs, progress=progress)
        if plan.summary.errors:
            raise ImportRejected(plan.summary)
        author = actor if actor is not None and actor.is_authenticated else None
        CreditEntry.objects.bulk_create(
            [
                CreditEntry(
                    person_id=row.person_id,
                    hours=row.hours,
                    category=row.category,
                    tags=row.tags,
                    level=row.level,
                    mode=row.mode,
                    credit_class=row.credit_class,
                    earned_on=row.earned_on,
                    source=row.source,
                    source_ref=f"import:{row.record}"[:100] if row.record else "import",
                    title=row.title,
                    organiser=row.organiser,
                    idempotency_key=row.key,
                    author=author,
                    reason="",
                )
                for row in plan.creates
            ],
            batch_size=WRITE_BATCH if connection.vendor == "postgresql" else 60,
        )
        person_ids = sorted({row.person_id for row in plan.creates})
        for chunk in chunked(person_ids, LOOKUP_CHUNK):
            compliance.rebuild_rollups(person_id__in=chunk)
        compliance.refresh(person_ids)
        summary = plan.summary
        events.record(
            action="import_applied",
            actor=actor,
            org_path=common_path(plan.touched_paths),
            target_repr=filename[:200],
            changes={
                "kind": "credits",
                "filename": filename,
                "sha256": sha256(data),
                "created": summary.created,
                "unchanged": summary.unchanged,
            },
        )
    return summary


NOTES = (
    (ID_NUMBER, REQUIRED, "18 位居民身份证号码；人员须已在花名册中"),
    (NAME, REQUIRED, "与证件号码对应的姓名，用于核对"),
    (TITLE, REQUIRED, "培训项目或课程名称"),
    (HOURS, REQUIRED, "学时数，大于 0，以 0.5 为单位"),
    (CATEGORY, REQUIRED, "、".join(words.CATEGORY.allowed)),
    (TAGS, OPTIONAL, f"{'、'.join(words.TAG.allowed)}；多个用顿号分隔"),
    (LEVEL, REQUIRED, "、".join(words.LEVEL.allowed)),
    (MODE, REQUIRED, "、".join(words.MODE.allowed)),
    (CREDIT_CLASS, OPTIONAL, f"{'、'.join(words.CREDIT_CLASS.allowed)}；不填为 A类"),
    (DATE, REQUIRED, "完成培训的日期，如 2026-06-30 或 2026年6月30日"),
    (ORGANISER, OPTIONAL, "主办单位名称"),
    (SOURCE, OPTIONAL, f"{'、'.join(words.SOURCE.allowed)}；不填为培训项目"),
    (
        RECORD,
        OPTIONAL,
        "原系统中的记录编号；同一编号只登记一次。不填时按人员、培训名称、日期和主办单位识别重复",
    ),
)


def credits_template() -> bytes:
    example = (
        idnumbers.make_valid_id("999999", date(1990, 1, 1), 0, "female"),
        "张三",
        "2025年暑期师德专题培训",
        "12",
        "师德与素养",
        "师德教育",
        "区县级",
        "集中",
        "A类",
        "2025-07-15",
        "东湖区教师发展中心",
        "培训项目",
        EXAMPLE_RECORD,
    )
    return template_workbook("培训记录", TEMPLATE_COLUMNS, example, NOTES)
