"""Import of results from outside learning platforms (RULES D3) as an ImportJob kind: one row per
trainee and project — 项目编号, 证件号码, 姓名, 在线学习时长（分钟）, 讨论次数, 考试成绩 — checked
first, every error with its row, column and reason, applied all or nothing; importing the same file
again changes nothing. The checks and writes are peixun.delivery.services.outside, shared with the
API."""

from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from peixun.delivery.models import OutsideSource
from peixun.delivery.services import outside
from peixun.lib import idnumbers
from peixun.orgs.imports.common import (
    Column,
    ImportRejected,
    ImportSummary,
    Progress,
    map_header,
    read,
    sha256,
)
from peixun.orgs.imports.templates import OPTIONAL, REQUIRED, template_workbook
from peixun.orgs.models import Org

COLUMNS = (
    Column(outside.PROJECT, ("项目ID", "培训项目编号"), required=True),
    Column(outside.ID_NUMBER, ("身份证号", "身份证号码", "证件号"), required=True),
    Column(outside.NAME),
    Column(outside.MINUTES, ("在线学习时长", "学习时长（分钟）", "学习时长")),
    Column(outside.DISCUSSIONS, ("讨论数", "发帖数")),
    Column(outside.EXAM, ("在线考试成绩", "成绩", "考试分数")),
)
TEMPLATE_COLUMNS = tuple(column.title for column in COLUMNS)


def _plan(data: bytes, filename: str, scope_orgs: QuerySet[Org] | None, progress: Progress | None):
    table, failed = read(data, filename)
    if failed is not None:
        return None, failed
    positions, header_errors = map_header(table.header, COLUMNS)  # type: ignore[union-attr]  # read() gives a table whenever it gives no failure
    if header_errors:
        return None, ImportSummary(errors=header_errors)

    def cell(cells, title: str) -> object:
        index = positions.get(title)
        return cells[index] if index is not None and index < len(cells) else ""

    rows = [
        outside.RowIn(
            row=number,
            project=cell(cells, outside.PROJECT),
            id_number=cell(cells, outside.ID_NUMBER),
            name=cell(cells, outside.NAME),
            minutes=cell(cells, outside.MINUTES),
            discussions=cell(cells, outside.DISCUSSIONS),
            exam=cell(cells, outside.EXAM),
        )
        for number, cells in table.rows  # type: ignore[union-attr]  # as above
    ]
    if progress is not None:
        progress(0, len(rows))
    paths = list(scope_orgs.values_list("path", flat=True)) if scope_orgs is not None else None
    planned = outside.plan(rows, scope_paths=paths)
    if progress is not None:
        progress(len(rows), len(rows))
    summary = ImportSummary(
        created=planned.created,
        updated=len(planned.changes) - planned.created,
        unchanged=planned.unchanged,
        errors=planned.errors,
    )
    return planned, summary


def check_outside_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, progress: Progress | None = None
) -> ImportSummary:
    return _plan(data, filename, scope_orgs, progress)[1]


def apply_outside_file(
    data: bytes, filename: str, *, scope_orgs: QuerySet[Org] | None, actor, progress: Progress | None = None
) -> ImportSummary:
    with transaction.atomic():
        planned, summary = _plan(data, filename, scope_orgs, progress)
        if planned is None or summary.errors:
            raise ImportRejected(summary)
        outside.apply(
            planned,
            actor=actor,
            source=OutsideSource.IMPORT,
            reference=f"{filename[:150]} {sha256(data)[:12]}",
        )
    return summary


NOTES = (
    (outside.PROJECT, REQUIRED, "项目页面上显示的项目编号；该项目须在实施或考核阶段"),
    (outside.ID_NUMBER, REQUIRED, "18 位居民身份证号码；须是该项目的学员"),
    (outside.NAME, OPTIONAL, "与证件号码对应的姓名，用于核对"),
    (outside.MINUTES, OPTIONAL, "在线学习总时长，整数分钟；不填则不修改"),
    (outside.DISCUSSIONS, OPTIONAL, "讨论、发帖的次数，整数；不填则不修改"),
    (outside.EXAM, OPTIONAL, "在线考试成绩，最多一位小数；不填则不修改"),
)


def outside_template() -> bytes:
    example = (
        "123",
        idnumbers.make_valid_id("999999", date(1990, 1, 1), 0, "female"),
        "张三",
        "1860",
        "12",
        "86.5",
    )
    return template_workbook("平台学习数据", TEMPLATE_COLUMNS, example, NOTES)
