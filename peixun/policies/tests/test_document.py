"""Policy documents: what is valid, and messages that point at the field in Chinese."""

import re

import pytest

from peixun.policies.rules import PolicyInvalid, parse_policy
from peixun.policies.rules.presets import preset_codes, preset_text

MINIMAL = """
code: county-a
name: 东湖区学时政策
period: {kind: calendar_year}
required: {hours: 60}
"""


def problems(text: str) -> dict[str, str]:
    with pytest.raises(PolicyInvalid) as caught:
        parse_policy(text)
    return dict(caught.value.problems)


@pytest.mark.parametrize("code", preset_codes())
def test_every_shipped_preset_is_valid_and_cites_its_source(code):
    policy = parse_policy(preset_text(code))
    assert policy.code == code
    # The source is shown to users: a document and its section, never a rule code of RULES.md.
    assert policy.source
    assert not re.search(r"RULES|\b[A-H]\d{1,2}\b", policy.source)
    assert all(rule.source for rule in policy.rules)


def test_a_minimal_policy_is_valid_and_json_works_too():
    assert parse_policy(MINIMAL).required.hours == 60
    json_text = '{"code": "c", "name": "n", "period": {"kind": "calendar_year"}, "required": {"hours": 60}}'
    assert parse_policy(json_text).period.kind == "calendar_year"


def test_an_unknown_level_names_the_rule_field_and_the_allowed_values():
    found = problems(MINIMAL + "rules:\n  - {id: a, label: 甲, select: {levels: [town]}, min_hours: 10}\n")
    assert list(found) == ["rules[0].select.levels[0]"]
    assert "town" in found["rules[0].select.levels[0]"]
    assert "national、provincial、city、county、school" in found["rules[0].select.levels[0]"]


def test_a_missing_required_total_and_a_misspelt_field_are_both_reported():
    found = problems("code: a\nname: 甲\nperiod: {kind: calendar_year}\nrequird: {hours: 60}\n")
    assert found == {"required": "缺少必填项", "requird": "不认识的字段（请检查拼写）"}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{id: a, label: 甲, min_hours: 50, max_hours: 40}", "下限 min_hours 不能大于上限 max_hours"),
        ("{id: a, label: 甲, min_hours: 50, min_share: 0.1}", "min_hours 与 min_share 只能给出一个"),
        ("{id: a, label: 甲, min_hours: 10, per: year}", "按年（per: year）只能用于上限"),
        ("{id: a, label: 甲}", "规则须至少给出一个下限"),
        ("{id: a, label: 甲, min_share: 1.5}", "“1.5”太大，须不大于 1"),
        ("{id: a, label: 甲, min_hours: -3}", "“-3”太小，须不小于 0"),
        ("{id: A-1, label: 甲, min_hours: 3}", "格式不对"),
    ],
)
def test_rule_problems_point_at_the_rule(rule, message):
    found = problems(MINIMAL + f"rules:\n  - {rule}\n")
    place, text = next(iter(found.items()))
    assert place.startswith("rules[0]")
    assert message in text


def test_duplicate_rule_ids_and_exemptions_naming_unknown_rules_are_refused():
    text = MINIMAL + ("rules:\n  - {id: a, label: 甲, min_hours: 1}\n  - {id: a, label: 乙, min_hours: 2}\n")
    assert "规则编号 a 重复" in problems(text)["rules"]
    text = MINIMAL + (
        "rules:\n  - {id: a, label: 甲, min_hours: 1}\n"
        "exemptions:\n  - {id: old, label: 退休, statuses: [retired], rules: [b]}\n"
    )
    assert "规则 b 不存在" in next(iter(problems(text).values()))


def test_a_cycle_needs_an_anchor_on_the_first_of_a_month():
    text = "code: a\nname: 甲\nperiod: {kind: cycle, years: 5, anchor: 2021-01-15}\nrequired: {hours: 1}\n"
    assert problems(text) == {"period": "起算日期 anchor 须为某月 1 日"}


def test_includes_merge_preset_rules_and_unknown_presets_are_named():
    policy = parse_policy(
        MINIMAL + "include: [school-based-24]\nrules:\n  - {id: own, label: 自定, min_hours: 5}\n"
    )
    assert [rule.id for rule in policy.rules] == [
        "own",
        "school_based_prescribed_cap",
        "school_based_own_cap",
        "school_based_cap",
    ]
    assert problems(MINIMAL + "include: [no-such]\n") == {"include[0]": "没有名为“no-such”的预设"}


def test_text_that_is_not_yaml_says_where():
    found = problems("code: [a\nname: b\n")
    place, message = next(iter(found.items()))
    assert place.startswith("第 ")
    assert "不是有效的 YAML" in message


def test_the_examples_in_docs_policies_md_are_valid_policies():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "policies.md").read_text(encoding="utf-8")
    examples = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    assert len(examples) >= 2
    for example in examples:
        assert parse_policy(example).rules
