"""What a candidate policy changes, in words, and why one person's standing moves (no database):
the explanation the what-if page and its workbook show (issue 13, defect 8)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from peixun.policies.compare import NO_CURRENT, SAME, person_reasons, policy_changes
from peixun.policies.rules import Earned, Evaluator, Facts, parse_policy, preset
from peixun.policies.rules.presets import preset_text

TEACHER = Facts(
    gender="female",
    birth_date=date(1985, 1, 1),
    title="first",
    section="primary",
    roles=frozenset(),
    hire_date=date(2010, 1, 1),
    status="active",
)
DAY = date(2026, 6, 1)


def hours(value, category="knowledge_skills", level="county"):
    return Earned(
        on=date(2026, 3, 1),
        hours=Decimal(value),
        category=category,
        level=level,
        mode="concentrated",
        tags=frozenset(),
        credit_class="A",
        source="project",
    )


def test_a_preset_against_the_policy_in_force_says_each_difference_in_chinese():
    lines = policy_changes(preset("annual-60"), preset("five-year-360"))
    assert lines[0] == "考核周期：每自然年 → 每 5 年一个周期，自 2021年1月1日 起算"
    assert lines[1].startswith("应修学时：60.0 学时 → 360.0 学时；职称高级 540.0 学时")
    assert "新入职教师：不折算 → 按在职年数折算" in lines
    assert "新增要求“师德与素养”：计入类别：师德与素养，不少于 120.0 学时" in lines
    assert "新增要求“班主任专题培训”：计入标签：班主任专题，不少于 30.0 学时，适用于角色：班主任" in lines
    # An exemption names the rules it excuses by their labels, never by their ids.
    exemption = next(line for line in lines if line.startswith("新增免修"))
    assert "市级及以上培训、区县级培训" in exemption and "level_city" not in exemption


def test_removed_and_changed_rules_and_an_unchanged_policy():
    lines = policy_changes(preset("five-year-360"), preset("five-year-360-county180"))
    assert "取消要求“师德与素养”（原为：计入类别：师德与素养，不少于 120.0 学时）" in lines
    assert "新增要求“县级及以上培训”：计入层级：区县级及以上，不少于 180.0 学时" in lines
    changed = parse_policy(preset_text("annual-60").replace("hours: 60", "hours: 30"))
    assert policy_changes(preset("annual-60"), changed) == ["应修学时：60.0 学时 → 30.0 学时"]
    assert policy_changes(preset("annual-60"), preset("annual-60")) == [SAME]
    fresh = policy_changes(None, preset("annual-60"))
    assert fresh[:3] == [NO_CURRENT, "考核周期：每自然年", "应修学时：60.0 学时"]


def test_a_person_newly_short_is_told_which_requirement_and_the_hours_before_and_after():
    items = [hours(60, "practice", "school")]
    before = Evaluator(preset("annual-60")).evaluate(TEACHER, items, DAY)
    after = Evaluator(preset("five-year-360")).evaluate(TEACHER, items, DAY)
    reasons = person_reasons(before, after)
    assert reasons[0] == (
        "总学时：现行（2026年1月1日至2026年12月31日）要求 60.0 学时，已有 60.0 学时，已达到"
        " → 拟议（2026年1月1日至2030年12月31日）要求 360.0 学时，已有 60.0 学时，还差 300.0 学时"
    )
    assert "师德与素养：现行无此要求 → 拟议要求 120.0 学时，已有 0.0 学时，还差 120.0 学时" in reasons
    # Met on both sides: not a reason.
    assert not any(reason.startswith("班主任专题培训") for reason in reasons)


def test_a_person_newly_compliant_and_one_without_a_policy_today():
    items = [hours(40)]
    lower = parse_policy(preset_text("annual-60").replace("hours: 60", "hours: 30"))
    before = Evaluator(preset("annual-60")).evaluate(TEACHER, items, DAY)
    after = Evaluator(lower).evaluate(TEACHER, items, DAY)
    assert person_reasons(before, after) == [
        "总学时：现行要求 60.0 学时，已有 40.0 学时，还差 20.0 学时"
        " → 拟议要求 30.0 学时，已有 40.0 学时，已达到"
    ]
    short = Evaluator(preset("annual-60")).evaluate(TEACHER, [], DAY)
    assert person_reasons(None, short) == [
        "总学时：现行无适用政策 → 拟议要求 60.0 学时，已有 0.0 学时，还差 60.0 学时"
    ]
    exempt = Evaluator(preset("annual-60")).evaluate(replace(TEACHER, status="retired"), [], DAY)
    assert person_reasons(short, exempt) == [
        "总学时：现行要求 60.0 学时，已有 0.0 学时，还差 60.0 学时 → 拟议退休、离岗或离职，免于学时要求"
    ]
