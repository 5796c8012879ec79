"""Who competes in which group, and who may ask to be excused (RULES B3, B4, B5).

A group is data: a section (or any) and a birth-date range; youth is "born on or after" a date
(1980-01-01 in the seed), read from the ID number. The first group that fits is the person's.
Fewer than five years to retirement is "born on or before" a cut-off date by gender (data).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class GroupRule:
    key: int
    section: str = ""  # "" for any section
    born_from: date | None = None  # on or after
    born_before: date | None = None  # strictly before


def group_for(rules: Sequence[GroupRule], *, section: str, birth_date: date | None) -> int | None:
    for rule in rules:
        if rule.section and rule.section != section:
            continue
        if (rule.born_from or rule.born_before) and birth_date is None:
            continue
        if rule.born_from and birth_date is not None and birth_date < rule.born_from:
            continue
        if rule.born_before and birth_date is not None and birth_date >= rule.born_before:
            continue
        return rule.key
    return None


def near_retirement(*, birth_date: date | None, gender: str, male_cutoff: date, female_cutoff: date) -> bool:
    if birth_date is None:
        return False
    cutoff = male_cutoff if gender == "male" else female_cutoff
    return birth_date <= cutoff


@dataclass(frozen=True)
class Prize:
    year: int
    level: str  # county, city, provincial, national, school
    award: str  # first, second, third


COUNTY_OR_ABOVE = frozenset({"county", "city", "provincial", "national"})


def excluded_by_prize(prizes: Sequence[Prize], *, year: int, years: int) -> Prize | None:
    """The county-level-or-above first prize in the last `years` years (year − years to year), if any."""
    for prize in prizes:
        if prize.award == "first" and prize.level in COUNTY_OR_ABOVE and year - years <= prize.year <= year:
            return prize
    return None
