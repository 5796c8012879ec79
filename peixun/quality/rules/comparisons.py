"""Comparisons of training results, plain Python (RULES D9, F8, G4).

A Mark is one trainee's outcome in a project: graded (passed or failed, with the total when there
is one) or not yet graded (待评分). A Tally of marks gives, per unit (a county, a town, a school):
how many were graded and how many wait, the mean total, the pass rate and the excellence rate
(shares of the graded), and how the totals fall into score bands. The trainees still to be graded
are counted and shown but never enter a rate: an unknown result is neither a pass nor a fail.

The same shares serve the schools' pass rates over a year (F8: the pass rate of a school's
teachers feeds its supervision rating) and the plan against what ran (G4).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")

# Score bands: (lowest total included, or None for no floor; the band's label). Totals are out of
# 100; a band runs from its floor up to the next band's floor (exclusive).
BANDS: tuple[tuple[Decimal | None, str], ...] = (
    (None, "<60"),
    (Decimal("60"), "60–69"),
    (Decimal("70"), "70–79"),
    (Decimal("80"), "80–89"),
    (Decimal("90"), "≥90"),
)
BAND_LABELS: tuple[str, ...] = tuple(label for _floor, label in BANDS)


@dataclass(frozen=True)
class Mark:
    """One trainee's outcome: `graded` False while the result waits (待评分); `total` may be None
    for a graded result failed by a gate before any score was computed."""

    graded: bool
    passed: bool = False
    excellent: bool = False
    total: Decimal | None = None


@dataclass(frozen=True)
class Tally:
    trainees: int  # every trainee counted, graded or not
    graded: int
    passed: int
    excellent: int
    mean: Decimal | None  # of the graded totals, one decimal; None when none has a total
    bands: tuple[int, ...]  # graded totals per band of BANDS

    @property
    def ungraded(self) -> int:
        return self.trainees - self.graded

    @property
    def failed(self) -> int:
        return self.graded - self.passed

    @property
    def pass_rate(self) -> Decimal | None:
        return percent(self.passed, self.graded)

    @property
    def excellent_rate(self) -> Decimal | None:
        return percent(self.excellent, self.graded)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage to one decimal, or None when there is nothing to divide
    (unknown, never zero)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def band_of(total: Decimal) -> int:
    """The index in BANDS of the band a total falls in."""
    index = 0
    for position, (floor, _label) in enumerate(BANDS):
        if floor is None or total >= floor:
            index = position
    return index


def tally(marks: Iterable[Mark]) -> Tally:
    trainees = graded = passed = excellent = 0
    totals: list[Decimal] = []
    bands = [0] * len(BANDS)
    for mark in marks:
        trainees += 1
        if not mark.graded:
            continue
        graded += 1
        passed += mark.passed
        excellent += mark.excellent
        if mark.total is not None:
            totals.append(mark.total)
            bands[band_of(mark.total)] += 1
    mean = (
        (sum(totals, Decimal("0")) / len(totals)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
        if totals
        else None
    )
    return Tally(trainees, graded, passed, excellent, mean, tuple(bands))


def group(marks: Iterable[tuple[str, Mark]]) -> dict[str, Tally]:
    """Tallies by key (a unit's org path), in the order keys first appear."""
    grouped: dict[str, list[Mark]] = {}
    for key, mark in marks:
        grouped.setdefault(key, []).append(mark)
    return {key: tally(items) for key, items in grouped.items()}


def child_key(path: str, node_path: str, segment: int) -> str | None:
    """Under the node `node_path`, the path of the node's child that holds `path` (the node itself
    when `path` is the node); None when `path` lies outside the node. Paths are fixed-width
    segments, `segment` characters each."""
    if not path.startswith(node_path):
        return None
    if len(path) <= len(node_path):
        return node_path
    return path[: len(node_path) + segment]


def common_root(paths: Sequence[str], segment: int) -> str:
    """The deepest org path every one of `paths` lies under ("" for none)."""
    if not paths:
        return ""
    first, last = min(paths), max(paths)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[: length // segment * segment]
