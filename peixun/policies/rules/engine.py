"""The evaluation: (policy, person facts, earned hours, as_of) → a Result that says whether the person
meets the policy in the period containing `as_of`, and, rule by rule, what is still missing.

How hours count (docs/policies.md explains it with examples):
- Only hours earned in the period and on or before `as_of` count; hours are summed per cell
  (date, category, tags, level, mode, credit class, source), so the order of entries does not
  matter and a reversal (the same cell, negative hours) exactly undoes its entry.
- A cell whose sum is negative is hours taken away (an adjustment, RULES "Readings"): they come
  off the total and off every rule whose selection matches the kind of hours the adjustment
  names, before the caps; no figure goes below zero. Each line says how many hours adjustments
  took from it (`deducted`).
- Minimums count every hour earned in their selection. Maxima limit what counts toward the total:
  caps apply one after another — yearly caps first, then the more specific selection before the
  more general, then in document order — and the hours above a cap are taken from the latest
  cells first (what was earned after the cap was reached is what does not count).
- The required total is the largest value that applies to the person (by title, role, section),
  reduced for teachers hired during the period when the policy pro-rates (RULES A6); minimums
  and maxima given in hours for the whole period are reduced by the same factor.
- Exemptions excuse either everything (compliant, nothing required) or the rules they name.

Pure Python: no Django, no database. Messages are Chinese, as users read them.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from peixun.lib.dates import format_hours
from peixun.policies.rules import codes
from peixun.policies.rules.document import AppliesTo, Exemption, Policy, Rule, Select
from peixun.policies.rules.periods import Period, period_containing

ZERO = Decimal(0)
TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Earned:
    """Hours earned on a day (or, from a monthly rollup, in the month starting on `on`)."""

    on: date
    hours: Decimal
    category: str
    level: str
    mode: str
    tags: frozenset[str] = frozenset()
    credit_class: str = "A"
    source: str = "project"


@dataclass(frozen=True, slots=True)
class Facts:
    """What a policy may ask about a person."""

    gender: str = ""
    birth_date: date | None = None
    title: str = "none"
    section: str = ""
    roles: frozenset[str] = frozenset()
    hire_date: date | None = None
    status: str = "active"


@dataclass(frozen=True, slots=True)
class Line:
    """One rule's outcome. `kind` is total, minimum or maximum; `required` is the minimum (or,
    for a maximum-only rule, the cap) and `maximum` the cap, if any (per year for a yearly cap);
    `earned` counts every selected hour (net of adjustments, never below zero), `counted` those
    that count toward the total after the caps; `excess` = earned − counted; `deducted` is the
    hours negative adjustments took away from the selection."""

    rule_id: str
    label: str
    kind: str
    required: Decimal | None
    maximum: Decimal | None
    earned: Decimal
    counted: Decimal
    shortfall: Decimal
    excess: Decimal
    ok: bool
    exempt: bool
    message: str
    deducted: Decimal = Decimal(0)


@dataclass(frozen=True)
class Result:
    policy: str
    period: Period
    as_of: date
    compliant: bool
    exempt: bool
    exemption: str
    required_hours: Decimal
    earned_hours: Decimal
    counted_hours: Decimal
    shortfall_hours: Decimal
    credits: Decimal
    lines: tuple[Line, ...] = field(default=())
    # Hours taken away by negative adjustments in the period (already off earned and counted).
    deducted_hours: Decimal = Decimal(0)

    @property
    def short_rules(self) -> list[str]:
        return [line.rule_id for line in self.lines if not line.ok]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (numbers as floats, dates as ISO text)."""

        def number(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        return {
            "policy": self.policy,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "compliant": self.compliant,
            "exempt": self.exempt,
            "exemption": self.exemption,
            "required_hours": number(self.required_hours),
            "earned_hours": number(self.earned_hours),
            "counted_hours": number(self.counted_hours),
            "shortfall_hours": number(self.shortfall_hours),
            "credits": number(self.credits),
            "deducted_hours": number(self.deducted_hours),
            "rules": [
                {
                    **asdict(line),
                    **{
                        key: number(getattr(line, key))
                        for key in (
                            "required",
                            "maximum",
                            "earned",
                            "counted",
                            "shortfall",
                            "excess",
                            "deducted",
                        )
                    },
                }
                for line in self.lines
            ],
        }


# --- Predicates -----------------------------------------------------------------------------------

# A cell: (date or month, category, sorted tags, level, mode, credit class, source).
CellKey = tuple[date, str, tuple[str, ...], str, str, str, str]
_CellKey = CellKey


def cells_of(items: Iterable[Earned]) -> dict[CellKey, Decimal]:
    """Hours summed per cell: the engine's input, whatever the order of the items."""
    sums: dict[CellKey, Decimal] = defaultdict(Decimal)
    for item in items:
        key = (
            item.on,
            item.category,
            tuple(sorted(item.tags)),
            item.level,
            item.mode,
            item.credit_class,
            item.source,
        )
        sums[key] += item.hours
    return sums


def _select_predicate(select: Select) -> Callable[[_CellKey], bool]:
    categories = frozenset(select.categories)
    tags = frozenset(select.tags)
    not_tags = frozenset(select.not_tags)
    levels: frozenset[str] = frozenset(select.levels)
    if select.level_at_least:
        at_least = frozenset(codes.levels_at_or_above(select.level_at_least))
        levels = (levels & at_least) if levels else at_least
    modes = frozenset(select.modes)
    classes = frozenset(select.credit_classes)
    sources = frozenset(select.sources)

    def matches(key: _CellKey) -> bool:
        _on, category, cell_tags, level, mode, credit_class, source = key
        return (
            (not categories or category in categories)
            and (not tags or not tags.isdisjoint(cell_tags))
            and (not not_tags or not_tags.isdisjoint(cell_tags))
            and (not levels or level in levels)
            and (not modes or mode in modes)
            and (not classes or credit_class in classes)
            and (not sources or source in sources)
        )

    return matches


def selects(rule: Rule, item: Earned) -> bool:
    """Whether hours like `item` would count toward the rule (its selection, not who it binds)."""
    return _select_predicate(rule.select)(next(iter(cells_of([item]))))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def applies(applies_to: AppliesTo, facts: Facts, as_of: date) -> bool:
    if applies_to.sections and facts.section not in applies_to.sections:
        return False
    if applies_to.titles and facts.title not in applies_to.titles:
        return False
    if applies_to.roles and facts.roles.isdisjoint(applies_to.roles):
        return False
    if applies_to.genders and facts.gender not in applies_to.genders:
        return False
    if applies_to.statuses and facts.status not in applies_to.statuses:
        return False
    within = applies_to.hired_within_years
    if within is None:
        return True
    return facts.hire_date is not None and as_of < _add_years(facts.hire_date, within)


def retirement_date(facts: Facts, exemption: Exemption) -> date | None:
    age = exemption.retirement_age.get(facts.gender)  # type: ignore[call-overload]
    if facts.birth_date is None or age is None:
        return None
    return _add_years(facts.birth_date, age)


def exemption_applies(exemption: Exemption, facts: Facts, as_of: date, period: Period) -> bool:
    """Any of the exemption's conditions: a listed status, or retiring within the window."""
    if exemption.statuses and facts.status in exemption.statuses:
        return True
    retiring_on = retirement_date(facts, exemption)
    if retiring_on is None:
        return False
    if exemption.retiring_within_years is not None and retiring_on <= _add_years(
        as_of, exemption.retiring_within_years
    ):
        return True
    if exemption.retiring_before is not None and retiring_on < exemption.retiring_before:
        return True
    return exemption.retiring_by_period_end and retiring_on <= period.end


# --- Evaluation -----------------------------------------------------------------------------------


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _hours(value: Decimal) -> str:
    return format_hours(value)


def _deducted_note(deducted: Decimal) -> str:
    """The words a message adds when adjustments took hours away (Chinese, like the messages)."""
    return f"（已按调减 {_hours(deducted)} 学时核算）" if deducted > 0 else ""


class Evaluator:
    """A policy prepared for evaluating many people (predicates built once)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._predicates = {rule.id: _select_predicate(rule.select) for rule in policy.rules}
        # Which rules select a kind of hour (the cell key without its date), computed once per kind:
        # the same few kinds recur in everyone's record.
        self._kind_rules: dict[tuple[object, ...], frozenset[str]] = {}
        indexed = list(enumerate(policy.rules))
        # Yearly caps first, then the more specific selection, then document order.
        self._cap_order = [
            rule
            for _index, rule in sorted(
                ((index, rule) for index, rule in indexed if rule.has_maximum),
                key=lambda pair: (pair[1].per != "year", -pair[1].select.specificity, pair[0]),
            )
        ]
        quantum = Decimal(1).scaleb(-policy.credits.places)
        rounding = ROUND_DOWN if policy.credits.rounding == "down" else ROUND_HALF_UP
        self._credits: Callable[[Decimal], Decimal] = lambda hours: (
            hours / policy.credits.hours_per_credit
        ).quantize(quantum, rounding=rounding)

    # -- helpers --

    def required_total(self, facts: Facts) -> Decimal:
        required = self.policy.required
        values = [required.hours]
        if facts.title in required.by_title:
            values.append(required.by_title[facts.title])  # type: ignore[index]
        values += [hours for role, hours in required.by_role.items() if role in facts.roles]
        if facts.section in required.by_section:
            values.append(required.by_section[facts.section])  # type: ignore[index]
        return max(values)

    def prorate_factor(self, facts: Facts, period: Period) -> Decimal:
        """RULES A6: the share of the period's years from the year the teacher was hired in."""
        if not self.policy.new_teachers.prorate or facts.hire_date is None or facts.hire_date <= period.start:
            return Decimal(1)
        if facts.hire_date > period.end:
            return Decimal(1)
        years_in_post = period.years - period.year_index(facts.hire_date)
        return Decimal(years_in_post) / Decimal(period.years)

    @staticmethod
    def _in_period(cells: Mapping[CellKey, Decimal], period: Period, as_of: date) -> dict[CellKey, Decimal]:
        """The non-empty cells of the period up to `as_of`, oldest first; a negative cell is hours
        an adjustment takes away."""
        first, last = period.start, min(as_of, period.end)
        return {key: total for key, total in sorted(cells.items()) if total and first <= key[0] <= last}

    def _rules_of(self, key: _CellKey) -> frozenset[str]:
        kind = key[1:]
        found = self._kind_rules.get(kind)
        if found is None:
            found = frozenset(rule_id for rule_id, matches in self._predicates.items() if matches(key))
            self._kind_rules[kind] = found
        return found

    @staticmethod
    def _sums(
        cells: dict[_CellKey, Decimal], selected: dict[_CellKey, frozenset[str]], *, negative: bool = False
    ) -> dict[str, Decimal]:
        """Per rule: the hours of its cells, never below zero; with `negative`, the hours its
        negative cells take away (as a positive number)."""
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for key, hours in cells.items():
            if negative and hours >= 0:
                continue
            for rule_id in selected[key]:
                sums[rule_id] += -hours if negative else hours
        if not negative:
            for rule_id, total in sums.items():
                if total < 0:
                    sums[rule_id] = ZERO
        return sums

    # -- the evaluation --

    def evaluate(self, facts: Facts, items: Iterable[Earned], as_of: date) -> Result:
        return self.evaluate_cells(facts, cells_of(items), as_of)

    def evaluate_cells(
        self, facts: Facts, cells: Mapping[CellKey, Decimal], as_of: date, *, explain: bool = True
    ) -> Result:
        """Evaluate hours already summed per cell (e.g. monthly rollups). Without `explain` the
        lines carry no message (a bulk recompute stores only the figures)."""
        policy = self.policy
        period = period_containing(policy.period, as_of)
        earned = self._in_period(cells, period, as_of)
        earned_total = max(sum(earned.values(), ZERO), ZERO)
        deducted_total = -sum((hours for hours in earned.values() if hours < 0), ZERO)

        excused: dict[str, Exemption] = {}
        for exemption in policy.exemptions:
            if exemption_applies(exemption, facts, as_of, period):
                if not exemption.rules:
                    return self._exempt(exemption, period, as_of, earned_total, deducted_total)
                for rule_id in exemption.rules:
                    excused.setdefault(rule_id, exemption)

        factor = self.prorate_factor(facts, period)
        base_required = _tenth(self.required_total(facts) * factor)
        rules = [rule for rule in policy.rules if applies(rule.applies_to, facts, as_of)]
        applicable = {rule.id for rule in rules}
        # An exemption that reduces the total takes the excused minimums off it (RULES A8).
        reduction = sum(
            (
                self._bound(rule.min_hours, rule.min_share, factor, base_required, rule) or ZERO
                for rule in rules
                if rule.id in excused and excused[rule.id].reduce_total
            ),
            ZERO,
        )
        required_total = max(base_required - reduction, ZERO)

        # Caps still apply to excused rules: an exemption waives a minimum, not a maximum.
        selected = {key: self._rules_of(key) for key in earned}
        counted = dict(earned)
        for rule in self._cap_order:
            if rule.id in applicable:
                self._apply_cap(rule, counted, selected, period, factor, base_required)
        counted_total = max(sum(counted.values(), ZERO), ZERO)
        earned_by_rule, counted_by_rule = self._sums(earned, selected), self._sums(counted, selected)
        deducted_by_rule = self._sums(earned, selected, negative=True) if deducted_total else {}

        total_short = max(required_total - counted_total, ZERO)
        lines = [
            Line(
                rule_id="total",
                label="总学时",
                kind="total",
                required=required_total,
                maximum=None,
                earned=earned_total,
                counted=counted_total,
                shortfall=total_short,
                excess=earned_total - counted_total,
                ok=total_short == 0,
                exempt=False,
                message=(
                    ""
                    if not explain
                    else f"总学时还差 {_hours(total_short)} 学时{_deducted_note(deducted_total)}"
                    if total_short
                    else f"总学时已达到要求（{_hours(counted_total)}/{_hours(required_total)} 学时"
                    f"{f'，已按调减 {_hours(deducted_total)} 学时核算' if deducted_total else ''}）"
                ),
                deducted=deducted_total,
            )
        ]
        for rule in rules:
            excused_by = excused[rule.id].label if rule.id in excused else None
            lines.append(
                self._line(
                    rule,
                    earned_by_rule[rule.id],
                    counted_by_rule[rule.id],
                    factor,
                    base_required,
                    excused_by,
                    explain,
                    deducted_by_rule.get(rule.id, ZERO),
                )
            )
        compliant = all(line.ok for line in lines)
        return Result(
            policy=policy.code,
            period=period,
            as_of=as_of,
            compliant=compliant,
            exempt=False,
            exemption="",
            required_hours=required_total,
            earned_hours=earned_total,
            counted_hours=counted_total,
            shortfall_hours=total_short,
            credits=self._credits(counted_total),
            lines=tuple(lines),
            deducted_hours=deducted_total,
        )

    def _exempt(
        self,
        exemption: Exemption,
        period: Period,
        as_of: date,
        earned_total: Decimal,
        deducted_total: Decimal,
    ) -> Result:
        line = Line(
            rule_id="total",
            label="总学时",
            kind="total",
            required=ZERO,
            maximum=None,
            earned=earned_total,
            counted=earned_total,
            shortfall=ZERO,
            excess=ZERO,
            ok=True,
            exempt=True,
            message=f"{exemption.label}，本周期免于学时要求",
            deducted=deducted_total,
        )
        return Result(
            policy=self.policy.code,
            period=period,
            as_of=as_of,
            compliant=True,
            exempt=True,
            exemption=exemption.label,
            required_hours=ZERO,
            earned_hours=earned_total,
            counted_hours=earned_total,
            shortfall_hours=ZERO,
            credits=self._credits(earned_total),
            lines=(line,),
            deducted_hours=deducted_total,
        )

    def _bound(
        self, hours: Decimal | None, share: Decimal | None, factor: Decimal, required: Decimal, rule: Rule
    ) -> Decimal | None:
        if hours is not None:
            return _tenth(hours * factor) if rule.per == "period" and rule.prorate else hours
        if share is not None:
            return _tenth(share * required)
        return None

    def _apply_cap(
        self,
        rule: Rule,
        counted: dict[_CellKey, Decimal],
        selected: dict[_CellKey, frozenset[str]],
        period: Period,
        factor: Decimal,
        required: Decimal,
    ) -> None:
        cap = self._bound(rule.max_hours, rule.max_share, factor, required, rule)
        if cap is None:  # never: only rules with a maximum are in _cap_order
            return
        groups: dict[int, list[_CellKey]] = defaultdict(list)
        for key in counted:  # keys are sorted: oldest first
            if rule.id in selected[key]:
                groups[period.year_index(key[0]) if rule.per == "year" else 0].append(key)
        for keys in groups.values():
            # Negative adjustments in the selection lower its sum first: the cap applies to what is
            # left after them.
            excess = sum((counted[key] for key in keys), ZERO) - cap
            for key in reversed(keys):  # the latest hours are the ones that do not count
                if excess <= 0:
                    break
                if counted[key] <= 0:
                    continue
                taken = min(counted[key], excess)
                counted[key] -= taken
                excess -= taken

    def _line(
        self,
        rule: Rule,
        rule_earned: Decimal,
        rule_counted: Decimal,
        factor: Decimal,
        required_total: Decimal,
        excused_by: str | None,
        explain: bool = True,
        deducted: Decimal = ZERO,
    ) -> Line:
        excess = rule_earned - rule_counted
        minimum = self._bound(rule.min_hours, rule.min_share, factor, required_total, rule)
        maximum = self._bound(rule.max_hours, rule.max_share, factor, required_total, rule)
        common: dict[str, Any] = {
            "rule_id": rule.id,
            "label": rule.label,
            "maximum": maximum,
            "earned": rule_earned,
            "counted": rule_counted,
            "excess": excess,
            "deducted": deducted,
        }
        if excused_by is not None:
            return Line(
                **common,
                kind="minimum" if minimum is not None else "maximum",
                required=minimum if minimum is not None else maximum,
                shortfall=ZERO,
                ok=True,
                exempt=True,
                message=f"{rule.label}：{excused_by}，免修",
            )
        if minimum is None:
            if not explain:
                message = ""
            elif excess > 0:
                message = f"{rule.label}超出上限 {_hours(excess)} 学时，超出部分不计入总学时"
            else:
                message = f"{rule.label}未超出上限"
            if explain:
                message += _deducted_note(deducted)
            return Line(
                **common,
                kind="maximum",
                required=maximum,
                shortfall=ZERO,
                ok=True,
                exempt=False,
                message=message,
            )
        shortfall = max(minimum - rule_earned, ZERO)
        message = ""
        if explain:
            message = f"{rule.label}还差 {_hours(shortfall)} 学时" if shortfall else f"{rule.label}已完成"
            message += _deducted_note(deducted)
            if maximum is not None and excess > 0:
                message += f"；超出上限的 {_hours(excess)} 学时不计入总学时"
        return Line(
            **common,
            kind="minimum",
            required=minimum,
            shortfall=shortfall,
            ok=shortfall == 0,
            exempt=False,
            message=message,
        )


def evaluate(policy: Policy, facts: Facts, items: Iterable[Earned], as_of: date) -> Result:
    """Evaluate one person; for many, build one Evaluator and call its `evaluate`."""
    return Evaluator(policy).evaluate(facts, items, as_of)
