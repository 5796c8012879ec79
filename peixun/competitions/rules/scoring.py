"""A competitor's score at a stage (RULES D7): each item's score is the mean of its judges' scores
(optionally trimmed: with three judges or more the highest and the lowest are dropped), and the
total is the weighted mean of the items (weights in percent: 100 for the standard items). An item without a
score leaves the total unknown — unknown is not zero.

Ties (stated on the results page): a higher total first; then the higher score on the item of the
largest weight, then the next; competitors still equal share the rank (1, 1, 3).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_TWO = Decimal("0.01")


def item_score(scores: Sequence[Decimal], *, trimmed: bool = False) -> Decimal | None:
    values = sorted(scores)
    if not values:
        return None
    if trimmed and len(values) >= 3:
        values = values[1:-1]
    return (sum(values, Decimal(0)) / len(values)).quantize(_TWO, rounding=ROUND_HALF_UP)


def weighted_total(items: Mapping[int, Decimal | None], weights: Mapping[int, Decimal]) -> Decimal | None:
    """Σ score × weight / Σ weight over the competitor's items (a school's added item joins its own
    competitors' sum); None while any item has no score."""
    total = Decimal(0)
    weight_sum = Decimal(0)
    for item, weight in weights.items():
        score = items.get(item)
        if score is None:
            return None
        total += score * weight
        weight_sum += weight
    if weight_sum == 0:
        return None
    return (total / weight_sum).quantize(_TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Scored:
    key: int
    total: Decimal | None
    # Item scores in the order of the tie-break: the largest weight first.
    by_weight: tuple[Decimal, ...] = ()


def rank(scored: Sequence[Scored]) -> list[tuple[int, int]]:
    """(key, rank) for the competitors with a total, best first; equal totals and tie-break scores
    share a rank. Competitors without a total are left out (not ranked last)."""
    known = [s for s in scored if s.total is not None]
    known.sort(key=lambda s: (-(s.total or 0), tuple(-v for v in s.by_weight), s.key))
    ranked: list[tuple[int, int]] = []
    previous: tuple[Decimal | None, tuple[Decimal, ...]] | None = None
    current = 0
    for position, s in enumerate(known, start=1):
        sort_key = (s.total, s.by_weight)
        if sort_key != previous:
            current = position
            previous = sort_key
        ranked.append((s.key, current))
    return ranked
