"""A month of the lesson calendar with China's public holidays and adjusted workdays (调休) marked,
from the chinese-calendar package (no Django).

chinese-calendar publishes the State Council's holiday arrangement year by year; a year it does not
cover yet is shown without marks and `covered` says so, rather than guessing.
"""

import calendar
from dataclasses import dataclass
from datetime import date

import chinese_calendar

# chinese-calendar names holidays in English; the Chinese names are the official ones.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class DayNote:
    """A public holiday (`holiday` True) or a weekend made a workday (`holiday` False), with the
    festival's name in English and Chinese; None for an ordinary day."""

    holiday: bool
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    weekend: bool
    note: DayNote | None


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: tuple[tuple[Day, ...], ...]
    covered: bool  # whether holiday data exists for this year


def covers(year: int) -> bool:
    try:
        chinese_calendar.is_holiday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def note_for(day: date) -> DayNote | None:
    """The holiday or adjusted workday on `day`, if any (None also where no data exists)."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    weekend = day.weekday() >= 5
    if is_holiday and name:
        return DayNote(True, name, HOLIDAY_NAMES_ZH.get(name, name))
    if not is_holiday and weekend:
        # A Saturday or Sunday that is a workday: 调休 for the festival named.
        label = name or ""
        return DayNote(False, label, HOLIDAY_NAMES_ZH.get(label, label))
    return None


def month(year: int, month_number: int) -> Month:
    """The weeks (Monday first) of a month, days outside it included to fill the weeks."""
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month_number):
        weeks.append(tuple(Day(d, d.month == month_number, d.weekday() >= 5, note_for(d)) for d in week))
    return Month(year, month_number, tuple(weeks), covers(year))


def shift(year: int, month_number: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month_number - 1) + by
    return index // 12, index % 12 + 1
