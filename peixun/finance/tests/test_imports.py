import io

import openpyxl
import pytest

from peixun.finance.imports import TEMPLATE_COLUMNS, apply_budget_file, check_budget_file
from peixun.finance.models import SchoolBudget
from peixun.imports.models import ImportKind
from peixun.imports.registry import importers
from peixun.orgs.imports.common import ImportRejected
from peixun.orgs.models import Org

pytestmark = pytest.mark.django_db


def workbook(*rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(TEMPLATE_COLUMNS))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_budget_figures_are_checked_row_by_row_then_applied_once(world):
    assert importers()[ImportKind.BUDGETS].perm == "finance.budget"
    scope = Org.objects.filter(path__startswith=world.county_a.path)
    bad = workbook(
        ("S0001", "东湖实验小学", "2026", "1200000", "300000"),
        ("S0001", "东湖实验小学", "2026", "1", "1"),
        ("S0003", "西山中心小学", "2026", "1", "1"),
        ("S0002", "东湖一中", "二〇二六", "-5", "12.345"),
        ("S9999", "无此学校", "2026", "1", "1"),
    )
    summary = check_budget_file(bad, "经费.xlsx", scope_orgs=scope)
    found = {(error.row, error.column) for error in summary.errors}
    assert found == {
        (3, "学校代码"),  # twice in the file
        (4, "学校代码"),  # out of scope
        (5, "学校名称"),
        (5, "年度"),
        (5, "教师工资总额（含绩效工资）"),
        (5, "公用经费"),
        (6, "学校代码"),
    }
    with pytest.raises(ImportRejected):
        apply_budget_file(bad, "经费.xlsx", scope_orgs=scope, actor=world.county_admin)
    assert not SchoolBudget.objects.exists()  # all or nothing
    good = workbook(("S0001", "东湖实验小学", "2026年", "1,200,000", "300000.5"))
    applied = apply_budget_file(good, "经费.xlsx", scope_orgs=scope, actor=world.county_admin)
    assert applied.created == 1
    budget = SchoolBudget.objects.get()
    assert (budget.teacher_pay, str(budget.public_funds)) == (1200000, "300000.50")
    again = check_budget_file(good, "经费.xlsx", scope_orgs=scope)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
