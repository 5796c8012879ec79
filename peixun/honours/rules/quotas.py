"""Quotas of a selection (RULES E6, E7): how many of each honour one selection may confer. A
quota is data on the selection; this module only compares counts with it."""

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Excess:
    """An honour whose chosen count is over its quota."""

    kind: str
    quota: int
    chosen: int


def excesses(chosen: Mapping[str, int], quotas: Mapping[str, int]) -> list[Excess]:
    """The honours over quota, in the order of `quotas`. An honour with no quota has none left."""
    found = [
        Excess(kind, quotas.get(kind, 0), count)
        for kind, count in chosen.items()
        if count > quotas.get(kind, 0)
    ]
    order = list(quotas)
    return sorted(found, key=lambda excess: order.index(excess.kind) if excess.kind in order else len(order))
