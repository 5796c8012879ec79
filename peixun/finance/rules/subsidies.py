"""Book subsidies (RULES F7): one per active teacher per school year; a second run adds only the
teachers still missing."""

from collections.abc import Iterable

ACTIVE = "active"


def missing(active_ids: Iterable[int], already: Iterable[int]) -> list[int]:
    done = set(already)
    return sorted(pid for pid in set(active_ids) if pid not in done)
