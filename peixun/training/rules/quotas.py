"""School quotas: a project's places shared among schools, by hand or in proportion to each
school's eligible headcount, and what a school may still take.

`proportional` uses the largest-remainder (Hamilton) method: every school gets the whole part of
its exact share, then the places left go one each to the largest remainders (ties: the larger
headcount, then the smaller key), so the quotas always add up to the capacity — never more —
and the same input always gives the same quotas.

A quota that was not used by its release date goes back to the common pool: after the release,
a school's quota is what it had used, and each place it takes from the pool adds one to both its
quota and its use (so `used ≤ quota` holds throughout and the final quota shows the reallocation).
"""

from collections.abc import Hashable, Mapping
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def proportional(capacity: int, headcounts: Mapping[K, int]) -> dict[K, int]:
    """Quotas adding up to min(capacity, total headcount), in proportion to `headcounts`."""
    if capacity < 0:
        raise ValueError("capacity must not be negative")
    counts = {key: max(0, int(n)) for key, n in headcounts.items()}
    total = sum(counts.values())
    if total == 0:
        return dict.fromkeys(counts, 0)
    places = min(capacity, total)
    exact = {key: Fraction(places * n, total) for key, n in counts.items()}
    quotas = {key: int(share) for key, share in exact.items()}
    left = places - sum(quotas.values())
    order = sorted(counts, key=lambda key: (-(exact[key] - quotas[key]), -counts[key], str(key)))
    for key in order[:left]:
        quotas[key] += 1
    return quotas


def room(quota: int, used: int) -> int:
    """Places a school may still take under its quota."""
    return max(0, quota - used)


def unused(quotas: Mapping[Hashable, tuple[int, int]]) -> int:
    """Places a release returns to the pool: the sum of quota − used over (quota, used) pairs."""
    return sum(room(quota, used) for quota, used in quotas.values())
