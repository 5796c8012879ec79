"""Import of a platform's list of completed outside training as recognised hours (an ImportJob
kind, ADR 0042): 姓名, 证件号码或用户名, 培训机构, 课程名称, 层级, 开始日期, 结束日期, 学时, 证书编号
(类别 and 形式 optional). Checked first, every error with its row, column and reason; applied all or
nothing. Each new row becomes an approved declaration whose hours are posted once; a row imported
before (the same person, provider, course, dates and certificate) is unchanged, so importing the
same file again posts nothing. A row that duplicates another declaration or hours already in the
ledger (peixun.recognition.rules.dedup, as in the review) is an error: remove it, or let the
teacher's own declaration go through review."""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core.vault import vault
from peixun.ledger import vocabulary as words
from peixun.lib import idnumbers
from peixun.lib.dates import format_date_zh, format_hours, parse_date
from peixun.lib.tabular import cell_text
from peixun.orgs.imports.common import (
    Column,
    ImportRejected,
    ImportSummary,
    Progress,
    RowChange,
    RowError,
    common_path,
    map_header,
    read,
    sha256,
)
from peixun.orgs.imports.templates import OPTIONAL, REQUIRED, template_workbook
from peixun.orgs.models import Org, Person
from peixun.orgs.vocabulary import UnknownWord
from peixun.recognition import selectors, services
from peixun.recognition.models import Declaration
from peixun.recognition.rules import dedup

NAME = "姓名"
WHO = "证件号码或用户名"
PROVIDER = "培训机构"
COURSE = "课程名称"
LEVEL = "层级"
STARTS = "开始日期"
ENDS = "结束日期"
HOURS = "学时"
CERTIFICATE = "证书编号"
CATEGORY = "类别"
MODE = "形式"

COLUMNS = (
    Column(NAME, required=True),
    Column(WHO, ("证件号码", "身份证号", "用户名", "账号"), required=True),
    Column(PROVIDER, ("主办单位", "平台", "培训平台"), required=True),
    Column(COURSE, ("培训名称", "课程", "项目名称"), required=True),
    Column(LEVEL, ("培训层级", "级别"), required=True),
    Column(STARTS, ("开始时间",), required=True),
    Column(ENDS, ("结束时间", "完成日期"), required=True),
    Column(HOURS, ("学时数",), required=True),
    Column(CERTIFICATE, ("证书号", "证书编号（选填）")),
    Column(CATEGORY, ("课程类别",)),
    Column(MODE, ("培训形式",)),
)
TEMPLATE_COLUMNS = tuple(column.title for column in COLUMNS)

MSG_EMPTY = "不能为空"
MSG_HOURS = "学时应为大于 0 的数字，以 0.5 为单位（如 3、4.5）"
MSG_ENDS = "结束日期不能早于开始日期"
MSG_FUTURE = "结束日期不能晚于今天：培训结束后再导入"
MSG_NO_PERSON = "系统中没有此证件号码或用户名对应的教师，请核对，或先导入花名册"
MSG_OUT_OF_SCOPE = "此教师不在您可以认定学时的范围内"
KIND_WORDS = {
    dedup.SAME_CERTIFICATE: "证书编号相同",
    dedup.SAME_COURSE: "同一人、同一机构和课程，日期重叠",
    dedup.IN_LEDGER: "学时档案中已有同一课程同期的学时",
}


def _name_mismatch(stored: str) -> str:
    return f"姓名与对应的教师（{stored}）不符，请核对"


def _duplicate(kind: str, where: str) -> str:
    return f"与{where}重复（{KIND_WORDS[kind]}），不会重复计入：请从文件中删去此行"


@dataclass
class _Row:
    row: int
    who: str
    name: str
    data: dict
    person: Person | None = None
    key: str = ""


def _hours(raw: object) -> Decimal | None:
    try:
        value = Decimal(cell_text(raw))
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value >= 10000 or value * 2 != (value * 2).to_integral_value():
        return None
    return value.quantize(Decimal("0.1"))


def _key(person_id: int, data: dict) -> str:
    text = "\x1f".join(
        [
            str(person_id),
            dedup.normalise(data["provider"]),
            dedup.normalise(data["course"]),
            data["starts_on"].isoformat(),
            data["ends_on"].isoformat(),
            dedup.certificate_key(data["certificate_no"]),
        ]
    )
    return "imp:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def _parse(table, positions: dict[str, int]) -> tuple[list[_Row], list[RowError]]:
    rows: list[_Row] = []
    errors: list[RowError] = []
    today = timezone.localdate()

    def cell(cells, title: str) -> object:
        index = positions.get(title)
        return cells[index] if index is not None and index < len(cells) else ""

    for number, cells in table.rows:
        row_errors: list[RowError] = []
        text = {
            title: " ".join(cell_text(cell(cells, title)).split())
            for title in (NAME, WHO, PROVIDER, COURSE, CERTIFICATE)
        }
        for title in (NAME, WHO, PROVIDER, COURSE):
            if not text[title]:
                row_errors.append(RowError(number, title, MSG_EMPTY))
        for title in (PROVIDER, COURSE):
            if len(text[title]) > 200:
                row_errors.append(RowError(number, title, "太长，最多 200 个字"))
        if len(text[CERTIFICATE]) > 80:
            row_errors.append(RowError(number, CERTIFICATE, "太长，最多 80 个字"))
        codes: dict[str, str] = {}
        for title, vocabulary, default in (
            (LEVEL, words.LEVEL, None),
            (CATEGORY, words.CATEGORY, "knowledge_skills"),
            (MODE, words.MODE, "remote"),
        ):
            raw = cell(cells, title)
            if default is not None and not cell_text(raw):
                codes[title] = default
                continue
            try:
                codes[title] = vocabulary.code_for(raw)
            except UnknownWord as error:
                row_errors.append(RowError(number, title, error.message))
        dates: dict[str, date] = {}
        for title in (STARTS, ENDS):
            try:
                dates[title] = parse_date(cell(cells, title))
            except ValueError as error:
                row_errors.append(RowError(number, title, str(error)))
        if len(dates) == 2:
            if dates[ENDS] < dates[STARTS]:
                row_errors.append(RowError(number, ENDS, MSG_ENDS))
            elif dates[ENDS] > today:
                row_errors.append(RowError(number, ENDS, MSG_FUTURE))
        hours = _hours(cell(cells, HOURS))
        if hours is None:
            row_errors.append(RowError(number, HOURS, MSG_HOURS))
        if row_errors:
            errors += row_errors
            continue
        rows.append(
            _Row(
                row=number,
                who=text[WHO],
                name="".join(text[NAME].split()),
                data={
                    "provider": text[PROVIDER],
                    "course": text[COURSE],
                    "level": codes[LEVEL],
                    "category": codes[CATEGORY],
                    "mode": codes[MODE],
                    "starts_on": dates[STARTS],
                    "ends_on": dates[ENDS],
                    "hours": hours,
                    "certificate_no": text[CERTIFICATE],
                },
            )
        )
    return rows, errors


def _person(who: str) -> Person | None:
    check = idnumbers.validate(who)
    people = Person.objects.select_related("org")
    if not check.error:
        return people.filter(id_hash=vault().lookup_hash("resident_id", check.number)).first()
    person_id = (
        User.objects.filter(username=who, person__isnull=False).values_list("person_id", flat=True).first()
    )
    return people.filter(pk=person_id).first() if person_id else None


@dataclass
class _Plan:
    summary: ImportSummary
    creates: list[_Row]


def _plan(data: bytes, filename: str, scope_orgs: QuerySet[Org] | None) -> _Plan:
    table, failed = read(data, filename)
    if failed is not None:
        return _Plan(failed, [])
    positions, header_errors = map_header(table.header, COLUMNS)  # type: ignore[union-attr]  # read() gives a table whenever it gives no failure
    if header_errors:
        return _Plan(ImportSummary(errors=header_errors), [])
    rows, errors = _parse(table, positions)
    paths = list(scope_orgs.values_list("path", flat=True)) if scope_orgs is not None else None
    creates: list[_Row] = []
    unchanged = 0
    in_file: list[tuple[dedup.Claim, int]] = []
    for row in rows:
        person = _person(row.who)
        if person is None:
            errors.append(RowError(row.row, WHO, MSG_NO_PERSON))
            continue
        if paths is not None and not any(person.org.path.startswith(path) for path in paths):
            errors.append(RowError(row.row, WHO, MSG_OUT_OF_SCOPE))
            continue
        if row.name != "".join(person.name.split()):
            errors.append(RowError(row.row, NAME, _name_mismatch(person.name)))
            continue
        row.person, row.key = person, _key(person.pk, row.data)
        if Declaration.objects.filter(import_key=row.key).exists():
            unchanged += 1
            continue
        probe = Declaration(person=person, **row.data)
        probe.certificate_key = dedup.certificate_key(probe.certificate_no)
        claim = dedup.Claim(
            -row.row,
            person.pk,
            probe.provider,
            probe.course,
            probe.starts_on,
            probe.ends_on,
            probe.certificate_no,
        )
        earlier = dedup.find(claim, [c for c, _n in in_file])
        if earlier:
            first = dict((c.ref, n) for c, n in in_file)[earlier[0].ref]
            errors.append(RowError(row.row, COURSE, _duplicate(earlier[0].kind, f"第 {first} 行")))
            continue
        found = selectors.duplicates(probe)
        if found:
            other = found[0]
            where = (
                f"{other.declaration.person.name}的认定“{other.declaration.course}”"
                if other.declaration is not None
                else f"学时档案中的“{other.entry.title}”（{format_date_zh(other.entry.earned_on)}）"  # type: ignore[union-attr]  # an IN_LEDGER duplicate has its entry
            )
            column = CERTIFICATE if other.kind == dedup.SAME_CERTIFICATE else COURSE
            errors.append(RowError(row.row, column, _duplicate(other.kind, where)))
            continue
        in_file.append((claim, row.row))
        creates.append(row)
    order = {title: index for index, title in enumerate(TEMPLATE_COLUMNS)}
    summary = ImportSummary(
        created=len(creates),
        unchanged=unchanged,
        errors=sorted(errors, key=lambda error: (error.row, order.get(error.column, 99))),
    )
    for row in creates:
        summary.changes.append(
            RowChange(
                row.row,
                row.person.name,  # type: ignore[union-attr]  # set for every row to create
                row.person.id_masked,  # type: ignore[union-attr]
                True,
                (
                    (COURSE, "", row.data["course"]),
                    (HOURS, "", format_hours(row.data["hours"])),
                    (ENDS, "", format_date_zh(row.data["ends_on"])),
                ),
            )
        )
    return _Plan(summary, creates)


def check_recognition_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, progress: Progress | None = None
) -> ImportSummary:
    return _plan(data, filename, scope_orgs).summary


def apply_recognition_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, actor, progress: Progress | None = None
) -> ImportSummary:
    with transaction.atomic():
        plan = _plan(data, filename, scope_orgs)
        if plan.summary.errors:
            raise ImportRejected(plan.summary)
        author = actor if actor is not None and actor.is_authenticated else None
        for row in plan.creates:
            services.import_declaration(person=row.person, data=row.data, import_key=row.key, actor=author)  # type: ignore[arg-type]  # set for every row to create
        events.record(
            action="recognition_imported",
            actor=author,
            org_path=common_path({row.person.org.path for row in plan.creates}),  # type: ignore[union-attr]
            target_repr=filename[:200],
            changes={
                "filename": filename,
                "sha256": sha256(data),
                "created": plan.summary.created,
                "unchanged": plan.summary.unchanged,
            },
        )
    return plan.summary


NOTES = (
    (NAME, REQUIRED, "教师姓名，用于核对"),
    (WHO, REQUIRED, "18 位居民身份证号码，或教师在本系统的用户名"),
    (PROVIDER, REQUIRED, "培训机构或平台，如 国家中小学智慧教育平台"),
    (COURSE, REQUIRED, "课程或培训项目名称"),
    (LEVEL, REQUIRED, "、".join(words.LEVEL.allowed)),
    (STARTS, REQUIRED, "如 2026-03-01、2026/3/1 或 2026年3月1日"),
    (ENDS, REQUIRED, "不早于开始日期，不晚于今天"),
    (HOURS, REQUIRED, "学时数，大于 0，以 0.5 为单位"),
    (CERTIFICATE, OPTIONAL, "结业证书编号；同一编号只认定一次"),
    (CATEGORY, OPTIONAL, "、".join(words.CATEGORY.allowed) + "；不填为知识与技能"),
    (MODE, OPTIONAL, "、".join(words.MODE.allowed) + "；不填为远程"),
)


def recognition_template() -> bytes:
    example = (
        "张三",
        idnumbers.make_valid_id("999999", date(1990, 1, 1), 0, "female"),
        "国家中小学智慧教育平台",
        "新课标解读与教学设计",
        "国家级",
        "2026-03-01",
        "2026-03-31",
        "12",
        "ZH2026-000123",
        "知识与技能",
        "远程",
    )
    return template_workbook("学时认定", TEMPLATE_COLUMNS, example, NOTES)
