"""RULES G8: the share of rural primary teachers holding 专科 (大专) or above and of junior
(初中) teachers holding 本科 or above, against targets (85 % within three years: data). A
teacher's level in a year is the highest degree awarded by the end of that year."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# Degree levels, lowest first.
LEVELS = ("secondary", "college", "bachelor", "master", "doctor")
RANK = {code: index for index, code in enumerate(LEVELS)}
RURAL_PRIMARY_MIN = "college"
JUNIOR_MIN = "bachelor"


@dataclass(frozen=True)
class Teacher:
    section: str
    rural: bool
    degrees: tuple[tuple[str, date], ...]  # (level, awarded on)


@dataclass(frozen=True)
class Share:
    qualified: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        """None when there is nobody to count (unknown, not zero)."""
        if not self.total:
            return None
        return (Decimal(100) * self.qualified / self.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def meets(self, target: Decimal) -> bool | None:
        percent = self.percent
        return None if percent is None else percent >= target


def highest(degrees: Iterable[tuple[str, date]], by: date) -> str | None:
    held = [level for level, awarded in degrees if awarded <= by and level in RANK]
    return max(held, key=RANK.__getitem__) if held else None


def _at_least(level: str | None, minimum: str) -> bool:
    return level is not None and RANK[level] >= RANK[minimum]


def shares(teachers: Iterable[Teacher], year: int) -> tuple[Share, Share]:
    """(rural primary with 专科 or above, junior with 本科 or above) at the end of `year`."""
    end = date(year, 12, 31)
    rural = [0, 0]
    junior = [0, 0]
    for teacher in teachers:
        if teacher.section == "primary" and teacher.rural:
            rural[1] += 1
            rural[0] += _at_least(highest(teacher.degrees, end), RURAL_PRIMARY_MIN)
        elif teacher.section == "junior":
            junior[1] += 1
            junior[0] += _at_least(highest(teacher.degrees, end), JUNIOR_MIN)
    return Share(*rural), Share(*junior)
