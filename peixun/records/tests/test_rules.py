"""The records' pure rules, as tables (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from peixun.records.rules import degrees, probation, qualification

TODAY = date(2026, 9, 1)


@pytest.mark.parametrize(
    ("issued", "registered", "years", "due"),
    [
        (date(2021, 7, 1), None, 5, date(2026, 7, 1)),
        (date(2016, 7, 1), date(2022, 3, 5), 5, date(2027, 3, 5)),
        (date(2020, 2, 29), None, 5, date(2025, 2, 28)),
        (date(2021, 7, 1), None, 3, date(2024, 7, 1)),
    ],
)
def test_registration_falls_due_a_period_after_the_issue_or_the_last_registration(
    issued, registered, years, due
):
    assert qualification.due_on(issued, registered, years) == due


@pytest.mark.parametrize(
    ("due", "state"),
    [
        (date(2026, 8, 31), qualification.OVERDUE),
        (date(2026, 10, 15), qualification.DUE_SOON),
        (date(2026, 12, 31), qualification.DUE_THIS_YEAR),
        (date(2027, 1, 2), qualification.CURRENT),
    ],
)
def test_a_certificate_is_overdue_due_soon_due_this_year_or_current(due, state):
    assert qualification.standing(due, TODAY, 60) == state


def test_a_reminder_goes_inside_the_notice_once_per_due_date():
    due = date(2026, 10, 1)
    assert qualification.remind_now(due, TODAY, 60, None)
    assert not qualification.remind_now(due, TODAY, 60, due)  # told already
    assert not qualification.remind_now(due, TODAY, 10, None)  # not yet inside the notice
    assert qualification.remind_now(due, TODAY, 60, date(2021, 10, 1))  # told for the last period


def test_degree_shares_count_the_highest_degree_held_by_the_end_of_each_year():
    teachers = [
        degrees.Teacher("primary", True, (("secondary", date(2005, 7, 1)), ("college", date(2025, 6, 30)))),
        degrees.Teacher("primary", True, (("secondary", date(2008, 7, 1)),)),
        degrees.Teacher("primary", False, ()),  # not rural: not counted
        degrees.Teacher("primary", True, ()),  # nothing on record: unknown, not short
        degrees.Teacher("junior", False, (("bachelor", date(2010, 7, 1)),)),
        degrees.Teacher("junior", True, (("college", date(2010, 7, 1)), ("master", date(2027, 1, 1)))),
    ]
    rural, junior = degrees.shares(teachers, 2026)
    assert (rural.qualified, rural.total, rural.unknown, rural.percent) == (1, 2, 1, Decimal("50.0"))
    assert (junior.qualified, junior.total) == (1, 2)
    rural_before, _junior = degrees.shares(teachers, 2024)
    assert rural_before.qualified == 0
    assert rural.meets(Decimal("85")) is False


def test_a_share_with_nobody_to_count_is_unknown_not_zero():
    rural, junior = degrees.shares([], 2026)
    assert rural.percent is None and junior.percent is None
    assert rural.meets(Decimal("85")) is None


def test_the_growth_stages_fall_at_half_a_year_one_two_and_three_years():
    assert probation.stage_dates(date(2025, 8, 31)) == {
        "adapt": date(2026, 2, 28),
        "qualify": date(2026, 8, 31),
        "shape": date(2027, 8, 31),
        "excel": date(2028, 8, 31),
    }
