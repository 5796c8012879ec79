"""Adjustments that take hours away (ledger source `adjustment`, negative hours) count in compliance:
they come off the total and off every requirement whose selection matches the kind of hours they
name, before the caps, and nothing goes below zero (docs/policies.md, "Adjustments"). Tables, no
database."""

from datetime import date
from decimal import Decimal

import pytest

from peixun.policies.rules import evaluate, preset
from peixun.policies.tests.builders import BALANCED_360, hours, teacher

AS_OF = date(2030, 6, 30)
FIVE_YEAR = preset("five-year-360")


def adjustment(amount, category="knowledge_skills", level="county", mode="concentrated", tags=(), on=None):
    return hours(amount, category, level, mode, tags=tags, on=on or date(2028, 5, 1), source="adjustment")


def by_rule(result) -> dict:
    return {line.rule_id: line for line in result.lines}


@pytest.mark.parametrize(
    ("extra", "counted", "compliant", "earned", "deducted"),
    [
        # The defect: 360 h and −20 h were still 360 counted and compliant.
        pytest.param(
            [adjustment(-20)], 340, False, {"knowledge_skills": 120, "level_county": 100}, 20, id="minus-20"
        ),
        # Ethics hours taken away: 师德教育 and 师德与素养 both lose them, and the city level.
        pytest.param(
            [adjustment(-10, "ethics_literacy", "city", tags=("ethics",))],
            350,
            False,
            {"ethics": 50, "ethics_literacy": 110, "level_city": 50, "knowledge_skills": 140},
            10,
            id="ethics-tagged",
        ),
        # Without the ethics tag only the category loses them.
        pytest.param(
            [adjustment(-10, "ethics_literacy", "county")],
            350,
            False,
            {"ethics": 60, "ethics_literacy": 110, "level_county": 110},
            10,
            id="category-only",
        ),
        # Only the requirements the adjustment's kind falls in lose hours: national practice
        # comes off 实践体验 and 市级及以上, not off 区县级 or 校本.
        pytest.param(
            [adjustment(-10, "practice", "national")],
            350,
            False,
            {"level_city": 50, "practice": 90, "level_county": 120, "level_school": 180, "ethics": 60},
            10,
            id="only-where-it-matches",
        ),
        # School hours above the 50 % cap: the cap applies to what is left, the total is unchanged.
        pytest.param(
            [
                hours(40, "practice", "school", "school_based"),
                adjustment(-30, "practice", "school", "school_based"),
            ],
            360,
            True,
            {"level_school": 190, "practice": 110},
            30,
            id="within-a-cap",
        ),
        # Taken past the cap: 210 school hours, 40 taken, 170 left and counted.
        pytest.param(
            [
                hours(30, "practice", "school", "school_based"),
                adjustment(-40, "practice", "school", "school_based"),
            ],
            350,
            False,
            {"level_school": 170},
            40,
            id="past-a-cap",
        ),
        # More taken than ever earned: nothing goes below zero.
        pytest.param(
            [
                adjustment(-2000, "knowledge_skills", "county"),
                adjustment(-2000, "practice", "school", "school_based"),
            ],
            0,
            False,
            {"knowledge_skills": 0, "level_county": 0, "practice": 0, "level_school": 0, "ethics": 60},
            4000,
            id="never-below-zero",
        ),
        # Outside the period, or after the day: not counted.
        pytest.param(
            [adjustment(-20, on=date(2025, 12, 31))],
            360,
            True,
            {"knowledge_skills": 140},
            0,
            id="before-the-period",
        ),
        # A positive adjustment adds hours like any other.
        pytest.param([adjustment(20)], 380, True, {"knowledge_skills": 160}, 0, id="positive"),
        # The adjustment reversed: as if it had never been posted.
        pytest.param(
            [adjustment(-20), adjustment(20)], 360, True, {"knowledge_skills": 140}, 0, id="reversed"
        ),
    ],
)
def test_adjustments_take_hours_from_the_total_and_from_the_requirements_they_match(
    extra, counted, compliant, earned, deducted
):
    result = evaluate(FIVE_YEAR, teacher(), [*BALANCED_360, *extra], AS_OF)
    lines = by_rule(result)
    assert result.counted_hours == counted
    assert lines["total"].counted == counted
    assert result.compliant is compliant
    assert {rule: lines[rule].earned for rule in earned} == earned
    assert result.deducted_hours == deducted
    assert result.earned_hours >= 0 and result.counted_hours >= 0


def test_an_adjustment_dated_after_the_day_does_not_count_yet():
    later = adjustment(-20, on=date(2030, 7, 1))
    result = evaluate(FIVE_YEAR, teacher(), [*BALANCED_360, later], AS_OF)
    assert (result.counted_hours, result.compliant, result.deducted_hours) == (360, True, 0)


def test_the_messages_say_how_many_hours_adjustments_took_away():
    result = evaluate(FIVE_YEAR, teacher(), [*BALANCED_360, adjustment(-20)], AS_OF)
    lines = by_rule(result)
    assert lines["total"].message == "总学时还差 20.0 学时（已按调减 20.0 学时核算）"
    assert lines["knowledge_skills"].message == "知识与技能还差 20.0 学时（已按调减 20.0 学时核算）"
    assert lines["knowledge_skills"].deducted == 20
    assert lines["practice"].message == "实践体验已完成"
    assert lines["practice"].deducted == 0


def test_a_met_requirement_still_names_the_hours_taken_from_it():
    result = evaluate(FIVE_YEAR, teacher(), [*BALANCED_360, hours(20), adjustment(-20)], AS_OF)
    lines = by_rule(result)
    assert result.compliant
    assert lines["total"].message == "总学时已达到要求（360.0/360.0 学时，已按调减 20.0 学时核算）"
    assert lines["knowledge_skills"].message == "知识与技能已完成（已按调减 20.0 学时核算）"


def test_an_exempt_person_keeps_exemption_and_the_hours_left_after_an_adjustment():
    result = evaluate(FIVE_YEAR, teacher(status="retired"), [*BALANCED_360, adjustment(-20)], AS_OF)
    assert result.exempt and result.compliant
    assert (result.earned_hours, result.counted_hours, result.deducted_hours) == (340, 340, 20)


def test_the_figures_with_an_adjustment_are_in_the_json_output():
    data = evaluate(FIVE_YEAR, teacher(), [*BALANCED_360, adjustment(-20)], AS_OF).as_dict()
    assert data["deducted_hours"] == 20.0
    assert {line["rule_id"]: line["deducted"] for line in data["rules"]}["knowledge_skills"] == 20.0
    assert Decimal(str(data["counted_hours"])) == 340
