"""Import of historical training records: validated row by row, all or nothing, idempotent."""

from decimal import Decimal

import pytest
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.ledger.imports import TEMPLATE_COLUMNS, apply_credits_file, check_credits_file, credits_template
from peixun.ledger.models import ComplianceResult, CreditEntry, CreditRollup
from peixun.lib import tabular
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.orgs.access import orgs_in_scope
from peixun.orgs.imports.common import ImportRejected
from peixun.testing.factories import adopt_preset

pytestmark = pytest.mark.django_db


def row(person, **overrides) -> dict:
    values = {
        "证件号码": person.reveal_id_number(),
        "姓名": person.name,
        "培训名称": "2025年暑期师德专题培训",
        "学时": "12",
        "类别": "师德与素养",
        "标签": "师德教育",
        "层级": "区县级",
        "形式": "集中",
        "学分类别": "A类",
        "日期": "2025-07-15",
        "主办单位": "东湖区教师发展中心",
        "来源": "培训项目",
        "记录编号": "",
    }
    values.update(overrides)
    return values


def workbook(rows: list[dict]) -> bytes:
    return write_workbook(
        [Sheet("培训记录", TEMPLATE_COLUMNS, [[item[title] for title in TEMPLATE_COLUMNS] for item in rows])]
    )


def errors_of(summary) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in summary.errors]


def test_a_valid_file_is_previewed_then_applied_with_rollups_and_compliance(world):
    adopt_preset(world.city)
    data = workbook(
        [
            row(world.teacher_a1),
            row(world.teacher_a1, 培训名称="信息技术", 学时="30", 类别="知识与技能", 标签=""),
        ]
    )
    preview = check_credits_file(data, "history.xlsx", scope_orgs=None)
    assert (preview.created, preview.unchanged, preview.errors) == (2, 0, [])
    assert not CreditEntry.objects.exists()
    applied = apply_credits_file(data, "history.xlsx", scope_orgs=None, actor=world.centre_staff)
    assert applied.created == 2
    entry = CreditEntry.objects.get(title="2025年暑期师德专题培训")
    assert (entry.hours, entry.tags, entry.level, entry.category, entry.author) == (
        Decimal("12"),
        ["ethics"],
        "county",
        "ethics_literacy",
        world.centre_staff,
    )
    assert sum(CreditRollup.objects.values_list("hours", flat=True)) == 42
    assert ComplianceResult.objects.filter(person=world.teacher_a1).exists()
    assert AuditEvent.objects.filter(action="import_applied", changes__kind="credits").exists()


def test_importing_the_same_file_again_adds_nothing(world):
    data = workbook([row(world.teacher_a1, 记录编号="OLD-1"), row(world.teacher_b1)])
    apply_credits_file(data, "a.xlsx", scope_orgs=None, actor=None)
    again = apply_credits_file(data, "a.xlsx", scope_orgs=None, actor=None)
    assert (again.created, again.unchanged) == (0, 2)
    assert CreditEntry.objects.count() == 2


def test_every_bad_row_is_named_and_nothing_is_written(world):
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    data = workbook(
        [
            row(world.teacher_a1, 学时="0.3"),
            row(world.teacher_a1, 层级="镇级"),
            row(world.teacher_a1, 姓名="王五"),
            row(world.teacher_a1, 日期=future),
            row(world.teacher_a1, 证件号码="320705198803140001"),
            row(world.teacher_b1),
            row(world.teacher_b1),
            row(world.teacher_a1, 培训名称=""),
        ]
    )
    summary = check_credits_file(data, "bad.xlsx", scope_orgs=None)
    assert errors_of(summary) == [
        (2, "学时"),
        (3, "层级"),
        (4, "姓名"),
        (5, "日期"),
        (6, "证件号码"),
        (8, "培训名称"),
        (9, "培训名称"),
    ]
    messages = {error.row: error.message for error in summary.errors}
    assert "区县级" in messages[3]  # the allowed words are listed
    assert "与第 7 行是同一条记录" in messages[8]
    with pytest.raises(ImportRejected):
        apply_credits_file(data, "bad.xlsx", scope_orgs=None, actor=None)
    assert not CreditEntry.objects.exists()


def test_people_outside_the_importers_scope_are_refused(world):
    data = workbook([row(world.teacher_b1)])
    summary = check_credits_file(
        data, "a.xlsx", scope_orgs=orgs_in_scope(world.centre_staff, "ledger.import")
    )
    assert errors_of(summary) == [(2, "证件号码")]
    assert "范围" in summary.errors[0].message


def test_the_template_has_the_documented_columns_and_its_example_row_is_refused(world):
    template = credits_template()
    table = tabular.read_table(template, "t.xlsx")
    assert table.header == TEMPLATE_COLUMNS
    summary = check_credits_file(template, "t.xlsx", scope_orgs=None)
    assert summary.errors and summary.errors[0].row == 2
