import io

import openpyxl
import pytest

from peixun.imports.models import ImportKind
from peixun.imports.registry import importers
from peixun.ledger.models import CreditEntry
from peixun.orgs.imports.common import ImportRejected
from peixun.orgs.models import Org
from peixun.recognition.imports import TEMPLATE_COLUMNS, apply_recognition_file, check_recognition_file
from peixun.recognition.models import Declaration, Origin, Status
from peixun.recognition.tests.factories import declare

pytestmark = pytest.mark.django_db


def workbook(*rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(TEMPLATE_COLUMNS[:9]))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(name, who, course="信息技术应用能力提升", cert="", start="2026-04-01", end="2026-04-30", hours="20"):
    return (name, who, "省教师教育网", course, "省级", start, end, hours, cert)


def test_a_platform_file_becomes_approved_declarations_posted_once_and_again_posts_nothing(world):
    assert importers()[ImportKind.RECOGNITION].perm == "recognition.import"
    data = workbook(
        row("李晓明", world.teacher_a1.reveal_id_number(), cert="SJ-1"),
        row("王芳", world.teacher_a2.reveal_id_number(), cert="SJ-2"),
    )
    scope = Org.objects.filter(path__startswith=world.county_a.path)
    summary = check_recognition_file(data, "平台.xlsx", scope_orgs=scope)
    assert (summary.created, summary.unchanged, summary.errors) == (2, 0, [])
    assert not Declaration.objects.exists()  # the check writes nothing
    apply_recognition_file(data, "平台.xlsx", scope_orgs=scope, actor=world.county_admin)
    imported = Declaration.objects.get(person=world.teacher_a1)
    assert (imported.status, imported.origin, imported.level) == (
        Status.APPROVED,
        Origin.IMPORTED,
        "provincial",
    )
    assert CreditEntry.objects.filter(source="recognition").count() == 2
    again = apply_recognition_file(data, "平台.xlsx", scope_orgs=scope, actor=world.county_admin)
    assert (again.created, again.unchanged) == (0, 2)
    assert CreditEntry.objects.filter(source="recognition").count() == 2


def test_rows_that_duplicate_a_declaration_each_other_or_are_out_of_scope_are_errors_and_nothing_applies(
    world,
):
    declare(world.teacher_a1, world.teacher_user, certificate_no="SJ-9")
    data = workbook(
        row("李晓明", "teacher_a1", course="别的课程", cert="sj 9"),  # the same certificate as a declaration
        row("王芳", world.teacher_a2.reveal_id_number(), cert="A"),
        row("王芳", world.teacher_a2.reveal_id_number(), cert="", start="2026-04-15"),  # the row above again
        row("赵刚", world.teacher_b1.reveal_id_number()),  # 西山县: outside 东湖区
        row("张三", world.teacher_a2.reveal_id_number(), course="第三门课"),  # the wrong name
    )
    scope = Org.objects.filter(path__startswith=world.county_a.path)
    summary = check_recognition_file(data, "平台.xlsx", scope_orgs=scope)
    messages = {error.row: error.message for error in summary.errors}
    assert set(messages) == {2, 4, 5, 6}
    assert "证书编号相同" in messages[2] and "第 3 行" in messages[4]
    assert "范围" in messages[5] and "不符" in messages[6]
    with pytest.raises(ImportRejected):
        apply_recognition_file(data, "平台.xlsx", scope_orgs=scope, actor=world.county_admin)
    assert not CreditEntry.objects.exists()
