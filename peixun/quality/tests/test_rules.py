"""The pool's pure rules: a verdict sets the state, removed trainers are not offered, the order of
candidates puts subject leaders and backbone teachers first (C2), unknown shares stay unknown."""

import pytest

from peixun.quality.rules import pool


@pytest.mark.parametrize(
    ("verdict", "state"), [("keep", "active"), ("probation", "probation"), ("remove", "removed")]
)
def test_a_verdict_sets_the_state(verdict, state):
    assert pool.state_after(verdict) == state


def test_an_unknown_verdict_is_refused():
    with pytest.raises(ValueError):
        pool.state_after("maybe")


def test_subject_leaders_then_backbone_come_first_and_probation_after_active():
    ranked = sorted(
        [
            ("other", "active"),
            ("backbone", "probation"),
            ("backbone", "active"),
            ("subject_leader", "probation"),
        ],
        key=lambda t: pool.rank(*t),
    )
    assert ranked == [
        ("subject_leader", "probation"),
        ("backbone", "active"),
        ("backbone", "probation"),
        ("other", "active"),
    ]
    assert not pool.offered("removed") and pool.offered("probation")
    # A title held outside the pool counts when better; outside the pool after its trainers of that title.
    assert pool.rank("other", "active", "backbone") == pool.rank("backbone", "active")
    assert pool.rank("subject_leader", "active", "backbone") == pool.rank("subject_leader", "active")
    assert pool.rank("backbone", "probation") < pool.rank_outside("backbone") < pool.rank("master", "active")
    assert pool.rank_outside("") > pool.rank("other", "probation")


@pytest.mark.parametrize(("part", "whole", "share"), [(3, 4, 0.75), (0, 5, 0.0), (0, 0, None)])
def test_a_share_of_nothing_is_unknown_not_zero(part, whole, share):
    assert pool.share(part, whole) == share
