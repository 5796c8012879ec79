from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peixun.schoolbased import services
from peixun.schoolbased.models import DistrictYear, SchoolPlan
from peixun.schoolbased.tests.conftest import add_line, school_year
from peixun.testing.factories import make_person

pytestmark = pytest.mark.django_db


def test_coordinator_files_a_plan_and_the_county_returns_a_line_then_approves(client, world, year):
    _district, topics = year
    client.force_login(world.coordinator_a1)
    response = client.post(reverse("schoolbased:plans"), {"school_year": school_year()})
    plan = SchoolPlan.objects.get(school=world.school_a1)
    assert response["Location"] == reverse("schoolbased:plan", args=[plan.pk])
    page = client.get(response["Location"]).content.decode()
    assert "安全教育" in page and "师德专题" in page  # the missing prescribed topics, named
    start = f"{plan.school_year}-09-01"
    for topic in topics:
        client.post(
            reverse("schoolbased:plan", args=[plan.pk]),
            {
                "topic": topic.pk,
                "title": topic.title,
                "category": "ethics_literacy",
                "level": "school",
                "planned_hours": "40",
                "starts_on": start,
                "ends_on": start,
                "budget": "0",
            },
        )
    assert plan.lines.count() == 2
    client.post(reverse("schoolbased:plan-submit", args=[plan.pk]))
    line = plan.lines.first()
    client.force_login(world.county_admin)
    assert plan.school.name in client.get(reverse("schoolbased:inbox")).content.decode()
    client.post(
        reverse("schoolbased:plan-decide", args=[plan.pk]),
        {"decision": "return", f"line-{line.pk}": "请写明主讲人"},
    )
    client.force_login(world.coordinator_a1)
    page = client.get(reverse("schoolbased:plan", args=[plan.pk])).content.decode()
    assert "请写明主讲人" in page and "退回" in page
    client.post(reverse("schoolbased:plan-submit", args=[plan.pk]))
    client.force_login(world.county_admin)
    client.post(reverse("schoolbased:plan-decide", args=[plan.pk]), {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.state == "approved"
    versions = client.get(reverse("schoolbased:plan-versions", args=[plan.pk])).content.decode()
    assert versions.count('data-testid="version"') == 2 and "请写明主讲人" in versions


def test_registration_pages_for_school_teacher_and_county(client, world, year):
    _district, topics = year
    plan = services.create_plan(school=world.school_a1, school_year=school_year(), actor=world.coordinator_a1)
    for topic in topics:
        add_line(plan, world.coordinator_a1, topic=topic, hours=topic.planned_hours)
    services.submit_plan(plan=plan, actor=world.coordinator_a1)
    services.decide_plan(plan=plan, actor=world.county_admin, approve=True)
    make_person(world.school_a1, "钱退休", status="retired")
    client.force_login(world.coordinator_a1)
    response = client.post(reverse("schoolbased:registration-start", args=[plan.pk]))
    registration = SchoolPlan.objects.get(pk=plan.pk).registration
    assert response["Location"] == reverse("schoolbased:registration", args=[registration.pk])
    day = max(timezone.localdate() - timedelta(days=1), plan.lines.first().starts_on)
    client.post(
        reverse("schoolbased:activity-add", args=[registration.pk]),
        {
            "line": plan.lines.first().pk,
            "held_on": day.isoformat(),
            "hours": "6",
            "attendees": [world.teacher_a1.pk],
        },
    )
    page = client.get(reverse("schoolbased:registration", args=[registration.pk])).content.decode()
    assert "钱退休" in page and "不参加校本研修" in page and "6.0" in page
    book = load_workbook(
        BytesIO(client.get(reverse("schoolbased:registration-export", args=[registration.pk])).content)
    )
    assert [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)] == ["李晓明", "钱退休"]

    client.force_login(world.teacher_user)
    mine = client.get(reverse("schoolbased:mine")).content.decode()
    assert "6.0" in mine and "待教师确认" in mine
    line = registration.lines.get()
    client.post(reverse("schoolbased:mine-answer", args=[line.pk]), {"answer": "confirm"})
    line.refresh_from_db()
    assert line.answer == "confirmed"

    client.force_login(world.coordinator_a1)
    client.post(reverse("schoolbased:registration-submit", args=[registration.pk]))
    client.force_login(world.county_admin)
    spot = client.get(
        reverse("schoolbased:registration-teacher", args=[registration.pk, world.teacher_a1.pk])
    )
    assert "6.0" in spot.content.decode()
    client.post(reverse("schoolbased:registration-decide", args=[registration.pk]), {"decision": "accept"})
    client.force_login(world.teacher_user)
    assert "计入学时" in client.get(reverse("schoolbased:mine")).content.decode()


def test_topics_page_publishes_a_year_and_a_topic(client, world):
    client.force_login(world.county_admin)
    sy = school_year()
    client.post(
        reverse("schoolbased:topics"),
        {"form": "year", "org": world.county_a.pk, "school_year": sy, "deadline": f"{sy + 1}-07-15"},
    )
    year = DistrictYear.objects.get()
    client.post(
        reverse("schoolbased:topics"),
        {
            "form": "topic",
            "district_year": year.pk,
            "title": "心理健康教育",
            "category": "practice",
            "level": "school",
            "planned_hours": "20",
        },
    )
    assert year.topics.get().planned_hours == Decimal(20)
    assert "心理健康教育" in client.get(reverse("schoolbased:topics")).content.decode()
