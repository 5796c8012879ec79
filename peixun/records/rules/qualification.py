"""RULES G7: a teacher qualification certificate (教师资格证) is registered again (定期注册) every
`period_years` years from its issue or its last registration; `remind_days` before that day the
teacher and the school are told. The period and the notice are data (RecordsPolicy)."""

from datetime import date, timedelta

DUE_SOON = "due_soon"
OVERDUE = "overdue"
DUE_THIS_YEAR = "due_this_year"
CURRENT = "current"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def due_on(issued_on: date, registered_on: date | None, period_years: int) -> date:
    """The day the next registration is due."""
    return add_years(max(issued_on, registered_on or issued_on), period_years)


def standing(due: date, today: date, remind_days: int) -> str:
    if due < today:
        return OVERDUE
    if due <= today + timedelta(days=remind_days):
        return DUE_SOON
    if due.year == today.year:
        return DUE_THIS_YEAR
    return CURRENT


def remind_now(due: date, today: date, remind_days: int, reminded_for: date | None) -> bool:
    """Whether to tell now: within the notice window (or overdue) and not yet told for this date."""
    return reminded_for != due and due <= today + timedelta(days=remind_days)
