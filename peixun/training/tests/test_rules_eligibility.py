"""The target rules, as tables: who may enrol, who must, and the reasons for the rest (no database)."""

from datetime import date
from typing import Any

import pytest

from peixun.training.rules.eligibility import (
    PastTraining,
    PersonFacts,
    Prize,
    TargetRules,
    age_on,
    evaluate,
    level_at_or_above,
)

TODAY = date(2026, 9, 1)
COUNTY = "00000001/00000003/"
SCHOOL = COUNTY + "00000005/"
OTHER = "00000009/00000010/"


def person(**fields) -> PersonFacts:
    base: dict[str, Any] = {
        "person_id": 1,
        "org_path": SCHOOL,
        "gender": "female",
        "birth_date": date(1985, 3, 14),
        "section": "primary",
        "subjects": ("语文",),
        "title": "first",
        "roles": (),
    }
    base.update(fields)
    return PersonFacts(**base)


def codes(decision) -> list[str]:
    return [reason.code for reason in decision.reasons]


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(1974, 12, 31), date(2026, 12, 31), 52),
        (date(1975, 1, 1), date(2026, 12, 31), 51),
        (date(1974, 12, 31), date(2026, 12, 30), 51),
        (date(2000, 2, 29), date(2026, 2, 28), 25),
    ],
)
def test_age_on_counts_whole_years(birth, day, age):
    assert age_on(birth, day) == age


@pytest.mark.parametrize(
    ("level", "floor", "expected"),
    [("national", "city", True), ("city", "city", True), ("county", "city", False), ("bogus", "city", False)],
)
def test_levels_compare_from_the_top_down(level, floor, expected):
    assert level_at_or_above(level, floor) is expected


@pytest.mark.parametrize(
    ("rules", "facts", "reasons"),
    [
        (TargetRules(), person(), []),
        (TargetRules(org_paths=(COUNTY,)), person(), []),
        (TargetRules(org_paths=(OTHER,)), person(), ["org"]),
        (TargetRules(exclude_org_paths=(SCHOOL,)), person(), ["excluded_org"]),
        (TargetRules(sections=frozenset({"junior"})), person(), ["section"]),
        (TargetRules(subjects=frozenset({"数学"})), person(), ["subject"]),
        (TargetRules(titles=frozenset({"senior"})), person(), ["title"]),
        (TargetRules(roles=frozenset({"head_teacher"})), person(roles=("backbone",)), ["role"]),
        (TargetRules(roles=frozenset({"head_teacher", "backbone"})), person(roles=("backbone",)), []),
        (TargetRules(gender="male"), person(), ["gender"]),
        (TargetRules(), person(status="retired"), ["status"]),
        (TargetRules(min_age=30), person(birth_date=date(2000, 1, 1)), ["too_young"]),
        (
            TargetRules(sections=frozenset({"junior"}), titles=frozenset({"senior"})),
            person(),
            ["section", "title"],
        ),
    ],
)
def test_each_rule_gives_its_own_reason(rules, facts, reasons):
    decision = evaluate(rules, facts, today=TODAY, project_year=2026)
    assert codes(decision) == reasons
    assert decision.eligible is (not reasons)


B1 = TargetRules(max_age_male=52, max_age_female=47)


@pytest.mark.parametrize(
    ("gender", "birth", "eligible"),
    [
        ("male", date(1974, 12, 31), True),  # 52 on 31 December 2026
        ("male", date(1974, 12, 30), True),
        ("male", date(1973, 12, 31), False),  # 53
        ("female", date(1979, 12, 31), True),  # 47
        ("female", date(1978, 12, 31), False),  # 48
        ("female", date(1979, 1, 1), True),  # 47 on 31 December, though 48 in January 2027
    ],
)
def test_b1_age_limits_are_read_on_31_december_of_the_project_year(gender, birth, eligible):
    decision = evaluate(B1, person(gender=gender, birth_date=birth), today=TODAY, project_year=2026)
    assert decision.eligible is eligible
    assert decision.mandatory is eligible


def test_b1_with_limits_for_the_mandatory_only_the_older_may_still_enrol_by_choice():
    rules = TargetRules(max_age_male=52, max_age_female=47, age_limits_mandatory_only=True)
    older = evaluate(rules, person(birth_date=date(1970, 1, 1)), today=TODAY, project_year=2026)
    younger = evaluate(rules, person(birth_date=date(1990, 1, 1)), today=TODAY, project_year=2026)
    assert (older.eligible, older.mandatory) == (True, False)
    assert (younger.eligible, younger.mandatory) == (True, True)


def test_an_explicit_reference_date_replaces_31_december():
    rules = TargetRules(max_age_female=47, age_reference=date(2026, 9, 1))
    decision = evaluate(rules, person(birth_date=date(1978, 12, 31)), today=TODAY, project_year=2026)
    assert decision.eligible  # 47 on 1 September


def test_the_too_old_reason_names_the_limit_and_the_age():
    decision = evaluate(B1, person(birth_date=date(1970, 5, 1)), today=TODAY, project_year=2026)
    (reason,) = decision.reasons
    assert reason.code == "too_old"
    assert (reason.param("limit"), reason.param("age")) == (47, 56)


@pytest.mark.parametrize(
    ("trainings", "excluded"),
    [
        ((PastTraining("all_staff", "city", 2024),), True),
        ((PastTraining("all_staff", "provincial", 2022),), True),
        ((PastTraining("all_staff", "county", 2025),), False),  # below city level
        ((PastTraining("all_staff", "city", 2021),), False),  # outside the five years 2022–2026
        ((PastTraining("backbone", "city", 2025),), False),  # another type
    ],
)
def test_b6_people_trained_at_city_level_or_above_are_excluded(trainings, excluded):
    rules = TargetRules(
        exclude_trained_level="city", exclude_trained_type="all_staff", exclude_trained_years=5
    )
    decision = evaluate(rules, person(trainings=trainings), today=TODAY, project_year=2026)
    assert ("already_trained" in codes(decision)) is excluded


@pytest.mark.parametrize(
    ("prize", "excluded"),
    [
        (Prize("county", "first", 2023), True),
        (Prize("city", "first", 2022), True),
        (Prize("county", "second", 2025), False),  # only first prizes exclude here
        (Prize("school", "first", 2025), False),
        (Prize("county", "first", 2021), False),
    ],
)
def test_b5_recent_first_prize_winners_at_county_level_or_above_are_excluded(prize, excluded):
    rules = TargetRules(
        exclude_prize_level="county", exclude_prize_years=5, exclude_prize_ranks=frozenset({"first"})
    )
    decision = evaluate(rules, person(prizes=(prize,)), today=TODAY, project_year=2026)
    assert ("prize" in codes(decision)) is excluded


def test_b8_the_subjects_a_person_may_enrol_in_are_those_of_the_project_they_teach():
    rules = TargetRules(subjects=frozenset({"语文", "数学", "英语"}))
    decision = evaluate(rules, person(subjects=("数学", "科学")), today=TODAY, project_year=2026)
    assert decision.subjects == ("数学",)
