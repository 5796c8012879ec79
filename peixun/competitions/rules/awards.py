"""Awards (RULES E4): individual 一/二/三等奖 by shares of the ranked competitors, a school's team
award by its share of winners, and the organisation award.

Each level's count is its cumulative share of the ranked competitors rounded half up; a competitor
tied with the last one inside a level gets that level too (ties are never split across levels).
"""

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

FIRST = "first"
SECOND = "second"
THIRD = "third"
LEVELS = (FIRST, SECOND, THIRD)


def _count(n: int, share: Decimal) -> int:
    return int((Decimal(n) * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate(ranked: Sequence[tuple[int, int]], shares: Sequence[Decimal]) -> dict[int, str]:
    """{key: level} for `ranked` = [(key, rank)] best first and the shares of each level in order."""
    awards: dict[int, str] = {}
    n = len(ranked)
    cumulative = Decimal(0)
    position = 0
    for level, share in zip(LEVELS, shares, strict=False):
        cumulative += share
        limit = min(_count(n, cumulative), n)
        last_rank = None
        while position < n and (position < limit or ranked[position][1] == last_rank):
            key, rank_ = ranked[position]
            awards[key] = level
            last_rank = rank_
            position += 1
    return awards


def team_awards(entrants: Mapping[int, int], winners: Mapping[int, int], share: Decimal) -> list[int]:
    """The schools whose winners are at least `share` of their entrants (and at least one)."""
    return sorted(
        school
        for school, count in entrants.items()
        if count > 0 and winners.get(school, 0) > 0 and Decimal(winners.get(school, 0)) / count >= share
    )
