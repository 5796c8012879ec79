"""RULES A10/A14: the yearly caps on school-based hours, read from the policy in force (its yearly
maxima over school-level hours: prescribed, school-chosen and all), never from code; the checks a
plan must pass before it is submitted; and how much of each registered line the caps let count."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from peixun.policies.rules.document import Rule

PRESCRIBED_TAG = "prescribed"


@dataclass(frozen=True)
class Caps:
    """Yearly caps in 学时 (None: the policy sets none) and the policy's 学时 per 学分."""

    prescribed: Decimal | None = None
    own: Decimal | None = None
    total: Decimal | None = None
    hours_per_credit: Decimal = Decimal(10)

    @property
    def any(self) -> bool:
        return any(value is not None for value in (self.prescribed, self.own, self.total))


def _school_only(rule: Rule) -> bool:
    select = rule.select
    narrowing = (
        select.categories,
        select.level_at_least,
        select.modes,
        select.credit_classes,
        select.sources,
    )
    return (
        select.levels == ("school",)
        and not any(narrowing)
        and not rule.applies_to.model_dump(exclude_defaults=True)
    )


def caps_from_rules(rules: Iterable[Rule], hours_per_credit: Decimal = Decimal(10)) -> Caps:
    """The yearly maxima (`per: year`, `max_hours`) over school-level hours: tagged prescribed,
    not tagged prescribed, and all of them. The smallest wins where a policy gives two."""
    found: dict[str, Decimal] = {}
    for rule in rules:
        if rule.per != "year" or rule.max_hours is None or not _school_only(rule):
            continue
        tags, not_tags = rule.select.tags, rule.select.not_tags
        if tags == (PRESCRIBED_TAG,) and not not_tags:
            kind = "prescribed"
        elif not_tags == (PRESCRIBED_TAG,) and not tags:
            kind = "own"
        elif not tags and not not_tags:
            kind = "total"
        else:
            continue
        value = Decimal(rule.max_hours)
        found[kind] = min(found.get(kind, value), value)
    return Caps(hours_per_credit=hours_per_credit, **found)


@dataclass(frozen=True)
class PlannedLine:
    topic_id: int | None  # the prescribed topic the line carries out, if any
    hours: Decimal


@dataclass(frozen=True)
class Problem:
    """Why a plan cannot be submitted: `kind` is missing_topic, no_lines or over_cap (which of
    prescribed / own / total in `what`, by `excess` 学时 over `cap`)."""

    kind: str
    what: str = ""
    title: str = ""
    planned: Decimal = Decimal(0)
    cap: Decimal = Decimal(0)
    excess: Decimal = Decimal(0)


def plan_problems(lines: Sequence[PlannedLine], topics: dict[int, str], caps: Caps) -> list[Problem]:
    """Everything that keeps a plan from being submitted: no line, each prescribed topic left
    out (in the order given), each cap exceeded and by how much."""
    problems: list[Problem] = []
    if not lines:
        problems.append(Problem("no_lines"))
    carried = {line.topic_id for line in lines if line.topic_id is not None}
    problems.extend(
        Problem("missing_topic", title=title) for pk, title in topics.items() if pk not in carried
    )
    prescribed = sum((line.hours for line in lines if line.topic_id is not None), Decimal(0))
    own = sum((line.hours for line in lines if line.topic_id is None), Decimal(0))
    for what, planned, cap in (
        ("prescribed", prescribed, caps.prescribed),
        ("own", own, caps.own),
        ("total", prescribed + own, caps.total),
    ):
        if cap is not None and planned > cap:
            problems.append(Problem("over_cap", what=what, planned=planned, cap=cap, excess=planned - cap))
    return problems


@dataclass(frozen=True)
class RegisteredLine:
    key: object
    hours: Decimal
    prescribed: bool


def allocate(lines: Sequence[RegisteredLine], caps: Caps) -> dict[object, Decimal]:
    """How many of each line's hours count, in the order given (earliest first): each line counts
    up to what is left under its own cap (prescribed or school-chosen) and under the total cap;
    the rest is not counted. Steps of 0.5 学时 are kept (the caps and the hours are in them)."""
    left = {"prescribed": caps.prescribed, "own": caps.own, "total": caps.total}
    counted: dict[object, Decimal] = {}
    for line in lines:
        kind = "prescribed" if line.prescribed else "own"
        room = [value for value in (left[kind], left["total"]) if value is not None]
        take = max(Decimal(0), min([line.hours, *room]))
        counted[line.key] = take
        for name in (kind, "total"):
            if left[name] is not None:
                left[name] = left[name] - take  # type: ignore[operator]  # checked not None above
    return counted
