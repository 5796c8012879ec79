"""Grade bands with caps on their share (no Django): RULES D6, "18–20 优秀 … 优秀 at most 25 % per
school" (docs/decisions/0036-band-cap-tie-break.md).

Each trainee first gets the highest band whose minimum their value reaches. Over the total, a
failed trainee gets the lowest band; over one component (`basis: practice`), the band grades that
part alone, pass or fail; a value not given yet (the practice score still to come) gives no band.

Then, band by band from the top, a capped band keeps at most floor(cap × group size) trainees of
each group (school, class or the whole project; the size counts every trainee of the group), the
best first; the rest move down one band and are capped again there. "Best" is the higher value,
then the scheme's tie-break keys in order (`total`, a component's score, `lottery`: a draw number
from the project's public seed and the person, as in ADR 0022, so anyone can re-run it). Trainees
still equal on every key at the cut move down together: the cap is never exceeded.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from peixun.assessment.rules.scheme import LOTTERY, TOTAL, Band
from peixun.training.rules.lottery import uniform


@dataclass(frozen=True)
class Row:
    id: int
    value: Decimal | None
    passed: bool
    school: int | None = None
    cohort: int | None = None
    total: Decimal | None = None
    scores: Mapping[str, Decimal | None] = field(default_factory=dict)  # component key → 0–100
    person: int | None = None  # the lottery's key


def _group(row: Row, cap_per: str) -> object:
    if cap_per == "school":
        return ("school", row.school)
    if cap_per == "cohort":
        return ("cohort", row.cohort)
    return ("project",)


def initial(levels: tuple[Band, ...], row: Row, *, alone: bool = False) -> int | None:
    """Index of the band a row reaches before caps; None when its value is not known yet. Over the
    total (`alone` False) a failed row gets the last band; over one part alone, its value decides."""
    if not alone and not row.passed:
        return len(levels) - 1
    if row.value is None:
        return None if alone else len(levels) - 1
    for index, band in enumerate(levels):
        if row.value >= band.min:
            return index
    return len(levels) - 1


def seed_for(project_id: int) -> str:
    """The public seed of a project's band lottery: fixed for the project, so saving the scheme
    again cannot draw again."""
    return f"band-{project_id}"


def _known(value: Decimal | None) -> tuple[int, Decimal]:
    """Descending order with unknown values last: (1, value) sorts above (0, 0)."""
    return (0, Decimal(0)) if value is None else (1, value)


def ranking_key(row: Row, tie_break: Sequence[str], seed: str) -> tuple[tuple[object, ...], int]:
    """The order of a capped band's candidates, best first (sorted ascending on this key). The last
    element is the part that is not a stated key (the row id): rows equal before it are a tie."""
    keys: list[object] = []
    flag, value = _known(row.value)
    keys.append((-flag, -value))
    for item in tie_break:
        if item == LOTTERY:
            # ADR 0022's draw number in (0, 1): the smaller, the earlier. A row without a person
            # draws nothing and stays tied.
            keys.append(uniform(seed, row.person) if row.person is not None else 2.0)
        else:
            flag, value = _known(row.total if item == TOTAL else row.scores.get(item))
            keys.append((-flag, -value))
    return (tuple(keys), row.id)


def assign(
    levels: tuple[Band, ...],
    rows: list[Row],
    *,
    alone: bool = False,
    tie_break: Sequence[str] = (),
    seed: str = "",
) -> dict[int, str]:
    """{row id: band code} for every row that has a band; {} when the scheme has no bands.
    `alone`: the bands grade one component on its own (pass or fail does not matter)."""
    if not levels:
        return {}
    placed: dict[int, int] = {}
    for row in rows:
        index = initial(levels, row, alone=alone)
        if index is not None:
            placed[row.id] = index
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
            if placed.get(row.id) == index:
                members[_group(row, band.cap_per)].append(row)
        for group, group_rows in members.items():
            allowed = int(band.cap_share * size[group])  # floor: "at most"
            if len(group_rows) <= allowed:
                continue
            ranked = sorted(((ranking_key(r, tie_break, seed), r) for r in group_rows), key=lambda p: p[0])
            keep = allowed
            if allowed > 0 and ranked[allowed][0][0] == ranked[allowed - 1][0][0]:
                # Equal on every stated key across the cut: none of them can be preferred.
                cut = ranked[allowed - 1][0][0]
                keep = sum(1 for key, _row in ranked if key[0] < cut)
            for _key, row in ranked[keep:]:
                placed[row.id] = index + 1
    return {row_id: levels[index].code for row_id, index in placed.items()}
