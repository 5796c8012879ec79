"""The pure rules of honours: quotas, terms, school years and the suggested review outcome."""

from datetime import date
from decimal import Decimal

import pytest

from peixun.honours.rules import quotas, states, terms


@pytest.mark.parametrize(
    ("chosen", "limits", "over"),
    [
        ({"师德模范": 10, "师德先进个人": 30}, {"师德模范": 10, "师德先进个人": 30}, []),
        ({"师德模范": 11}, {"师德模范": 10, "师德先进个人": 30}, [("师德模范", 10, 11)]),
        (
            {"特级教师": 1, "骨干教师": 201},
            {"骨干教师": 200, "特级教师": 0},
            [("骨干教师", 200, 201), ("特级教师", 0, 1)],
        ),
    ],
)
def test_a_quota_is_exceeded_only_when_more_are_chosen_than_it_allows(chosen, limits, over):
    assert [(e.kind, e.quota, e.chosen) for e in quotas.excesses(chosen, limits)] == over


@pytest.mark.parametrize(
    ("starts", "years", "ends"),
    [
        (date(2026, 9, 10), 5, date(2031, 9, 9)),
        (date(2028, 2, 29), 5, date(2033, 2, 28)),
        (date(2026, 1, 1), 1, date(2026, 12, 31)),
    ],
)
def test_a_term_ends_the_day_before_its_anniversary(starts, years, ends):
    assert terms.term_end(starts, years) == ends


def test_a_school_year_runs_from_september_to_august():
    assert terms.school_year_of(date(2026, 8, 31)) == 2025
    assert terms.school_year_of(date(2026, 9, 1)) == 2026
    assert terms.school_year_bounds(2026) == (date(2026, 9, 1), date(2027, 8, 31))


@pytest.mark.parametrize(
    ("concentrated", "guidance", "warned", "outcome"),
    [
        (24, 48, False, terms.PASS),
        (23.5, 48, False, terms.WARN),
        (24, 10, True, terms.REMOVE),
        (30, 60, True, terms.PASS),
    ],
)
def test_the_review_suggests_pass_then_warning_then_removal(concentrated, guidance, warned, outcome):
    progress = terms.Progress(
        terms.Obligation(Decimal(24), Decimal(str(concentrated))),
        terms.Obligation(Decimal(48), Decimal(guidance)),
    )
    assert terms.suggested_outcome(progress, warned) == outcome


def test_a_title_is_due_within_the_window_or_after_its_end():
    today = date(2026, 12, 1)
    assert terms.is_due(date(2027, 5, 1), today, 180)
    assert terms.is_due(date(2026, 1, 1), today, 180)
    assert not terms.is_due(date(2028, 1, 1), today, 180)
    assert not terms.is_due(None, today, 180)


def test_a_nomination_is_conferred_only_after_acceptance():
    assert states.next_state(states.ACCEPTED, states.CONFER) == states.CONFERRED
    with pytest.raises(states.NotAllowed):
        states.next_state(states.SUBMITTED, states.CONFER)
