"""Periods: cycles from an anchor, calendar years and school years."""

from datetime import date

import pytest

from peixun.policies.rules.document import Period as Spec
from peixun.policies.rules.periods import period_containing

CYCLE = Spec(kind="cycle", years=5, anchor=date(2021, 1, 1))


@pytest.mark.parametrize(
    ("spec", "day", "start", "end"),
    [
        (CYCLE, date(2026, 11, 23), date(2026, 1, 1), date(2030, 12, 31)),
        (CYCLE, date(2025, 12, 31), date(2021, 1, 1), date(2025, 12, 31)),
        (CYCLE, date(2021, 1, 1), date(2021, 1, 1), date(2025, 12, 31)),
        (CYCLE, date(2019, 5, 1), date(2016, 1, 1), date(2020, 12, 31)),
        (Spec(kind="calendar_year"), date(2026, 2, 28), date(2026, 1, 1), date(2026, 12, 31)),
        (Spec(kind="school_year"), date(2026, 8, 31), date(2025, 9, 1), date(2026, 8, 31)),
        (Spec(kind="school_year"), date(2026, 9, 1), date(2026, 9, 1), date(2027, 8, 31)),
        (
            Spec(kind="cycle", years=3, anchor=date(2020, 9, 1)),
            date(2023, 8, 31),
            date(2020, 9, 1),
            date(2023, 8, 31),
        ),
    ],
)
def test_the_period_containing_a_day(spec, day, start, end):
    period = period_containing(spec, day)
    assert (period.start, period.end) == (start, end)
    assert day in period


def test_years_of_a_cycle_and_the_year_a_day_falls_in():
    period = period_containing(CYCLE, date(2027, 6, 1))
    assert period.year_starts() == [date(year, 1, 1) for year in range(2026, 2031)]
    assert period.year_index(date(2026, 1, 1)) == 0
    assert period.year_index(date(2028, 12, 31)) == 2
    assert period.year_index(date(2030, 12, 31)) == 4
