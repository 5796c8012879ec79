"""Grade bands with caps on their share (no Django): RULES D6, "优秀 at most 25 % per school".

Each trainee first gets the highest band whose minimum their value reaches (a failed trainee gets
the lowest band). Then, band by band from the top, a capped band keeps at most
floor(cap × group size) trainees of each group (school, class or the whole project), the best
first; the rest move down one band and are capped again there. A tie that straddles the cut moves
down together, so the cap is never exceeded and equal values are never split.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from peixun.assessment.rules.scheme import Band


@dataclass(frozen=True)
class Row:
    id: int
    value: Decimal | None
    passed: bool
    school: int | None = None
    cohort: int | None = None


def _group(row: Row, cap_per: str) -> object:
    if cap_per == "school":
        return ("school", row.school)
    if cap_per == "cohort":
        return ("cohort", row.cohort)
    return ("project",)


def initial(levels: tuple[Band, ...], row: Row) -> int:
    """Index of the band a row reaches before caps (the last band when failed or without value)."""
    if not row.passed or row.value is None:
        return len(levels) - 1
    for index, band in enumerate(levels):
        if row.value >= band.min:
            return index
    return len(levels) - 1


def assign(levels: tuple[Band, ...], rows: list[Row]) -> dict[int, str]:
    """{row id: band code}; {} when the scheme has no bands."""
    if not levels:
        return {}
    placed = {row.id: initial(levels, row) for row in rows}
    sizes: dict[str, dict[object, int]] = {}
    for index, band in enumerate(levels[:-1]):
        if band.cap_share is None:
            continue
        size = sizes.setdefault(band.cap_per, defaultdict(int))
        if not size:
            for row in rows:
                size[_group(row, band.cap_per)] += 1
        members: dict[object, list[Row]] = defaultdict(list)
        for row in rows:
            if placed[row.id] == index:
                members[_group(row, band.cap_per)].append(row)
        for group, group_rows in members.items():
            allowed = int(band.cap_share * size[group])  # floor: "at most"
            if len(group_rows) <= allowed:
                continue
            ordered = sorted(group_rows, key=lambda r: (-(r.value or 0), r.id))
            keep = allowed
            if allowed > 0 and ordered[allowed].value == ordered[allowed - 1].value:
                cut = ordered[allowed - 1].value or Decimal(0)
                keep = sum(1 for row in ordered if (row.value or 0) > cut)
            for row in ordered[keep:]:
                placed[row.id] = index + 1
    return {row_id: levels[index].code for row_id, index in placed.items()}
