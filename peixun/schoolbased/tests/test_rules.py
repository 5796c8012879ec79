from decimal import Decimal

from peixun.policies.rules.presets import preset
from peixun.schoolbased.rules import lifecycle
from peixun.schoolbased.rules.caps import (
    Caps,
    PlannedLine,
    RegisteredLine,
    allocate,
    caps_from_rules,
    plan_problems,
)

D = Decimal
A14 = Caps(prescribed=D(120), own=D(120), total=D(240))


def test_caps_are_read_from_the_policys_yearly_school_rules():
    caps = caps_from_rules(preset("school-based-24").rules)
    assert (caps.prescribed, caps.own, caps.total) == (D(120), D(120), D(240))


def test_a_policy_without_yearly_school_caps_gives_none():
    caps = caps_from_rules(preset("five-year-360").rules)
    assert not caps.any


def test_a_prescribed_topic_left_out_and_each_cap_exceeded_are_named():
    lines = [PlannedLine(1, D(130)), PlannedLine(None, D(125))]
    problems = plan_problems(lines, {1: "师德专题", 2: "安全教育"}, A14)
    kinds = [(p.kind, p.title or p.what, p.excess) for p in problems]
    assert kinds == [
        ("missing_topic", "安全教育", D(0)),
        ("over_cap", "prescribed", D(10)),
        ("over_cap", "own", D(5)),
        ("over_cap", "total", D(15)),
    ]


def test_a_plan_within_the_caps_with_every_topic_passes():
    assert plan_problems([PlannedLine(1, D(120)), PlannedLine(None, D(120))], {1: "师德专题"}, A14) == []
    assert [p.kind for p in plan_problems([], {}, A14)] == ["no_lines"]


def test_allocation_counts_lines_in_order_up_to_each_cap():
    lines = [
        RegisteredLine("a", D(100), True),
        RegisteredLine("b", D(40), True),
        RegisteredLine("c", D(110), False),
        RegisteredLine("d", D(20), False),
    ]
    assert allocate(lines, A14) == {"a": D(100), "b": D(20), "c": D(110), "d": D(10)}
    assert allocate(lines, Caps()) == {"a": D(100), "b": D(40), "c": D(110), "d": D(20)}


def test_the_lifecycle_tables():
    assert lifecycle.plan_move("draft", "submit") == "submitted"
    assert lifecycle.plan_move("submitted", "return") == "returned"
    assert lifecycle.plan_move("returned", "submit") == "submitted"
    assert lifecycle.plan_move("approved", "submit") is None
    assert lifecycle.registration_move("accepted", "accept") is None
