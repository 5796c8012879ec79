"""RULES G8: the share of rural primary teachers holding 专科 (大专) or above and of junior
(初中) teachers holding 本科 or above, against targets (85 % within three years: data). A
teacher's level in a year is the highest degree awarded by the end of that year. A teacher with no
degree on record is unknown — counted apart, not as short of the target."""

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
    unknown: int = 0  # no degree on record: not in `total`

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
    rural = [0, 0, 0]
    junior = [0, 0, 0]
    for teacher in teachers:
        if teacher.section == "primary" and teacher.rural:
            tally, minimum = rural, RURAL_PRIMARY_MIN
        elif teacher.section == "junior":
            tally, minimum = junior, JUNIOR_MIN
        else:
            continue
        if not teacher.degrees:
            tally[2] += 1
            continue
        tally[1] += 1
        tally[0] += _at_least(highest(teacher.degrees, end), minimum)
    return Share(*rural), Share(*junior)
