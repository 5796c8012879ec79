"""Mandatory enrolment beyond the places (peixun.training.rules.mandatory), as tables and
properties: per-school shares by the largest remainder, the lottery within each school, the
waitlist in the order of the draw, reproducible from the seed; classes needed; the digest."""

import random
from collections import Counter

import pytest

from peixun.training.rules import lottery, quotas
from peixun.training.rules import mandatory as rules


def people(*sizes: int) -> list[rules.Candidate]:
    """Candidates of schools 1, 2 … with the given headcounts (person ids from 1)."""
    found, key = [], 0
    for school, size in enumerate(sizes, 1):
        for _ in range(size):
            key += 1
            found.append(rules.Candidate(key, school))
    return found


@pytest.mark.parametrize(
    ("sizes", "places", "shares"),
    [
        ((6, 3, 1), 5, {1: 3, 2: 2, 3: 0}),  # 3.0, 1.5, 0.5: the tie goes to the larger school
        ((50, 30, 20), 10, {1: 5, 2: 3, 3: 2}),
        ((7, 7, 7), 10, {1: 4, 2: 3, 3: 3}),  # equal remainders: the smaller school id first
        ((4, 1), 0, {1: 0, 2: 0}),  # no place left: everyone waitlisted
        ((120,), 100, {1: 100}),
    ],
)
def test_places_are_shared_among_schools_by_the_largest_remainder(sizes, places, shares):
    allocation = rules.allocate(people(*sizes), places=places, seed="s")
    assert {s.school: s.enrolled for s in allocation.shares} == shares
    assert {s.school: s.waitlisted for s in allocation.shares} == {
        school: size - shares[school] for school, size in enumerate(sizes, 1)
    }
    assert len(allocation.enrolled) == places
    assert len(allocation.waitlisted) == sum(sizes) - places


def test_within_a_school_the_lottery_decides_and_the_waitlist_follows_the_draw():
    candidates = people(6, 3, 1)
    allocation = rules.allocate(candidates, places=5, seed="published")
    school_of = {c.key: c.school for c in candidates}
    # Each school's enrolled are the first of that school in the order of the ADR 0022 draw.
    ranked = lottery.draw(
        [lottery.Applicant(c.key, c.school) for c in candidates], seed="published", places=len(candidates)
    ).order
    assert allocation.order == ranked
    for school, share in ((1, 3), (2, 2), (3, 0)):
        of_school = [key for key in ranked if school_of[key] == school]
        assert set(of_school[:share]) == {k for k in allocation.enrolled if school_of[k] == school}
    assert allocation.waitlisted == tuple(key for key in ranked if key not in allocation.enrolled)
    assert allocation.rank()[allocation.order[0]] == 1


def test_the_same_seed_gives_the_same_outcome_whatever_the_order_of_the_list():
    candidates = people(40, 25, 9, 3)
    first = rules.allocate(candidates, places=30, seed="2026-seed")
    shuffled = list(candidates)
    random.Random(7).shuffle(shuffled)
    assert rules.allocate(shuffled, places=30, seed="2026-seed") == first
    other = rules.allocate(candidates, places=30, seed="another-seed")
    assert other.order != first.order
    assert [s.enrolled for s in other.shares] == [
        s.enrolled for s in first.shares
    ]  # shares do not depend on it


def test_shares_always_add_up_to_the_places_and_never_exceed_a_school():
    rng = random.Random(11)
    for _ in range(200):
        sizes = [rng.randint(1, 60) for _ in range(rng.randint(1, 12))]
        places = rng.randint(0, sum(sizes) - 1)
        allocation = rules.allocate(people(*sizes), places=places, seed=str(rng.random()))
        assert sum(s.enrolled for s in allocation.shares) == places
        assert all(0 <= s.enrolled <= s.eligible for s in allocation.shares)
        assert Counter(s.school for s in allocation.shares) == Counter(range(1, len(sizes) + 1))
        assert {s.school: s.enrolled for s in allocation.shares} == quotas.proportional(
            places, dict(enumerate(sizes, 1))
        )


def test_a_person_listed_twice_a_negative_count_or_no_seed_is_refused():
    with pytest.raises(ValueError):
        rules.allocate([rules.Candidate(1, 1), rules.Candidate(1, 2)], places=1, seed="s")
    with pytest.raises(ValueError):
        rules.allocate(people(2), places=-1, seed="s")
    with pytest.raises(ValueError):
        rules.allocate(people(2), places=1, seed="")


@pytest.mark.parametrize(
    ("trainees", "size", "classes"), [(0, 100, 0), (1, 100, 1), (100, 100, 1), (101, 100, 2), (8000, 100, 80)]
)
def test_the_fewest_classes_of_at_most_the_class_size(trainees, size, classes):
    assert rules.classes_needed(trainees, size) == classes


def test_the_digest_changes_with_anything_an_outcome_is_computed_from():
    base = {
        "option": rules.ORDER,
        "seed": "s",
        "candidates": people(3, 2),
        "places_taken": 4,
        "capacity": 8,
        "class_size": 100,
    }
    digest = rules.digest(**base)
    assert rules.digest(**{**base, "candidates": list(reversed(people(3, 2)))}) == digest
    for change in (
        {"option": rules.CLASSES},
        {"seed": "t"},
        {"candidates": people(3, 3)},
        {"candidates": [rules.Candidate(1, 2), *people(3, 2)[1:]]},  # someone moved school
        {"places_taken": 5},
        {"capacity": 9},
        {"class_size": 50},
    ):
        assert rules.digest(**{**base, **change}) != digest
    with pytest.raises(ValueError):
        rules.digest(**{**base, "option": "bogus"})
