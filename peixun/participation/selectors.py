"""Reads of the daily participation snapshots: the series of the chart."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet, Sum

from peixun.participation.models import DailySnapshot

MEASURES = ("enrolled", "active", "checked_in", "completed")


@dataclass(frozen=True)
class Point:
    day: date
    enrolled: int
    active: int
    checked_in: int
    completed: int


def series(rows: QuerySet[DailySnapshot]) -> list[Point]:
    """One point per day, the rows summed (all the schools and trainings selected)."""
    totals = rows.values("day").annotate(**{name: Sum(name) for name in MEASURES}).order_by("day")
    return [Point(item["day"], *(item[name] or 0 for name in MEASURES)) for item in totals]
