"""The one transition table (no database)."""

import pytest

from peixun.training.rules import lifecycle as L


def test_nothing_reaches_published_without_passing_through_approved():
    """F2: with `approved` taken out, `published` is unreachable from a draft."""
    sources = {t.target: t.sources for t in L.TRANSITIONS.values()}
    assert sources[L.PUBLISHED] == {L.APPROVED}
    assert L.find("publish", L.SUBMITTED) is None
    assert L.find("publish", L.REJECTED) is None
    assert L.find("publish", L.DRAFT) is None


def test_every_state_is_reachable_from_draft():
    assert L.reachable(L.DRAFT) == set(L.STATUSES)


@pytest.mark.parametrize(
    ("action", "status", "target"),
    [
        ("submit", L.DRAFT, L.SUBMITTED),
        ("approve", L.SUBMITTED, L.APPROVED),
        ("reject", L.SUBMITTED, L.REJECTED),
        ("revise", L.REJECTED, L.DRAFT),
        ("publish", L.APPROVED, L.PUBLISHED),
        ("open_enrolment", L.PUBLISHED, L.ENROLLING),
        ("start", L.ENROLLING, L.RUNNING),
        ("assess", L.RUNNING, L.ASSESSING),
        ("close", L.ASSESSING, L.CLOSED),
        ("archive", L.CLOSED, L.ARCHIVED),
        ("cancel", L.ENROLLING, L.CANCELLED),
    ],
)
def test_the_main_path(action, status, target):
    assert L.find(action, status).target == target


def test_approval_and_rejection_belong_to_the_approver_and_rejection_needs_a_reason():
    assert L.TRANSITIONS["approve"].perm == L.TRANSITIONS["reject"].perm == "training.approve"
    assert L.TRANSITIONS["reject"].needs_reason
    assert all(
        t.perm == "training.manage" for a, t in L.TRANSITIONS.items() if a not in ("approve", "reject")
    )


def test_archived_is_final():
    assert L.available(L.ARCHIVED) == []
