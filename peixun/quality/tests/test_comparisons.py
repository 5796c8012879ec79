"""Comparisons (RULES D9, F8, G4): the pure tally (mean, rates of the graded, bands, 待评分 counted
apart), a city project compared across counties then the schools of one, a school coordinator
seeing only its own school (404 beyond), and the workbooks read back."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peixun.assessment.models import Result, SchemeVersion
from peixun.quality.rules.comparisons import Mark, child_key, common_root, percent, tally
from peixun.testing.factories import make_person, make_project
from peixun.training.models import AnnualPlan, Enrolment, PlanItem


def test_the_tally_rates_the_graded_and_counts_the_ungraded_apart():
    marks = [
        Mark(graded=True, passed=True, total=Decimal("95")),
        Mark(graded=True, passed=True, excellent=True, total=Decimal("85.5")),
        Mark(graded=True, passed=False, total=Decimal("59.9")),
        Mark(graded=True, passed=True, total=Decimal("60")),
        Mark(graded=False),  # 待评分: counted, in no rate
    ]
    result = tally(marks)
    assert (result.trainees, result.graded, result.ungraded, result.passed, result.failed) == (5, 4, 1, 3, 1)
    assert result.mean == Decimal("75.1")  # 300.4 / 4
    assert (result.pass_rate, result.excellent_rate) == (Decimal("75.0"), Decimal("25.0"))
    assert result.bands == (1, 1, 0, 1, 1)  # <60, 60–69, 70–79, 80–89, ≥90
    nobody = tally([Mark(graded=False)])
    assert (nobody.mean, nobody.pass_rate, nobody.ungraded) == (None, None, 1)  # unknown, not zero
    assert percent(2, 3) == Decimal("66.7") and percent(0, 0) is None
    assert common_root(["01/02/03/", "01/02/04/", "01/02/"], 3) == "01/02/"
    assert child_key("01/02/03/", "01/", 3) == "01/02/" and child_key("09/", "01/", 3) is None


def _trainee(project, school, name, total=None, status=None, excellent=False):
    person = make_person(school, name)
    enrolment = Enrolment.objects.create(
        project=project, person=person, school=school, status="enrolled", source="self"
    )
    if status is not None:
        version, _made = SchemeVersion.objects.get_or_create(
            project=project, number=1, defaults={"text": "", "document": {}}
        )
        Result.objects.create(
            enrolment=enrolment,
            project=project,
            version=version,
            total=total,
            passed=status == "passed",
            status=status,
            attendance_rate=Decimal("100"),
            excellent=excellent,
        )


@pytest.fixture
def city_project(world):
    """A closed city project: 东湖实验小学 90 passed, 50 failed; 东湖第一中学 75 passed and one
    still to be graded; 西山中心小学 80 passed, excellent."""
    project = make_project(world.city, status="closed", level="city", starts_on=timezone.localdate())
    _trainee(project, world.school_a1, "甲一", Decimal("90"), "passed")
    _trainee(project, world.school_a1, "甲二", Decimal("50"), "failed")
    _trainee(project, world.school_a2, "乙一", Decimal("75"), "passed")
    _trainee(project, world.school_a2, "乙二")
    _trainee(project, world.school_b1, "丙一", Decimal("80"), "passed", excellent=True)
    return project


def _units(response) -> dict[str, tuple]:
    return {
        row.org.name: (row.tally.trainees, row.tally.ungraded, row.tally.pass_rate, row.deeper)
        for row in response.context["comparison"].rows
    }


@pytest.mark.django_db
def test_a_bureau_compares_a_project_across_counties_then_the_schools_of_one(client, world, city_project):
    client.force_login(world.city_admin)
    url = reverse("quality:comparison-project", args=[city_project.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert _units(response) == {
        "东湖区": (4, 1, Decimal("66.7"), True),
        "西山县": (1, 0, Decimal("100.0"), True),
    }
    page = response.content.decode()
    assert 'data-testid="comparison-tab"' in page and "66.7%" in page and 'data-chart="bands"' in page
    drilled = client.get(url, {"org": world.county_a.pk})
    assert _units(drilled) == {
        "东湖实验小学": (2, 0, Decimal("50.0"), False),
        "东湖第一中学": (2, 1, Decimal("100.0"), False),
    }
    assert drilled.context["comparison"].total.bands == (1, 0, 1, 0, 1)
    assert [org.name for org in drilled.context["comparison"].trail] == ["江海市", "东湖区"]
    assert client.get(url, {"org": world.other_school.pk}).status_code == 404


@pytest.mark.django_db
def test_a_school_coordinator_sees_only_its_own_school_and_nothing_far(client, world, city_project):
    far = make_project(world.other_city, status="closed", starts_on=timezone.localdate())
    _trainee(far, world.other_school, "远一", Decimal("88"), "passed")
    client.force_login(world.coordinator_a1)
    url = reverse("quality:comparison-project", args=[city_project.pk])
    response = client.get(url)
    assert _units(response) == {"东湖实验小学": (2, 0, Decimal("50.0"), False)}
    assert "东湖第一中学" not in response.content.decode()
    assert client.get(url, {"org": world.county_a.pk}).status_code == 404
    assert client.get(reverse("quality:comparison-project", args=[far.pk])).status_code == 404
    index = client.get(reverse("quality:comparisons"))
    assert [(row.project, row.whole, row.tally.trainees) for row in index.context["rows"]] == [
        (city_project, False, 2)
    ]
    schools = client.get(reverse("quality:comparison-schools"))
    assert [(row.school.name, row.tally.pass_rate) for row in schools.context["rows"]] == [
        ("东湖实验小学", Decimal("50.0"))
    ]
    assert client.get(reverse("quality:comparison-plan")).status_code == 403


@pytest.mark.django_db
def test_the_workbooks_carry_the_numbers_of_the_pages(client, world, city_project):
    plan = AnnualPlan.objects.create(org=world.city, year=timezone.localdate().year, title="年度培训计划")
    PlanItem.objects.create(
        plan=plan,
        title="市级培训",
        project_type="all_staff",
        level="city",
        mode="remote",
        planned_trainees=50,
    )
    client.force_login(world.city_admin)

    def book(url, **params):
        response = client.get(url, {**params, "format": "xlsx"})
        assert response.status_code == 200
        return load_workbook(io.BytesIO(response.content))

    project = book(reverse("quality:comparison-project", args=[city_project.pk]), org=world.county_a.pk)
    units = [
        row
        for row in project["按单位"].iter_rows(values_only=True)
        if row[0] in ("东湖第一中学", "合计（东湖区）")
    ]
    assert units == [
        ("东湖第一中学", 2, 1, 1, 75, 100, 0, 0, 0, 1, 0, 0),
        ("合计（东湖区）", 4, 3, 1, 71.7, 66.7, 0, 1, 0, 1, 0, 1),
    ]
    assert len(list(project["按学校"].iter_rows(min_row=2))) == 3
    schools = book(reverse("quality:comparison-schools"), sort="name")
    rates = {row[0]: row[6] for row in schools.active.iter_rows(min_row=2, values_only=True)}
    assert rates == {"东湖实验小学": 50, "东湖第一中学": 100, "西山中心小学": 100, "西山高级中学": None}
    levels = book(reverse("quality:comparison-plan"))
    city = next(row for row in levels.active.iter_rows(values_only=True) if row[0] == "市级")
    assert city[:6] == ("市级", 1, 1, 50, 5, 3)


@pytest.mark.django_db
def test_a_project_none_of_the_schools_joined_says_so_and_the_tab_shows_only_to_who_may_compare(
    client, world
):
    """A city project published to the whole city that 东湖实验小学 did not join: its coordinator
    opens the tab and reads why it is empty (not a 404); a tutor, who may not compare, sees no tab."""
    project = make_project(world.city, status="closed", level="city", starts_on=timezone.localdate())
    _trainee(project, world.school_b1, "丙一", Decimal("80"), "passed")
    client.force_login(world.coordinator_a1)
    response = client.get(reverse("quality:comparison-project", args=[project.pk]))
    assert response.status_code == 200
    assert 'data-testid="empty"' in response.content.decode()
    assert response.context["comparison"].rows == []
    client.force_login(world.tutor_a1)
    page = client.get(reverse("training:project-detail", args=[project.pk])).content.decode()
    assert 'data-testid="comparison-tab"' not in page
    client.force_login(world.city_admin)
    page = client.get(reverse("training:project-detail", args=[project.pk])).content.decode()
    assert 'data-testid="comparison-tab"' in page
