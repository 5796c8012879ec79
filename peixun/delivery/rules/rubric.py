"""A simple rubric (评分标准) for an assignment, without Django: criteria, each with its maximum
points, that add up to the assignment's maximum score; the score of a submission is the sum of the
points given per criterion.

Written as text, one criterion a line: `内容完整：40` (a full-width or half-width colon, or a
comma, between the name and the points)."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

Criterion = dict[str, str]  # {"name": …, "max": "40"}

MAX_CRITERIA = 12
_SPLIT = re.compile(r"\s*[:：,，]\s*(?=[^:：,，]*$)")


@dataclass(frozen=True)
class RubricError(Exception):
    """Why the rubric text (line `line`, from 1) or the points given cannot be taken."""

    code: str
    line: int = 0


def _points(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.1")):
        return None
    return value


def parse(text: str) -> list[Criterion]:
    """The criteria of the text: [{"name": …, "max": "40"}, …]; [] for a blank text. Raises
    RubricError: a line without points ("no_points"), points not a positive number with at most
    one decimal ("bad_points"), a name twice ("duplicate"), too many lines ("too_many")."""
    criteria: list[Criterion] = []
    names: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = _SPLIT.split(line, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip():
            raise RubricError("no_points", number)
        name, points = parts[0].strip()[:60], _points(parts[1])
        if points is None or points <= 0:
            raise RubricError("bad_points", number)
        if name in names:
            raise RubricError("duplicate", number)
        names.add(name)
        criteria.append({"name": name, "max": str(points)})
    if len(criteria) > MAX_CRITERIA:
        raise RubricError("too_many")
    return criteria


def as_text(criteria: list[Criterion]) -> str:
    return "\n".join(f"{item['name']}：{item['max']}" for item in criteria)


def maximum(criteria: list[Criterion]) -> Decimal:
    return sum((Decimal(item["max"]) for item in criteria), Decimal(0))


def score(criteria: list[Criterion], given: list[str]) -> tuple[Decimal, list[str]]:
    """The score of points `given` per criterion (in order) and the points as stored. Raises
    RubricError("missing", n) for a criterion left blank and ("out_of_range", n) for points below
    0, above the criterion's maximum or with more than one decimal (n counts criteria from 1)."""
    if len(given) != len(criteria):
        raise RubricError("missing", len(given) + 1)
    stored = []
    for number, (item, text) in enumerate(zip(criteria, given, strict=True), start=1):
        if not str(text).strip():
            raise RubricError("missing", number)
        points = _points(str(text))
        if points is None or points < 0 or points > Decimal(item["max"]):
            raise RubricError("out_of_range", number)
        stored.append(str(points))
    return sum((Decimal(points) for points in stored), Decimal(0)), stored
