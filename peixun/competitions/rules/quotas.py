"""Stage quotas (RULES E3): how many of a unit's entrants go on to the next stage, and how many of
those the unit nominates and how many are drawn at random.

The rounding is explicit and stored with the competition (`ROUNDINGS`): the default rounds half up
and gives every unit with at least one entrant at least one place, so a school of 1–3 entrants
sends one teacher (30 % of 3 is 0.9 → 1; of 1 is 0.3 → 0, raised to 1). Of the places, the
nominated share is rounded half up too and the draw takes the rest: 1 place → 1 nominated, 0
drawn; 2 → 1 + 1; 3 → 2 + 1; 5 → 3 + 2.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

HALF_UP_MIN_ONE = "half_up_min_one"
HALF_UP = "half_up"
CEILING = "ceiling"
FLOOR = "floor"
ROUNDINGS = (HALF_UP_MIN_ONE, HALF_UP, CEILING, FLOOR)
_MODES = {HALF_UP_MIN_ONE: ROUND_HALF_UP, HALF_UP: ROUND_HALF_UP, CEILING: ROUND_CEILING, FLOOR: ROUND_FLOOR}


@dataclass(frozen=True)
class Quota:
    entrants: int
    places: int
    nominated: int
    drawn: int


def places(entrants: int, rate: Decimal, rounding: str = HALF_UP_MIN_ONE) -> int:
    """The unit's places for `entrants` at `rate` (0.30 for 30 %)."""
    if entrants < 0 or rate < 0 or rate > 1:
        raise ValueError("entrants and rate out of range")
    if rounding not in _MODES:
        raise ValueError(f"unknown rounding {rounding!r}")
    count = int((Decimal(entrants) * rate).quantize(Decimal(1), rounding=_MODES[rounding]))
    if rounding == HALF_UP_MIN_ONE and entrants > 0:
        count = max(count, 1)
    return min(count, entrants)


def split(places_: int, nominated_share: Decimal) -> tuple[int, int]:
    """(nominated, drawn) of a unit's places: the nominated share rounded half up, the rest drawn."""
    nominated = int((Decimal(places_) * nominated_share).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    nominated = min(max(nominated, 0), places_)
    return nominated, places_ - nominated


def quota(entrants: int, rate: Decimal, nominated_share: Decimal, rounding: str = HALF_UP_MIN_ONE) -> Quota:
    count = places(entrants, rate, rounding)
    nominated, drawn = split(count, nominated_share)
    return Quota(entrants=entrants, places=count, nominated=nominated, drawn=drawn)


def quotas(
    entrants_by_unit: Mapping[int, int],
    rate: Decimal,
    nominated_share: Decimal,
    rounding: str = HALF_UP_MIN_ONE,
) -> dict[int, Quota]:
    return {unit: quota(n, rate, nominated_share, rounding) for unit, n in sorted(entrants_by_unit.items())}
