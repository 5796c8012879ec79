"""The annual training return: figures from the data, frozen on confirmation, reopened with a
reason, and the county's workbook."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from peixun.audit.models import AuditEvent
from peixun.orgs.models import Org
from peixun.returns import selectors, services
from peixun.returns.exceptions import ReasonRequiredError
from peixun.returns.models import ReturnStatus
from peixun.returns.rules import figures as rules
from peixun.returns.tests.factories import YEAR, year_of_data
from peixun.testing.factories import give_hours

pytestmark = pytest.mark.django_db

D = Decimal


def test_the_figures_come_from_the_years_data_by_level_degree_budget_and_prize(world):
    year_of_data(world)
    figures = selectors.live_figures(
        Org.objects.filter(pk__in=[world.school_a1.pk, world.school_a2.pk]), YEAR
    )
    a1, a2 = figures[world.school_a1.pk], figures[world.school_a2.pk]
    assert a1.teachers == 2
    trained = {code: (level.teachers, level.average) for code, level in a1.levels.items()}
    # Two teachers at county level (10 + 5 hours); the national hours were taken back; 2025's don't count.
    assert trained == {
        "county": (2, D("7.5")),
        "city": (1, D("6.0")),
        "provincial": (0, None),
        "national": (0, None),
        "overseas": (1, D("24.0")),
    }
    assert a1.degrees == 1  # two degrees of one teacher in the year; the other's was in 2025
    assert (a1.spending, a1.public_funds, a1.share) == (D("10000.00"), D("200000.00"), D("5.00"))
    assert (a2.spending, a2.public_funds, a2.share) == (D("500.00"), None, None)  # unknown, not 0 %
    prizes = {code: (p.teachers, p.first, p.second, p.third) for code, p in a1.prizes.items()}
    assert prizes == {"national": (1, 1, 0, 0), "provincial": (2, 0, 1, 1), "city": (0, 0, 0, 0)}


def test_the_total_row_recomputes_averages_and_shares_only_over_schools_with_figures():
    one = rules.compute(
        teachers=3,
        hours=[(1, "county", D(10))],
        degree_holders=[1, 1],
        spending=D(100),
        public_funds=D(1000),
        prizes=[(1, "city", "first")],
    )
    two = rules.compute(
        teachers=2,
        hours=[(2, "county", D(5)), (3, "county", D(0))],
        degree_holders=[],
        spending=D(50),
        public_funds=None,
        prizes=[(2, "city", "second"), (2, "city", "third")],
    )
    total = rules.total([one, two])
    assert (total.teachers, total.levels["county"].teachers, total.levels["county"].average) == (
        5,
        2,
        D("7.5"),
    )
    assert (total.spending, total.public_funds, total.share) == (D(150), D(1000), D("10.00"))
    assert (total.prizes["city"].teachers, total.prizes["city"].first, total.prizes["city"].third) == (
        2,
        1,
        1,
    )
    assert rules.total([two]).share is None
    assert rules.Figures.from_json(one.as_json()).as_json() == one.as_json()


def test_a_confirmed_return_keeps_its_figures_until_the_county_returns_it_with_a_reason(world):
    li, _sun = year_of_data(world)
    school = world.school_a1
    services.confirm_return(school=school, year=YEAR, actor=world.coordinator_a1)
    give_hours(li, 8, level="provincial", earned_on=date(YEAR, 9, 1))  # the data changes after
    row = selectors.return_row(school, YEAR)
    assert row.status == ReturnStatus.CONFIRMED and row.figures.levels["provincial"].teachers == 0
    with pytest.raises(ReasonRequiredError):
        services.reopen_return(school=school, year=YEAR, reason="  ", actor=world.county_admin)
    assert selectors.return_row(school, YEAR).confirmed
    services.reopen_return(school=school, year=YEAR, reason="省级培训学时漏报", actor=world.county_admin)
    row = selectors.return_row(school, YEAR)
    assert row.status == ReturnStatus.REOPENED and row.figures.levels["provincial"].teachers == 1
    actions = list(AuditEvent.objects.filter(org_path=school.path).values_list("action", "changes__reason"))
    assert ("return_confirmed", None) in actions and ("return_reopened", "省级培训学时漏报") in actions


def test_the_county_lists_its_schools_and_exports_the_return_with_a_total_row(
    client, world, django_assert_max_num_queries
):
    year_of_data(world)
    school = reverse("returns:school", args=[world.school_a1.pk])
    client.force_login(world.coordinator_a1)
    assert "在职专任教师数：2" in client.get(school, {"year": YEAR}).content.decode()
    client.post(reverse("returns:confirm", args=[world.school_a1.pk]), {"year": YEAR})
    client.force_login(world.county_admin)
    refused = client.post(reverse("returns:reopen", args=[world.school_a1.pk]), {"year": YEAR, "reason": ""})
    assert refused.status_code == 400 and "请填写退回原因" in refused.content.decode()
    with django_assert_max_num_queries(24):  # grouped reads: the same for any number of schools
        page = client.get(reverse("returns:index"), {"year": YEAR}).content.decode()
    assert "1 所学校尚未确认" in page and "1 所学校没有经费数据" in page and "未填报" in page
    response = client.get(reverse("returns:export"), {"year": YEAR})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    header = rows.index(next(row for row in rows if row[0] == "序号"))
    titles, body = rows[header], rows[header + 1 :]
    assert [row[1] for row in body] == ["东湖实验小学", "东湖第一中学", "合计"]
    assert [row[2] for row in body[:2]] == ["已确认", "未确认"]
    column = {title: index for index, title in enumerate(titles)}
    total = body[-1]
    assert total[column["在职专任教师数（人）"]] == 3  # 李晓明 and 孙丽; 王芳
    assert total[column["区县级培训人数（人）"]] == 2 and total[column["区县级培训人均学时"]] == 7.5
    assert total[column["出国（境）培训人数（人）"]] == 1
    assert body[1][column["培训经费占公用经费比例（%）"]] == "未填报"
    assert total[column["培训经费占公用经费比例（%）"]] == 5  # 东湖第一中学 has no figures: not counted
    assert total[column["教师培训经费（元）"]] == 10500
    assert total[column["省级一等奖（项）"]] == 0 and total[column["省级三等奖（项）"]] == 1
