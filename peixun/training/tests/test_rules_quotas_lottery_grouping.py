"""Quotas, the lottery and class grouping, as tables and properties (no database)."""

import random
from collections import Counter

import pytest

from peixun.training.rules import grouping, lottery, quotas


@pytest.mark.parametrize(
    ("capacity", "headcounts", "expected"),
    [
        (100, {"a": 50, "b": 30, "c": 20}, {"a": 50, "b": 30, "c": 20}),
        (10, {"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1, "c": 1}),  # never more than the headcount
        (10, {"a": 5, "b": 5, "c": 5}, {"a": 4, "b": 3, "c": 3}),  # remainder to the ties in key order
        (7, {"a": 10, "b": 0}, {"a": 7, "b": 0}),
        (0, {"a": 3}, {"a": 0}),
        (5, {}, {}),
    ],
)
def test_proportional_quotas_use_the_largest_remainder(capacity, headcounts, expected):
    assert quotas.proportional(capacity, headcounts) == expected


def test_proportional_quotas_always_add_up_to_the_capacity_or_the_headcount():
    rng = random.Random(4)
    for _ in range(300):
        heads = {f"s{i}": rng.randint(0, 80) for i in range(rng.randint(1, 30))}
        capacity = rng.randint(0, 2000)
        result = quotas.proportional(capacity, heads)
        assert sum(result.values()) == min(capacity, sum(heads.values()))
        assert all(0 <= result[k] <= heads[k] or heads[k] == 0 for k in heads)


def test_release_returns_what_was_not_used():
    assert quotas.unused({"a": (10, 4), "b": (5, 5), "c": (3, 7)}) == 6


# --- Lottery ---------------------------------------------------------------------------------------


def applicants(n: int, groups: int = 3) -> list[lottery.Applicant]:
    return [lottery.Applicant(key=i, group=i % groups) for i in range(1, n + 1)]


def test_the_same_seed_gives_the_same_draw_whatever_the_order_of_the_list():
    people = applicants(200)
    first = lottery.draw(people, seed="abc", places=50)
    shuffled = list(reversed(people))
    assert lottery.draw(shuffled, seed="abc", places=50) == first
    assert lottery.draw(people, seed="abd", places=50) != first
    assert len(first.winners) == 50 and len(first.waitlist) == 150
    assert set(first.winners) | set(first.waitlist) == {a.key for a in people}


def test_quotas_hold_in_the_draw():
    result = lottery.draw(applicants(90), seed="s", places=60, quotas={0: 10, 1: 20, 2: 40})
    won = Counter(key % 3 for key in result.winners)
    assert won[0] <= 10 and won[1] <= 20 and won[2] <= 30  # group 2 has only 30 applicants
    assert len(result.winners) == 60


def test_fair_weights_favour_those_trained_less_often():
    people = [
        lottery.Applicant(key=i, group=0, weight=lottery.fair_weight(0 if i <= 500 else 3))
        for i in range(1, 1001)
    ]
    wins = Counter()
    for seed in range(40):
        result = lottery.draw(people, seed=str(seed), places=100)
        wins.update("rare" if key <= 500 else "often" for key in result.winners)
    assert wins["rare"] > 2.5 * wins["often"]


def test_digest_fingerprints_the_list_not_its_order():
    people = applicants(10)
    assert lottery.digest(people) == lottery.digest(list(reversed(people)))
    assert lottery.digest(people) != lottery.digest(people[:-1])


def test_a_person_appearing_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        lottery.draw([lottery.Applicant(1, 0), lottery.Applicant(1, 0)], seed="x", places=1)


def test_uniform_numbers_are_inside_the_open_interval():
    values = [lottery.uniform("seed", key) for key in range(2000)]
    assert all(0 < v < 1 for v in values)
    assert 0.45 < sum(values) / len(values) < 0.55


# --- Grouping -------------------------------------------------------------------------------------------


def members(
    county: str, unit: str, count: int, subject: str = "语文", start: int = 0
) -> list[grouping.Member]:
    return [grouping.Member(start + i, county, unit, unit, subject) for i in range(count)]


def test_a_large_town_is_split_evenly_and_never_past_the_class_size():
    groups = grouping.form_classes(members("c1", "t1", 230), max_size=100)
    assert [len(g.members) for g in groups] == [77, 77, 76]


def test_small_towns_merge_within_their_county_but_never_across_counties():
    people = (
        members("c1", "t1", 30)
        + members("c1", "t2", 25, start=100)
        + members("c1", "t3", 40, start=200)
        + members("c2", "t4", 20, start=300)
    )
    groups = grouping.form_classes(people, max_size=100)
    assert sorted(len(g.members) for g in groups) == [20, 95]
    assert {g.county for g in groups} == {"c1", "c2"}
    merged = next(g for g in groups if g.county == "c1")
    assert merged.units == ("t1", "t2", "t3")


def test_every_member_lands_in_exactly_one_class_of_at_most_n():
    rng = random.Random(9)
    people = []
    for index in range(400):
        people.append(
            grouping.Member(
                index, f"c{rng.randint(1, 3)}", f"u{rng.randint(1, 25)}", "x", rng.choice("语数英")
            )
        )
    for size in (10, 37, 100):
        groups = grouping.form_classes(people, max_size=size)
        placed = [key for g in groups for key in g.members]
        assert sorted(placed) == list(range(400))
        assert all(len(g.members) <= size for g in groups)


def test_members_are_ordered_by_subject_inside_a_class():
    people = members("c", "u", 3, "数学") + members("c", "u", 3, "语文", start=10)
    (group,) = grouping.form_classes(people, max_size=100, min_size=1)
    assert group.main_subject in {"数学", "语文"}
    assert list(group.members[:3]) == [0, 1, 2]


def test_tutors_are_subject_leaders_then_backbone_matching_the_subject_and_county():
    needs = [
        grouping.ClassNeed(0, "数学", "c1"),
        grouping.ClassNeed(1, "语文", "c1"),
        grouping.ClassNeed(2, "英语", "c2"),
    ]
    candidates = [
        grouping.Candidate(1, frozenset({"tutor"}), frozenset({"数学"}), "c1"),
        grouping.Candidate(2, frozenset({"backbone"}), frozenset({"语文"}), "c1"),
        grouping.Candidate(3, frozenset({"subject_leader"}), frozenset({"数学"}), "c1"),
        grouping.Candidate(4, frozenset({"backbone"}), frozenset({"英语"}), "c2"),
    ]
    assert grouping.pick_tutors(needs, candidates) == {0: 3, 1: 2, 2: 4}


def test_a_class_gets_no_tutor_when_nobody_is_left():
    needs = [grouping.ClassNeed(0, "", "c"), grouping.ClassNeed(1, "", "c")]
    assert grouping.pick_tutors(needs, [grouping.Candidate(1, frozenset(), frozenset(), "c")]) == {
        0: 1,
        1: None,
    }
