"""The figures of a school's annual training return (学校教师培训年报): pure functions over the
facts a selector gathers, so a return can be computed, summed and frozen without Django.

- Training by level: a full-time teacher (在职专任教师) counts at a level when their hours posted at
  that level in the year come to more than zero (adjustments and reversals included); the average
  is those teachers' hours divided by their number, to one decimal.
- Degrees: the teachers awarded a degree in the year, each once.
- Spending: the school's training spending of the year as a share of its public funds (RULES F5);
  unknown figures stay unknown (None), never zero.
- Competitions: per level, the teachers holding a prize of the year and the prizes by grade.

`Figures.as_json()` is what a confirmed return stores; `Figures.from_json` reads it back.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from peixun.finance.rules.shares import actual_share

# The levels of the return, as the form prints them (lowest first).
TRAINING_LEVELS = ("county", "city", "provincial", "national", "overseas")
PRIZE_LEVELS = ("national", "provincial", "city")
GRADES = ("first", "second", "third")
TENTH = Decimal("0.1")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Level:
    """Teachers trained at one level and their hours there."""

    teachers: int = 0
    hours: Decimal = ZERO

    @property
    def average(self) -> Decimal | None:
        if not self.teachers:
            return None
        return (self.hours / self.teachers).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Prizes:
    """Teachers with a prize at one level in the year, and the prizes by grade."""

    teachers: int = 0
    first: int = 0
    second: int = 0
    third: int = 0


@dataclass(frozen=True)
class Figures:
    teachers: int
    levels: Mapping[str, Level]
    degrees: int
    spending: Decimal
    public_funds: Decimal | None
    prizes: Mapping[str, Prizes]
    schools: int = 1
    # In a sum: the schools that entered their public funds, and their spending (the share covers
    # only those schools).
    schools_with_funds: int = 0
    funded_spending: Decimal | None = None

    @property
    def share(self) -> Decimal | None:
        """Training spending as a percentage of public funds; None when the funds are unknown."""
        spent = self.spending if self.funded_spending is None else self.funded_spending
        return actual_share(spent, self.public_funds)

    @property
    def training_levels(self) -> list[Level]:
        """The levels in the form's order (county first)."""
        return [self.levels[code] for code in TRAINING_LEVELS]

    @property
    def prize_levels(self) -> list[Prizes]:
        """The prizes in the form's order (national first)."""
        return [self.prizes[code] for code in PRIZE_LEVELS]

    def as_json(self) -> dict[str, Any]:
        return {
            "teachers": self.teachers,
            "levels": {
                code: {"teachers": level.teachers, "hours": str(level.hours)}
                for code, level in self.levels.items()
            },
            "degrees": self.degrees,
            "spending": str(self.spending),
            "public_funds": None if self.public_funds is None else str(self.public_funds),
            "prizes": {
                code: {"teachers": p.teachers, "first": p.first, "second": p.second, "third": p.third}
                for code, p in self.prizes.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Figures":
        funds = data.get("public_funds")
        return cls(
            teachers=int(data["teachers"]),
            levels={
                code: Level(int(value["teachers"]), Decimal(value["hours"]))
                for code, value in data["levels"].items()
            },
            degrees=int(data["degrees"]),
            spending=Decimal(data["spending"]),
            public_funds=None if funds is None else Decimal(funds),
            prizes={code: Prizes(**value) for code, value in data["prizes"].items()},
            schools_with_funds=0 if funds is None else 1,
        )


def compute(
    *,
    teachers: int,
    hours: Iterable[tuple[int, str, Decimal]],
    degree_holders: Iterable[int],
    spending: Decimal,
    public_funds: Decimal | None,
    prizes: Iterable[tuple[int, str, str]],
) -> Figures:
    """One school's figures from its facts: `hours` as (teacher, level, net hours of the year),
    `degree_holders` the teachers awarded a degree in the year, `prizes` as (teacher, level, grade)."""
    trained: dict[str, list[Decimal]] = {code: [] for code in TRAINING_LEVELS}
    for _person, level, total in hours:
        if level in trained and total > 0:
            trained[level].append(total)
    levels = {code: Level(len(found), sum(found, ZERO)) for code, found in trained.items()}
    holders: dict[str, set[int]] = {code: set() for code in PRIZE_LEVELS}
    grades: dict[str, dict[str, int]] = {code: dict.fromkeys(GRADES, 0) for code in PRIZE_LEVELS}
    for person, level, grade in prizes:
        if level in holders and grade in GRADES:
            holders[level].add(person)
            grades[level][grade] += 1
    return Figures(
        teachers=teachers,
        levels=levels,
        degrees=len(set(degree_holders)),
        spending=spending,
        public_funds=public_funds,
        prizes={code: Prizes(len(holders[code]), **grades[code]) for code in PRIZE_LEVELS},
        schools_with_funds=0 if public_funds is None else 1,
    )


def total(rows: Iterable[Figures]) -> Figures:
    """The sum of the schools' figures (the return's total row). Averages are recomputed from the
    summed hours; the spending share covers the schools that entered their public funds, and stays
    unknown when none did."""
    rows = list(rows)
    known = [row for row in rows if row.public_funds is not None]
    return Figures(
        teachers=sum(row.teachers for row in rows),
        levels={
            code: Level(
                sum(row.levels[code].teachers for row in rows),
                sum((row.levels[code].hours for row in rows), ZERO),
            )
            for code in TRAINING_LEVELS
        },
        degrees=sum(row.degrees for row in rows),
        spending=sum((row.spending for row in rows), ZERO),
        public_funds=sum((row.public_funds or ZERO for row in known), ZERO) if known else None,
        prizes={
            code: Prizes(
                sum(row.prizes[code].teachers for row in rows),
                sum(row.prizes[code].first for row in rows),
                sum(row.prizes[code].second for row in rows),
                sum(row.prizes[code].third for row in rows),
            )
            for code in PRIZE_LEVELS
        },
        schools=len(rows),
        schools_with_funds=len(known),
        funded_spending=sum((row.spending for row in known), ZERO),
    )
