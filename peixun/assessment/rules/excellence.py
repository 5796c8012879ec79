"""Choosing 优秀学员 (no Django): RULES E1 and D10 (docs/decisions/0027-excellence-and-notice.md).

Eligible are those who passed — every required course included — and carry no ethics veto (师德一票
否决). They are ranked by total score, ties broken by attendance rate, then coursework score. The
number of places is `share` of the eligible, rounded half up (10 % of 25 is 3). Going down the
ranking, a candidate whose school has used its own cap (`cap_per_school` of that school's
eligible, rounded half up, at least one) is passed over for the next. Candidates equal on all three
keys are one group: if the group does not fit in the places left, `ties: include` takes all of it
(the list runs over) and `ties: exclude` takes none of it (the list stops short).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SELECTED = "selected"
BELOW_CUT = "below_cut"
SCHOOL_CAP = "school_cap"
TIE_EXCLUDED = "tie_excluded"
VETOED = "vetoed"
NOT_PASSED = "not_passed"


@dataclass(frozen=True)
class Candidate:
    id: int
    total: Decimal
    attendance: Decimal
    coursework: Decimal | None
    school: int
    passed: bool
    vetoed: bool = False


@dataclass(frozen=True)
class Ranked:
    id: int
    rank: int | None  # 1 for the best; equal keys share a rank; None when not eligible
    selected: bool
    reason: str


def places_for(share: Decimal, count: int) -> int:
    return int((share * count).quantize(Decimal(1), ROUND_HALF_UP))


def key(candidate: Candidate) -> tuple[Decimal, Decimal, Decimal]:
    return (candidate.total, candidate.attendance, candidate.coursework or Decimal(-1))


def select(
    candidates: list[Candidate],
    share: Decimal,
    cap_per_school: Decimal | None = None,
    ties: str = "include",
) -> list[Ranked]:
    """Every candidate with their rank, whether selected and why (in ranking order)."""
    out: list[Ranked] = []
    eligible = [c for c in candidates if c.passed and not c.vetoed]
    for candidate in candidates:
        if not candidate.passed:
            out.append(Ranked(candidate.id, None, False, NOT_PASSED))
        elif candidate.vetoed:
            out.append(Ranked(candidate.id, None, False, VETOED))
    eligible.sort(key=lambda c: (tuple(-value for value in key(c)), c.id))
    places = places_for(share, len(eligible))
    school_caps: dict[int, int] = {}
    if cap_per_school is not None:
        per_school: dict[int, int] = {}
        for candidate in eligible:
            per_school[candidate.school] = per_school.get(candidate.school, 0) + 1
        school_caps = {school: max(1, places_for(cap_per_school, n)) for school, n in per_school.items()}
    taken_by_school: dict[int, int] = {}
    ranked: list[Ranked] = []
    taken = 0
    stopped = False
    index = 0
    rank = 0
    while index < len(eligible):
        group = [eligible[index]]
        while index + len(group) < len(eligible) and key(eligible[index + len(group)]) == key(group[0]):
            group.append(eligible[index + len(group)])
        rank = index + 1
        index += len(group)
        fitting = [
            c
            for c in group
            if not school_caps or taken_by_school.get(c.school, 0) < school_caps.get(c.school, 0)
        ]
        capped = [c for c in group if c not in fitting]
        for candidate in capped:
            ranked.append(Ranked(candidate.id, rank, False, SCHOOL_CAP))
        if stopped or taken >= places:
            ranked.extend(Ranked(c.id, rank, False, BELOW_CUT) for c in fitting)
            continue
        if taken + len(fitting) > places and ties == "exclude":
            ranked.extend(Ranked(c.id, rank, False, TIE_EXCLUDED) for c in fitting)
            stopped = True
            continue
        for candidate in fitting:
            taken += 1
            taken_by_school[candidate.school] = taken_by_school.get(candidate.school, 0) + 1
            ranked.append(Ranked(candidate.id, rank, True, SELECTED))
    return ranked + out
