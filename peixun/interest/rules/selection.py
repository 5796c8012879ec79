"""Selection of an interest group's members (RULES B9): applicants are taken by their selection
test score, highest first, up to the group's capacity; equal scores go to the earlier application
(then the lower application id, so the order is total). An applicant without a score is not taken.

Pure Python (no Django): tested as plain functions."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Applicant:
    id: int
    score: Decimal | None
    applied_at: datetime


@dataclass(frozen=True)
class Selection:
    selected: tuple[int, ...]  # in rank order
    not_selected: tuple[int, ...]  # scored but beyond capacity, in rank order
    unscored: tuple[int, ...]


def select(applicants: list[Applicant], capacity: int) -> Selection:
    scored = [applicant for applicant in applicants if applicant.score is not None]
    ranked = sorted(scored, key=lambda a: (-(a.score or Decimal(0)), a.applied_at, a.id))
    taken = max(capacity, 0)
    return Selection(
        selected=tuple(a.id for a in ranked[:taken]),
        not_selected=tuple(a.id for a in ranked[taken:]),
        unscored=tuple(sorted(a.id for a in applicants if a.score is None)),
    )
