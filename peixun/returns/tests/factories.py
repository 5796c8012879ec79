"""One year of 东湖区's data for the return's tests: hours at several levels, degrees, budget
figures and spending, prizes — with what must not count (another year, a revoked prize, a school
prize, an adjustment that takes hours away)."""

from datetime import date
from decimal import Decimal

from peixun.competitions.models import PrizeRecord
from peixun.finance.models import SchoolBudget, Spending
from peixun.records.models import Degree
from peixun.testing.factories import give_hours, make_person

YEAR = 2026


def year_of_data(world):
    a1, a2 = world.school_a1, world.school_a2
    li, sun = world.teacher_a1, make_person(a1, "孙丽")
    give_hours(li, 10, level="county", earned_on=date(YEAR, 3, 1))
    give_hours(li, 6, level="city", earned_on=date(YEAR, 4, 1))
    give_hours(sun, 5, level="county", earned_on=date(YEAR, 5, 1))
    give_hours(sun, 24, level="overseas", earned_on=date(YEAR, 7, 1))
    give_hours(sun, 4, level="national", earned_on=date(YEAR, 8, 1))
    give_hours(sun, -4, level="national", earned_on=date(YEAR, 8, 2), source="adjustment", reason="重复登记")
    give_hours(li, 30, level="national", earned_on=date(YEAR - 1, 6, 1))
    for person, awarded_on in (
        (li, date(YEAR, 6, 30)),
        (li, date(YEAR, 12, 1)),
        (sun, date(YEAR - 1, 6, 30)),
    ):
        Degree.objects.create(
            person=person, level="bachelor", school="江海师范学院", major="汉语言文学", awarded_on=awarded_on
        )
    SchoolBudget.objects.create(
        school=a1, org_path=a1.path, year=YEAR, teacher_pay=Decimal("1000000"), public_funds=Decimal("200000")
    )
    for school, amount in ((a1, "10000"), (a2, "500")):
        Spending.objects.create(
            school=school,
            org_path=school.path,
            year=YEAR,
            kind="travel",
            amount=Decimal(amount),
            spent_on=date(YEAR, 5, 1),
            note="外出培训差旅",
        )
    for person, year, level, award, revoked in (
        (li, YEAR, "national", "first", False),
        (li, YEAR, "provincial", "second", False),
        (sun, YEAR, "provincial", "third", False),
        (sun, YEAR, "provincial", "first", True),
        (sun, YEAR, "county", "first", False),
        (li, YEAR - 1, "city", "first", False),
    ):
        PrizeRecord.objects.create(
            person=person, year=year, level=level, award=award, title="课堂教学竞赛", revoked=revoked
        )
    return li, sun
