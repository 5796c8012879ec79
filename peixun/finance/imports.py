"""Import of the schools' yearly budget figures (an ImportJob kind): 学校代码, 学校名称, 年度,
教师工资总额（含绩效工资）, 公用经费. Checked first — every error with its row, column and reason —
then applied all or nothing; a school's figures for a year are replaced, so importing the same file
again changes nothing."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from peixun.audit import events
from peixun.finance import services
from peixun.finance.models import SchoolBudget
from peixun.lib.money import format_yuan, yuan
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
from peixun.orgs.imports.templates import REQUIRED, template_workbook
from peixun.orgs.models import Org, OrgKind

CODE = "学校代码"
NAME = "学校名称"
YEAR = "年度"
PAY = "教师工资总额（含绩效工资）"
PUBLIC = "公用经费"

COLUMNS = (
    Column(CODE, ("单位代码", "学校编码"), required=True),
    Column(NAME, ("学校", "单位名称"), required=True),
    Column(YEAR, ("年份",), required=True),
    Column(PAY, ("教师工资总额", "工资总额", "教师工资"), required=True),
    Column(PUBLIC, ("公用经费总额", "学校公用经费"), required=True),
)
TEMPLATE_COLUMNS = tuple(column.title for column in COLUMNS)
MAX_AMOUNT = Decimal("999999999999.99")

MSG_NO_SCHOOL = "系统中没有此代码的学校，请核对学校代码"
MSG_OUT_OF_SCOPE = "此学校不在您可以填报经费的范围内"
MSG_YEAR = "年度应为四位数字，如 2026"
MSG_AMOUNT = "应为不小于 0 的金额（元），最多两位小数，如 1250000 或 1250000.50"
MSG_TWICE = "同一学校同一年度在文件中出现了两次（第 {row} 行），请只保留一行"


def _name_mismatch(stored: str) -> str:
    return f"学校名称与此代码对应的学校（{stored}）不符，请核对"


@dataclass
class _Row:
    row: int
    school: Org
    year: int
    teacher_pay: Decimal
    public_funds: Decimal


def _amount(raw: object) -> Decimal | None:
    text = cell_text(raw)
    try:
        value = yuan(text)
    except ValueError:
        return None
    if value < 0 or value > MAX_AMOUNT or Decimal(text.replace(",", "")) != value:
        return None
    return value


def _plan(data: bytes, filename: str, scope_orgs: QuerySet[Org] | None) -> tuple[ImportSummary, list[_Row]]:
    table, failed = read(data, filename)
    if failed is not None:
        return failed, []
    positions, header_errors = map_header(table.header, COLUMNS)  # type: ignore[union-attr]  # read() gives a table whenever it gives no failure
    if header_errors:
        return ImportSummary(errors=header_errors), []
    paths = list(scope_orgs.values_list("path", flat=True)) if scope_orgs is not None else None
    errors: list[RowError] = []
    rows: list[_Row] = []
    seen: dict[tuple[int, int], int] = {}
    unchanged = 0

    def cell(cells, title: str) -> object:
        index = positions.get(title)
        return cells[index] if index is not None and index < len(cells) else ""

    for number, cells in table.rows:  # type: ignore[union-attr]
        row_errors: list[RowError] = []
        code = cell_text(cell(cells, CODE)).strip()
        name = "".join(cell_text(cell(cells, NAME)).split())
        school = Org.objects.filter(code=code, kind=OrgKind.SCHOOL).first() if code else None
        if school is None:
            row_errors.append(RowError(number, CODE, MSG_NO_SCHOOL))
        elif paths is not None and not any(school.path.startswith(path) for path in paths):
            row_errors.append(RowError(number, CODE, MSG_OUT_OF_SCOPE))
        elif name != "".join(school.name.split()):
            row_errors.append(RowError(number, NAME, _name_mismatch(school.name)))
        year_text = cell_text(cell(cells, YEAR)).strip().removesuffix("年")
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
        if year is None:
            row_errors.append(RowError(number, YEAR, MSG_YEAR))
        amounts = {title: _amount(cell(cells, title)) for title in (PAY, PUBLIC)}
        for title, value in amounts.items():
            if value is None:
                row_errors.append(RowError(number, title, MSG_AMOUNT))
        pay, public = amounts[PAY], amounts[PUBLIC]
        if row_errors or school is None or year is None or pay is None or public is None:
            errors += row_errors
            continue
        key = (school.pk, year)
        if key in seen:
            errors.append(RowError(number, CODE, MSG_TWICE.format(row=seen[key])))
            continue
        seen[key] = number
        existing = SchoolBudget.objects.filter(school=school, year=year).first()
        if existing and existing.teacher_pay == pay and existing.public_funds == public:
            unchanged += 1
            continue
        rows.append(_Row(number, school, year, pay, public))
    summary = ImportSummary(errors=sorted(errors, key=lambda error: error.row), unchanged=unchanged)
    for row in rows:
        existing = SchoolBudget.objects.filter(school=row.school, year=row.year).first()
        if existing:
            summary.updated += 1
        else:
            summary.created += 1
        summary.changes.append(
            RowChange(
                row.row,
                row.school.name,
                row.school.code,
                existing is None,
                (
                    (YEAR, "", str(row.year)),
                    (
                        PAY,
                        format_yuan(existing.teacher_pay) if existing else "",
                        format_yuan(row.teacher_pay),
                    ),
                    (
                        PUBLIC,
                        format_yuan(existing.public_funds) if existing else "",
                        format_yuan(row.public_funds),
                    ),
                ),
            )
        )
    return summary, rows


def check_budget_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, progress: Progress | None = None
) -> ImportSummary:
    return _plan(data, filename, scope_orgs)[0]


def apply_budget_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, actor, progress: Progress | None = None
) -> ImportSummary:
    with transaction.atomic():
        summary, rows = _plan(data, filename, scope_orgs)
        if summary.errors:
            raise ImportRejected(summary)
        author = actor if actor is not None and actor.is_authenticated else None
        for row in rows:
            services.import_budget(
                school=row.school,
                year=row.year,
                teacher_pay=row.teacher_pay,
                public_funds=row.public_funds,
                actor=author,
            )
        events.record(
            action="finance_budget_imported",
            actor=author,
            org_path=common_path({row.school.path for row in rows}),
            target_repr=filename[:200],
            changes={
                "filename": filename,
                "sha256": sha256(data),
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
    return summary


NOTES = (
    (CODE, REQUIRED, "学校在本系统中的代码（组织机构页可查）"),
    (NAME, REQUIRED, "学校名称，用于核对"),
    (YEAR, REQUIRED, "四位数字，如 2026"),
    (PAY, REQUIRED, "全年教师工资总额（元），含绩效工资"),
    (PUBLIC, REQUIRED, "全年学校公用经费（元）"),
)


def budget_template() -> bytes:
    return template_workbook(
        "学校经费", TEMPLATE_COLUMNS, ("S0001", "东湖实验小学", "2026", "12000000", "800000"), NOTES
    )
