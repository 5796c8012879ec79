"""Periods: the stretch of time containing a date under a policy's period spec, and its years.

A cycle of N years from an anchor (2021-01-01 → 2021–2025, 2026–2030 …, and backwards 2016–2020),
a calendar year, or a school year from the first of a month (1 September → 2026-09-01 to
2027-08-31). Every period starts on the first of a month, so monthly rollups fit it exactly.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from peixun.policies.rules.document import Period as PeriodSpec


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # inclusive
    years: int

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def year_starts(self) -> list[date]:
        """The first day of each year of the period (a yearly cap applies to each)."""
        return [_add_years(self.start, offset) for offset in range(self.years)]

    def year_index(self, day: date) -> int:
        """Which year of the period `day` falls in (0-based)."""
        offset = day.year - self.start.year - ((day.month, day.day) < (self.start.month, self.start.day))
        return min(max(offset, 0), self.years - 1)


def _add_years(day: date, years: int) -> date:
    return day.replace(year=day.year + years)  # periods start on the 1st: never 29 February


def period_containing(spec: PeriodSpec, day: date) -> Period:
    if spec.kind == "calendar_year":
        return Period(date(day.year, 1, 1), date(day.year, 12, 31), 1)
    if spec.kind == "school_year":
        year = day.year if day.month >= spec.start_month else day.year - 1
        start = date(year, spec.start_month, 1)
        return Period(start, _add_years(start, 1) - timedelta(days=1), 1)
    anchor = spec.anchor
    if anchor is None:  # the document requires it for cycles
        raise ValueError("a cycle needs an anchor")
    elapsed = day.year - anchor.year - ((day.month, day.day) < (anchor.month, anchor.day))
    start = _add_years(anchor, (elapsed // spec.years) * spec.years)
    return Period(start, _add_years(start, spec.years) - timedelta(days=1), spec.years)
