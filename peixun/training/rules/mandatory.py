"""Mandatory enrolment when more people must attend than there are places (RULES B1, C1).

Everyone in a mandatory audience is enrolled at once. When they do not all fit in the places left,
the organiser chooses one of two ways, sees the outcome, and confirms it:

- **More classes** (`CLASSES`): the capacity is raised so that everyone fits, and the trainees are
  grouped into classes of at most the class size (C1, `grouping.form_classes`);
  `classes_needed` is the fewest classes that can hold them.
- **Up to the places, in a stated order** (`ORDER`, `allocate`): the places are first shared among
  the schools in proportion to each school's eligible headcount (largest remainder,
  `quotas.proportional`); within a school the teachers are ordered by the reproducible lottery of
  ADR 0022 (`lottery.draw`, every weight 1: the duty is the same for all), and the first of each
  school take its share. Everyone else is waitlisted in the order of the draw, so a freed place
  goes to the next in that order. Anyone holding the seed and the list gets the same result.

When everyone fits (`ALL`) there is nothing to choose.

`digest` fingerprints what an outcome was computed from — the option, the seed, the list of
people and their schools, the places taken, the capacity and the class size — so that a
confirmation applies exactly what was previewed, and is refused when any of it changed since.
"""

import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from peixun.training.rules import lottery, quotas

ALL = "all"  # everyone fits
CLASSES = "classes"  # raise the capacity, more classes
ORDER = "order"  # up to the places: school shares, then the lottery; the rest waitlisted
OPTIONS = (ALL, CLASSES, ORDER)


@dataclass(frozen=True)
class Candidate:
    key: int  # the person's id
    school: int  # the school's id


@dataclass(frozen=True)
class SchoolShare:
    school: int
    eligible: int
    enrolled: int  # the school's share of the places
    waitlisted: int


@dataclass(frozen=True)
class Allocation:
    places: int
    shares: tuple[SchoolShare, ...]  # by school id
    enrolled: tuple[int, ...]  # person ids, in the order of the draw
    waitlisted: tuple[int, ...]  # person ids, in the order of the draw (the waitlist's order)
    order: tuple[int, ...]  # everyone, in the order of the draw

    def rank(self) -> dict[int, int]:
        """Each person's place in the draw, from 1."""
        return {key: index for index, key in enumerate(self.order, 1)}


def _checked(candidates: Iterable[Candidate]) -> list[Candidate]:
    people = sorted(candidates, key=lambda c: c.key)
    if len({c.key for c in people}) != len(people):
        raise ValueError("a person appears twice")
    return people


def allocate(candidates: Iterable[Candidate], *, places: int, seed: str) -> Allocation:
    """Enrol up to `places` of the candidates: per-school shares in proportion to each school's
    headcount (largest remainder), then the lottery within each school; the rest waitlisted."""
    if places < 0:
        raise ValueError("places must not be negative")
    if not seed:
        raise ValueError("a seed is needed")
    people = _checked(candidates)
    headcounts = Counter(c.school for c in people)
    shares = quotas.proportional(places, headcounts)
    drawn = lottery.draw(
        [lottery.Applicant(key=c.key, group=c.school) for c in people],
        seed=seed,
        places=places,
        quotas=shares,
    )
    school_of = {c.key: c.school for c in people}
    enrolled = Counter(school_of[key] for key in drawn.winners)
    return Allocation(
        places=places,
        shares=tuple(
            SchoolShare(school, headcounts[school], enrolled[school], headcounts[school] - enrolled[school])
            for school in sorted(headcounts)
        ),
        enrolled=drawn.winners,
        waitlisted=drawn.waitlist,
        order=drawn.order,
    )


def classes_needed(people: int, class_size: int) -> int:
    """The fewest classes of at most `class_size` that hold `people` (C1)."""
    if class_size < 1:
        raise ValueError("class_size must be at least 1")
    return math.ceil(max(0, people) / class_size)


def digest(
    *,
    option: str,
    seed: str,
    candidates: Iterable[Candidate],
    places_taken: int,
    capacity: int,
    class_size: int,
) -> str:
    """SHA-256 of what an outcome is computed from: a header line, then one "person,school" line
    each, sorted by person."""
    if option not in OPTIONS:
        raise ValueError(f"unknown option {option!r}")
    lines = [f"{option}|{seed}|{places_taken}|{capacity}|{class_size}"]
    lines += [f"{c.key},{c.school}" for c in _checked(candidates)]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
