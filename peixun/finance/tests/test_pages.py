import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from peixun.finance.models import BookSubsidy, Payment, SchoolBudget, Statement
from peixun.finance.tests.factories import fee_project, trainees

pytestmark = pytest.mark.django_db


def test_the_centre_issues_a_statement_the_pdf_reads_back_and_payments_are_checked(client, world):
    trainees(world, fee_project(world))
    client.force_login(world.centre_staff)
    school_url = reverse("finance:school", args=[world.school_a1.pk])
    assert "东湖实验小学" in client.get(school_url).content.decode()
    swapped = client.post(
        reverse("finance:statement-new", args=[world.school_a1.pk]),
        {"period_from": "2026-12-31", "period_to": "2026-01-01"},
    )
    assert swapped.status_code == 400 and "交换" in swapped.content.decode()
    response = client.post(
        reverse("finance:statement-new", args=[world.school_a1.pk]),
        {"period_from": "2026-01-01", "period_to": "2026-12-31"},
    )
    statement = Statement.objects.get()
    assert response["Location"] == reverse("finance:statement", args=[statement.pk])
    page = client.get(response["Location"]).content.decode()
    assert "不合格" in page and "360.00" in page
    pdf = client.get(reverse("finance:statement-pdf", args=[statement.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "培训费缴费通知单" in text and "东湖实验小学" in text and "失败者" in text and "360.00" in text
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("finance:statement-export", args=[statement.pk])).content)
    )
    names = {row[0].value for row in workbook["学员明细"].iter_rows(min_row=2)}
    assert names == {"李晓明", "失败者", "晚退者"}
    pay = reverse("finance:payment", args=[statement.pk])
    over = client.post(pay, {"amount": "500", "paid_on": "2026-04-01", "reference": "BK-1"})
    assert over.status_code == 400 and "多缴" in over.content.decode() and not Payment.objects.exists()
    client.post(pay, {"amount": "360", "paid_on": "2026-04-01", "reference": "BK-1"})
    assert Payment.objects.get().amount == Decimal("360.00")
    overview = client.get(reverse("finance:overview")).content.decode()
    assert "已结清" in overview


def test_the_coordinator_keeps_their_schools_figures_and_subsidies(client, world):
    client.force_login(world.coordinator_a1)
    overview = client.get(reverse("finance:overview")).content.decode()
    assert "东湖实验小学" in overview and "西山中心小学" not in overview
    budget = reverse("finance:budget", args=[world.school_a1.pk])
    refused = client.post(budget, {"year": "2026", "teacher_pay": "12.345", "public_funds": "-1"})
    assert refused.status_code == 400 and not SchoolBudget.objects.exists()
    client.post(budget, {"year": "2026", "teacher_pay": "100000", "public_funds": "1000"})
    report = client.get(reverse("finance:report"), {"year": "2026"}).content.decode()
    assert "未达标" in report
    generate = reverse("finance:subsidies-generate")
    client.post(generate, {"school": world.school_a1.pk, "year": "2026"})
    again = client.post(generate, {"school": world.school_a1.pk, "year": "2026"}, follow=True)
    assert "无需添加" in again.content.decode() and BookSubsidy.objects.count() == 1
    assert client.post(generate, {"school": world.school_b1.pk, "year": "2026"}).status_code == 404
    sheet = load_workbook(io.BytesIO(client.get(reverse("finance:report-export"), {"year": "2026"}).content))
    assert sheet.sheetnames == ["2026年各校", "2026年各区县"]
