"""RULES A6, G9: a new teacher's 见习期 and growth stages — adapt in half a year (半年适应), pass in
one (一年合格), shape in two (两年成型), show results in three (三年出成果) — each tested in its year."""

from datetime import date

from peixun.records.rules.qualification import add_years

STAGES = ("adapt", "qualify", "shape", "excel")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - one of the days above always exists


def stage_dates(joined_on: date) -> dict[str, date]:
    """When each stage's test falls due."""
    return {
        "adapt": add_months(joined_on, 6),
        "qualify": add_years(joined_on, 1),
        "shape": add_years(joined_on, 2),
        "excel": add_years(joined_on, 3),
    }
