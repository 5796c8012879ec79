"""The pure rules of competitions, as tables: no database."""

from datetime import date
from decimal import Decimal

import pytest

from peixun.competitions.rules import awards, draw, people, quotas, scoring

D = Decimal


@pytest.mark.parametrize(
    ("entrants", "places", "nominated", "drawn"),
    [
        (0, 0, 0, 0),
        (1, 1, 1, 0),  # 0.3 → 0, raised to one place for a school with entrants
        (2, 1, 1, 0),
        (3, 1, 1, 0),  # 0.9 → 1
        (4, 1, 1, 0),  # 1.2 → 1
        (5, 2, 1, 1),  # 1.5 → 2 (half up); 1.2 → 1 nominated
        (10, 3, 2, 1),
        (17, 5, 3, 2),  # 5.1 → 5; 3.0 nominated
        (100, 30, 18, 12),
    ],
)
def test_round_two_quota_rounds_half_up_with_one_place_at_small_schools(entrants, places, nominated, drawn):
    q = quotas.quota(entrants, D("0.30"), D("0.60"))
    assert (q.places, q.nominated, q.drawn) == (places, nominated, drawn)


def test_other_roundings_are_applied_as_stored():
    cases = [(quotas.HALF_UP, 1, 0), (quotas.HALF_UP, 3, 1), (quotas.CEILING, 1, 1), (quotas.FLOOR, 4, 1)]
    assert [quotas.places(n, D("0.30"), rounding) for rounding, n, _p in cases] == [p for *_r, p in cases]


def test_final_quota_is_ten_percent_of_a_county():
    assert quotas.quota(87, D("0.10"), D("0.60")) == quotas.Quota(87, 9, 5, 4)


def test_draw_is_reproducible_and_respects_each_units_drawn_places():
    pairs = [(key, key % 3) for key in range(1, 31)]
    units = {0: 2, 1: 1, 2: 3}
    first = draw.run(pairs, seed="abc", quotas=units)
    assert first == draw.run(list(reversed(pairs)), seed="abc", quotas=units)
    assert len(first) == 6
    assert sorted(key % 3 for key in first) == [0, 0, 1, 2, 2, 2]
    assert draw.run(pairs, seed="abd", quotas=units) != first
    assert draw.digest(pairs) == draw.digest(list(reversed(pairs)))


@pytest.mark.parametrize(
    ("scores", "trimmed", "expected"),
    [
        ([D(80), D(90), D(70)], False, D("80.00")),
        ([D(80), D(95), D(60), D(85)], True, D("82.50")),  # 60 and 95 dropped
        ([D(80), D(90)], True, D("85.00")),  # fewer than three: nothing dropped
        ([], False, None),
    ],
)
def test_item_score_is_the_mean_optionally_trimmed(scores, trimmed, expected):
    assert scoring.item_score(scores, trimmed=trimmed) == expected


def test_weighted_total_uses_the_weights_and_unknown_is_not_zero():
    weights = {1: D(10), 2: D(10), 3: D(30), 4: D(50)}
    assert scoring.weighted_total({1: D(90), 2: D(80), 3: D(70), 4: D(60)}, weights) == D("68.00")
    assert scoring.weighted_total({1: D(90), 2: D(80), 3: D(70), 4: None}, weights) is None


def test_ties_are_broken_by_the_heaviest_item_then_shared():
    ranked = scoring.rank(
        [
            scoring.Scored(1, D(80), (D(70), D(90))),
            scoring.Scored(2, D(80), (D(75), D(85))),
            scoring.Scored(3, D(80), (D(75), D(85))),
            scoring.Scored(4, D(90), ()),
            scoring.Scored(5, None, ()),
        ]
    )
    assert ranked == [(4, 1), (2, 2), (3, 2), (1, 4)]


def test_award_shares_and_ties_at_the_boundary():
    ranked = [(k, k) for k in range(1, 11)]
    assert awards.allocate(ranked, (D("0.1"), D("0.2"), D("0.3"))) == {
        1: "first",
        2: "second",
        3: "second",
        4: "third",
        5: "third",
        6: "third",
    }
    tied = [(1, 1), (2, 2), (3, 2), (4, 4)]
    assert awards.allocate(tied, (D("0.25"), D("0.25"), D("0"))) == {1: "first", 2: "second", 3: "second"}


def test_team_award_by_a_schools_share_of_winners():
    assert awards.team_awards({1: 10, 2: 10, 3: 0}, {1: 3, 2: 2}, D("0.30")) == [1]


GROUPS = [
    people.GroupRule(1, "primary", born_from=date(1980, 1, 1)),
    people.GroupRule(2, "junior", born_from=date(1980, 1, 1)),
    people.GroupRule(3, "", born_before=date(1980, 1, 1)),
]


def test_group_from_section_and_birth_date():
    cases = [
        ("primary", date(1980, 1, 1), 1),
        ("junior", date(1990, 6, 1), 2),
        ("primary", date(1979, 12, 31), 3),
        ("senior", date(1990, 6, 1), None),
        ("primary", None, None),
    ]
    assert [people.group_for(GROUPS, section=s, birth_date=b) for s, b, _g in cases] == [
        g for *_x, g in cases
    ]


def test_retirement_cut_off_by_gender():
    cut = {"male_cutoff": date(1965, 9, 1), "female_cutoff": date(1970, 9, 1)}
    assert people.near_retirement(birth_date=date(1968, 1, 1), gender="female", **cut)
    assert not people.near_retirement(birth_date=date(1968, 1, 1), gender="male", **cut)


def test_a_county_first_prize_within_five_years_excludes():
    prizes = [people.Prize(2021, "county", "first"), people.Prize(2025, "school", "first")]
    assert people.excluded_by_prize(prizes, year=2026, years=5) == prizes[0]
    assert people.excluded_by_prize(prizes, year=2027, years=5) is None
    assert people.excluded_by_prize([people.Prize(2025, "city", "second")], year=2026, years=5) is None
