"""Properties of the evaluation that must hold for any record (hypothesis).

- adding a positive entry never turns compliant into non-compliant;
- the order of entries does not matter;
- a reversal (the same entry with negative hours) exactly undoes its entry;
- an adjustment taking hours away never raises the counted hours nor makes anyone compliant;
- counted ≤ earned, in total and for every rule, and neither below zero (adjustments included);
- no cap is exceeded (per period, and per year for yearly caps).
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from peixun.policies.rules import Earned, Evaluator, Facts, codes, parse_policy, preset, preset_codes

WITH_YEARLY_CAPS = parse_policy(
    {
        "code": "cycle-with-caps",
        "name": "周期含年度上限",
        "period": {"kind": "cycle", "years": 5, "anchor": "2021-01-01"},
        "required": {"hours": 360, "by_title": {"senior": 540}},
        "include": ["school-based-24"],
        "rules": [
            {
                "id": "city",
                "label": "市级",
                "select": {"level_at_least": "city"},
                "min_share": 0.1,
                "max_share": 0.2,
            },
            {"id": "ethics", "label": "师德", "select": {"tags": ["ethics"]}, "min_hours": 60},
        ],
        "new_teachers": {"prorate": True},
    }
)
POLICIES = [preset(code) for code in preset_codes()] + [WITH_YEARLY_CAPS]
AS_OF = date(2030, 12, 31)

facts_strategy = st.builds(
    Facts,
    gender=st.sampled_from(codes.GENDERS),
    birth_date=st.dates(date(1965, 1, 1), date(2000, 12, 31)),
    title=st.sampled_from(codes.TITLES),
    section=st.sampled_from(codes.SECTIONS),
    roles=st.frozensets(st.sampled_from(codes.PERSON_ROLES), max_size=3),
    hire_date=st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2030, 12, 1))),
    status=st.sampled_from(codes.STATUSES),
)


def earned_strategy(start: date = date(2025, 6, 1), end: date = AS_OF):
    return st.builds(
        Earned,
        on=st.dates(start, end),
        hours=st.integers(1, 400).map(lambda halves: Decimal(halves) / 2),
        category=st.sampled_from(list(codes.CATEGORIES)),
        level=st.sampled_from(list(codes.LEVELS)),
        mode=st.sampled_from(list(codes.MODES)),
        tags=st.frozensets(st.sampled_from(list(codes.KNOWN_TAGS)), max_size=2),
        credit_class=st.sampled_from(list(codes.CREDIT_CLASSES)),
        source=st.sampled_from(list(codes.SOURCES)),
    )


records = st.lists(earned_strategy(), max_size=25)
adjustments_taking_away = earned_strategy().map(
    lambda item: replace(item, hours=-item.hours, source="adjustment")
)
records_with_adjustments = st.lists(st.one_of(earned_strategy(), adjustments_taking_away), max_size=25)
policies = st.sampled_from(POLICIES)
days = st.dates(date(2026, 1, 1), AS_OF)


@settings(max_examples=300, deadline=None)
@given(policies, facts_strategy, records_with_adjustments, earned_strategy(), days)
def test_adding_a_positive_entry_never_turns_compliant_into_non_compliant(
    policy, facts, record, extra, as_of
):
    evaluator = Evaluator(policy)
    before = evaluator.evaluate(facts, record, as_of)
    after = evaluator.evaluate(facts, [*record, extra], as_of)
    assert not (before.compliant and not after.compliant)
    assert after.counted_hours >= before.counted_hours


@settings(max_examples=200, deadline=None)
@given(policies, facts_strategy, records, st.randoms(use_true_random=False), days)
def test_the_order_of_entries_does_not_matter(policy, facts, record, random, as_of):
    shuffled = list(record)
    random.shuffle(shuffled)
    evaluator = Evaluator(policy)
    assert evaluator.evaluate(facts, record, as_of) == evaluator.evaluate(facts, shuffled, as_of)


@settings(max_examples=200, deadline=None)
@given(policies, facts_strategy, records, earned_strategy(), days)
def test_a_reversal_exactly_undoes_its_entry(policy, facts, record, entry, as_of):
    evaluator = Evaluator(policy)
    reversal = replace(entry, hours=-entry.hours)
    assert evaluator.evaluate(facts, [*record, entry, reversal], as_of) == evaluator.evaluate(
        facts, record, as_of
    )


@settings(max_examples=300, deadline=None)
@given(policies, facts_strategy, records_with_adjustments, adjustments_taking_away, days)
def test_an_adjustment_taking_hours_away_never_helps(policy, facts, record, adjustment, as_of):
    evaluator = Evaluator(policy)
    before = evaluator.evaluate(facts, record, as_of)
    after = evaluator.evaluate(facts, [*record, adjustment], as_of)
    assert after.counted_hours <= before.counted_hours
    assert after.earned_hours <= before.earned_hours
    assert not (after.compliant and not before.compliant)


@settings(max_examples=300, deadline=None)
@given(policies, facts_strategy, records_with_adjustments, days)
def test_counted_never_exceeds_earned_and_no_cap_is_exceeded(policy, facts, record, as_of):
    result = Evaluator(policy).evaluate(facts, record, as_of)
    assert 0 <= result.counted_hours <= result.earned_hours
    rules = {rule.id: rule for rule in policy.rules}
    for line in result.lines:
        assert 0 <= line.counted <= line.earned
        assert line.excess == line.earned - line.counted
        rule = rules.get(line.rule_id)
        if line.maximum is not None and rule is not None and rule.per == "period":
            assert line.counted <= line.maximum


@settings(max_examples=300, deadline=None)
@given(facts_strategy, st.integers(2026, 2030), st.data())
def test_yearly_caps_hold_within_each_year(facts, year, data):
    record = data.draw(st.lists(earned_strategy(date(year, 1, 1), date(year, 12, 31)), max_size=25))
    result = Evaluator(WITH_YEARLY_CAPS).evaluate(facts, record, AS_OF)
    for line in result.lines:
        if line.rule_id.startswith("school_based_") and not result.exempt:
            assert line.counted <= line.maximum
