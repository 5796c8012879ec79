"""A project's summary: made by the close step with its figures and the settlement's lines from the
budget; satisfaction through the hook (unknown is not zero); the narrative and what was spent
saved and audited; the 结业名册 as PDF and workbook; a reopened project keeps its narrative."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from peixun.audit.models import AuditEvent
from peixun.quality import hooks
from peixun.quality.models import ProjectSummary
from peixun.quality.tests.factories import closed_project
from peixun.training.models import BudgetLine
from peixun.training.services import move_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(world):
    running = closed_project(world, size=3, absent=1)
    return running


def test_closing_a_project_makes_its_summary_and_a_missing_one_is_made_from_the_budget(client, world, closed):
    summary = ProjectSummary.objects.get(project=closed.project)
    assert summary.figures["enrolled"] == 3 and summary.figures["assessed"] == 3
    assert AuditEvent.objects.filter(action="quality_summary_generated").count() == 1
    summary.delete()
    BudgetLine.objects.create(project=closed.project, kind="venue", item="场地租用", amount=Decimal("3000"))
    client.force_login(world.county_admin)
    url = reverse("quality:summary", args=[closed.project.pk])
    assert 'data-testid="no-summary"' in client.get(url).content.decode()
    client.post(reverse("quality:summary-generate", args=[closed.project.pk]))
    summary = ProjectSummary.objects.get(project=closed.project)
    assert [(e.item, e.budgeted, e.spent) for e in summary.expenses.all()] == [
        ("场地租用", Decimal("3000.00"), None)
    ]


def test_the_summary_page_shows_rates_and_satisfaction_unknown_until_answered(client, world, closed):
    client.force_login(world.county_admin)
    url = reverse("quality:summary", args=[closed.project.pk])
    page = client.get(url).content.decode()
    figures = ProjectSummary.objects.get(project=closed.project).figures
    assert figures["passed"] == 2 and figures["pass_rate"] == "66.7" and Decimal(figures["hours_posted"]) > 0
    assert "66.7%" in page and "暂无评价" in page
    with hooks.project_satisfaction.added(
        lambda *, project: (Decimal("0.9"), 30), order=99, name="test.surveys"
    ):
        page = client.get(url).content.decode()
    assert "90.0%" in page and "30 人评价" in page


def test_staff_write_the_narrative_and_the_spending_and_it_is_audited(client, world, closed):
    summary = ProjectSummary.objects.get(project=closed.project)
    client.force_login(world.county_admin)
    url = reverse("quality:summary", args=[closed.project.pk])
    form = {
        "narrative": "本期培训按计划完成。",
        "expenses-TOTAL_FORMS": "1",
        "expenses-INITIAL_FORMS": "0",
        "expenses-0-kind": "venue",
        "expenses-0-item": "场地",
        "expenses-0-budgeted": "3000",
        "expenses-0-spent": "2700",
    }
    assert client.post(url, form).status_code == 302
    summary.refresh_from_db()
    assert summary.narrative == "本期培训按计划完成。" and summary.expenses.get().spent == Decimal("2700")
    event = AuditEvent.objects.get(action="quality_summary_changed")
    assert event.changes["narrative"] == ["", "本期培训按计划完成。"]
    page = client.get(url).content.decode()
    assert "¥900.00" in page  # 2,700 spent over 3 trainees
    bad = dict(form, **{"expenses-0-spent": "-5"})
    assert client.post(url, bad).status_code == 400
    # Reopened and closed again, the figures are read again and the narrative kept.
    move_project(project=closed.project, action="reopen", actor=world.county_admin, reason="补录成绩")
    move_project(project=closed.project, action="close", actor=world.county_admin)
    summary.refresh_from_db()
    assert summary.narrative == "本期培训按计划完成。" and summary.expenses.count() == 1


def test_the_completion_roster_is_a_readable_pdf_and_a_workbook(client, world, closed):
    client.force_login(world.county_admin)
    pdf = client.get(reverse("quality:summary-file", args=[closed.project.pk, "roster.pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert (
        "结业名册" in text and world.teacher_a1.name in text and "学员2" not in text
    )  # the absent one failed
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("quality:summary-file", args=[closed.project.pk, "roster.xlsx"])).content
        )
    )
    assert [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)] == [
        world.teacher_a1.name,
        "学员1",
    ]
    summary_pdf = client.get(reverse("quality:summary-file", args=[closed.project.pk, "summary.pdf"]))
    assert "项目总结" in PdfReader(io.BytesIO(summary_pdf.content)).pages[0].extract_text()
    assert client.get(reverse("quality:summary-file", args=[closed.project.pk, "x.exe"])).status_code == 404
