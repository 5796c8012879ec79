"""The shipped presets evaluate as RULES.md section A says (tables, no database)."""

from datetime import date
from decimal import Decimal

import pytest

from peixun.policies.rules import evaluate, parse_policy, preset
from peixun.policies.tests.builders import BALANCED_360, hours, teacher

AS_OF = date(2030, 6, 30)


def lines(result) -> dict:
    return {line.rule_id: line for line in result.lines}


# --- five-year-360 (A1–A8) --------------------------------------------------------------------------


def test_a_balanced_record_of_360_hours_is_compliant_with_36_credits():
    result = evaluate(preset("five-year-360"), teacher(), BALANCED_360, AS_OF)
    assert result.compliant
    assert (result.required_hours, result.counted_hours, result.credits) == (360, 360, Decimal("36.0"))
    assert (result.period.start, result.period.end) == (date(2026, 1, 1), date(2030, 12, 31))


def test_hours_above_the_school_share_do_not_count_toward_the_total():
    result = evaluate(
        preset("five-year-360"), teacher(), [*BALANCED_360, hours(100, "practice", "school")], AS_OF
    )
    school = lines(result)["level_school"]
    assert result.compliant
    assert (result.earned_hours, result.counted_hours) == (460, 360)
    assert (school.earned, school.counted, school.excess) == (280, 180, 100)
    assert "超出上限的 100.0 学时不计入总学时" in school.message


def test_senior_titles_need_540_hours_and_shares_of_540():
    result = evaluate(preset("five-year-360"), teacher(title="senior"), BALANCED_360, AS_OF)
    found = lines(result)
    assert not result.compliant
    assert result.required_hours == 540
    assert result.shortfall_hours == 180
    assert found["level_city"].required == Decimal("54.0") and found["level_city"].ok
    assert found["level_county"].shortfall == 42
    assert found["level_school"].shortfall == 90
    assert found["total"].message == "总学时还差 180.0 学时"


def test_a_missing_category_is_named_with_the_hours_still_needed():
    record = [line for line in BALANCED_360 if line.category != "practice"] + [
        hours(100, "knowledge_skills", "school")
    ]
    result = evaluate(preset("five-year-360"), teacher(), record, AS_OF)
    assert not result.compliant
    assert result.counted_hours == 360
    assert lines(result)["practice"].message == "实践体验还差 100.0 学时"
    assert result.short_rules == ["practice"]


def test_ethics_within_ethics_and_literacy_is_its_own_minimum():
    record = [hours(60, "ethics_literacy", "city"), *BALANCED_360[1:]]  # no ethics tag
    found = lines(evaluate(preset("five-year-360"), teacher(), record, AS_OF))
    assert found["ethics_literacy"].ok
    assert found["ethics"].message == "师德教育还差 60.0 学时"


def test_head_teachers_need_30_hours_of_the_head_teacher_topic():
    policy = preset("five-year-360")
    assert (
        lines(evaluate(policy, teacher(roles={"head_teacher"}), BALANCED_360, AS_OF))[
            "head_teacher"
        ].shortfall
        == 30
    )
    record = [hours(30, "knowledge_skills", "city", tags=("head_teacher_topic",)), *BALANCED_360]
    assert evaluate(policy, teacher(roles={"head_teacher"}), record, AS_OF).compliant
    assert "head_teacher" not in lines(evaluate(policy, teacher(), BALANCED_360, AS_OF))


def test_a_teacher_hired_mid_cycle_owes_a_share_by_years_in_post_and_the_first_year_probation():
    policy = preset("five-year-360")
    new = teacher(hire_date=date(2028, 9, 1))  # years 2028, 2029, 2030 of 2026–2030: 3/5
    result = evaluate(policy, new, [], date(2029, 6, 1))
    found = lines(result)
    assert result.required_hours == 216
    assert found["ethics_literacy"].required == 72
    assert found["level_school"].required == 108
    assert found["probation"].required == 120  # still within the first year
    assert "probation" not in lines(evaluate(policy, new, [], date(2029, 9, 1)))


def test_retired_and_away_teachers_are_exempt():
    result = evaluate(preset("five-year-360"), teacher(status="retired"), [], AS_OF)
    assert result.compliant and result.exempt
    assert result.required_hours == 0
    assert result.lines[0].message == "退休、离岗或离职，本周期免于学时要求"


def test_teachers_retiring_in_the_cycle_may_skip_city_and_county_training():
    retiring = teacher(gender="female", birth_date=date(1972, 5, 1))  # 55 on 2027-05-01
    record = [
        hours(60, "ethics_literacy", "school", tags=("ethics",)),
        hours(60, "ethics_literacy", "school"),
        hours(60, "knowledge_skills", "school"),
        hours(36, "knowledge_skills", "county"),
    ]
    result = evaluate(preset("five-year-360"), retiring, record, AS_OF)
    found = lines(result)
    assert found["level_city"].exempt and found["level_county"].exempt
    assert result.required_hours == 216  # 360 − 36 (city) − 108 (county)
    assert result.counted_hours == 216  # 180 school (its cap) + 36 county
    assert {line.rule_id for line in result.lines if not line.ok} == {"knowledge_skills", "practice"}


def test_hours_outside_the_cycle_or_after_the_day_do_not_count():
    record = [hours(360, on=date(2025, 12, 31)), hours(10, on=date(2030, 7, 1))]
    result = evaluate(preset("five-year-360"), teacher(), record, AS_OF)
    assert result.earned_hours == 0


# --- five-year-360-county180 (A9–A10) ---------------------------------------------------------------


def test_county180_needs_half_at_county_level_or_above_and_half_school_based():
    policy = preset("five-year-360-county180")
    record = [hours(100, level="city"), hours(100, level="provincial"), hours(160, level="school")]
    result = evaluate(policy, teacher(), record, AS_OF)
    assert result.counted_hours == 360 and not result.compliant
    assert lines(result)["school_based"].message == "校本研修还差 20.0 学时"
    assert lines(result)["county_or_above"].ok
    assert evaluate(policy, teacher(), [*record, hours(20, level="school")], AS_OF).compliant


# --- annual-72 (A12–A13) ------------------------------------------------------------------------------

SCHOOL_YEAR_DAY = date(2027, 3, 1)
SENIOR_RECORD = [
    hours(48, mode="concentrated", on=date(2026, 10, 1)),
    hours(24, level="school", mode="school_based", on=date(2026, 11, 1)),
]


@pytest.mark.parametrize(
    ("section", "compliant", "short"),
    [
        ("senior", True, []),
        ("junior", False, ["basic_school_based"]),
        ("primary", False, ["basic_school_based"]),
    ],
)
def test_annual_72_splits_hours_by_section(section, compliant, short):
    result = evaluate(preset("annual-72"), teacher(section=section), SENIOR_RECORD, SCHOOL_YEAR_DAY)
    assert result.compliant is compliant
    assert result.short_rules == short
    assert result.credits == Decimal("36.0")  # 2 学时 = 1 学分
    assert (result.period.start, result.period.end) == (date(2026, 9, 1), date(2027, 8, 31))


def test_annual_72_counts_only_the_current_school_year():
    record = [hours(72, mode="concentrated", on=date(2026, 8, 31))]
    assert evaluate(preset("annual-72"), teacher(), record, SCHOOL_YEAR_DAY).earned_hours == 0


def test_trainers_need_concentrated_training_and_school_based_guidance():
    trainer = teacher(section="senior", roles={"trainer"})
    result = evaluate(preset("annual-72"), trainer, SENIOR_RECORD, SCHOOL_YEAR_DAY)
    assert result.short_rules == ["trainer_guidance"]
    guidance = hours(
        48, level="school", mode="school_based", tags=("school_based_guidance",), on=date(2027, 1, 5)
    )
    assert evaluate(preset("annual-72"), trainer, [*SENIOR_RECORD, guidance], SCHOOL_YEAR_DAY).compliant


# --- school-based-24 (A14), included in a cycle policy ---------------------------------------------

CYCLE_WITH_YEARLY_CAPS = """
code: county-cycle
name: 区县五年周期（含校本研修年度上限）
period: {kind: cycle, years: 5, anchor: 2021-01-01}
required: {hours: 360}
include: [school-based-24]
"""


def test_school_based_hours_count_up_to_yearly_caps_for_prescribed_and_own_content():
    policy = parse_policy(CYCLE_WITH_YEARLY_CAPS)
    record = [
        hours(200, level="school", tags=("prescribed",), on=date(2026, 3, 1)),  # capped at 120
        hours(50, level="school", on=date(2026, 4, 1)),
        hours(150, level="school", on=date(2027, 4, 1)),  # own content capped at 120
        hours(120, level="school", tags=("prescribed",), on=date(2028, 4, 1)),
        hours(130, level="school", on=date(2028, 5, 1)),  # 120 + 120 = 240, the yearly total cap
    ]
    result = evaluate(policy, teacher(), record, AS_OF)
    found = lines(result)
    assert result.counted_hours == 170 + 120 + 240
    assert found["school_based_prescribed_cap"].excess == 80
    assert found["school_based_own_cap"].excess == 40
    assert found["school_based_cap"].maximum == 240


# --- annual-60 (A15) --------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "compliant", "short"), [(60, True, 0), ("59.5", False, Decimal("0.5"))])
def test_annual_60_needs_60_hours_in_the_calendar_year(amount, compliant, short):
    result = evaluate(
        preset("annual-60"), teacher(), [hours(amount, on=date(2026, 5, 1))], date(2026, 12, 31)
    )
    assert (result.compliant, result.shortfall_hours) == (compliant, short)


@pytest.mark.parametrize(("birth_date", "excused"), [(date(1972, 5, 1), True), (date(1973, 5, 1), False)])
def test_a_cut_off_date_excuses_electives_only_for_those_retiring_before_it(birth_date, excused):
    """RULES A8 as data: retiring (55 for a woman) before 2028-01-01 excuses the city and county
    electives; retiring on 2028-05-01 does not."""
    policy = preset("five-year-360")
    cut_off = [
        item.model_copy(update={"retiring_by_period_end": False, "retiring_before": date(2028, 1, 1)})
        if item.id == "retiring"
        else item
        for item in policy.exemptions
    ]
    policy = parse_policy(
        {**policy.model_dump(mode="json"), "exemptions": [e.model_dump(mode="json") for e in cut_off]}
    )
    result = evaluate(policy, teacher(gender="female", birth_date=birth_date), [], AS_OF)
    found = lines(result)
    assert found["level_city"].exempt is excused
    assert result.required_hours == (216 if excused else 360)
