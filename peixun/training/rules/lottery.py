"""A reproducible, optionally weighted lottery for the places of an over-subscribed project.

Anyone holding the published seed and the list of applicants (person id, school, weight) gets the
same result: each applicant's draw number is `u = SHA-256("seed:person_id")` read as a fraction in
(0, 1) — independent of the order of the list — and the priority key is `ln(u) / weight`
(Efraimidis–Spirakis weighted sampling without replacement: the larger the key, the earlier the
place). With the fair option, an applicant's weight is 1 / (1 + trainings in the look-back years),
so teachers sent rarely are favoured over those sent often. Places go down the priority order,
skipping an applicant whose school has used its quota; everyone else is waitlisted in the same
order, so waitlist promotion continues the draw.

`digest` fingerprints the input (sorted by person id) so a published result can be checked
against the applicant list it was drawn from.
"""

import hashlib
import math
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ALGORITHM = "sha256-es-v1"
_SCALE = 2**256


@dataclass(frozen=True)
class Applicant:
    key: int  # the person's id
    group: int  # the school (its id) the quota is counted against
    weight: float = 1.0


@dataclass(frozen=True)
class Draw:
    order: tuple[int, ...]  # every applicant, highest priority first
    winners: tuple[int, ...]
    waitlist: tuple[int, ...]  # the others, in priority order


def new_seed() -> str:
    """A fresh seed: 128 random bits as hex, from the operating system's generator."""
    return secrets.token_hex(16)


def fair_weight(recent_trainings: int) -> float:
    """Weight favouring the rarely sent: 1, 1/2, 1/3 … for 0, 1, 2 … trainings in the window."""
    return 1.0 / (1 + max(0, recent_trainings))


def uniform(seed: str, key: int) -> float:
    """The applicant's draw number in the open interval (0, 1)."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return (int.from_bytes(digest, "big") + 1) / (_SCALE + 1)


def priority(seed: str, applicant: Applicant) -> float:
    if applicant.weight <= 0:
        raise ValueError("weights must be positive")
    return math.log(uniform(seed, applicant.key)) / applicant.weight


def draw(
    applicants: Iterable[Applicant],
    *,
    seed: str,
    places: int,
    quotas: Mapping[int, int] | None = None,
) -> Draw:
    """Order the applicants by priority and give out `places`, within `quotas` when given (a group
    missing from `quotas` has none)."""
    people = sorted(applicants, key=lambda a: a.key)
    if len({a.key for a in people}) != len(people):
        raise ValueError("an applicant appears twice")
    ranked = sorted(people, key=lambda a: (-priority(seed, a), a.key))
    winners: list[int] = []
    waitlist: list[int] = []
    taken: dict[int, int] = {}
    for applicant in ranked:
        fits = len(winners) < places
        if fits and quotas is not None:
            fits = taken.get(applicant.group, 0) < quotas.get(applicant.group, 0)
        if fits:
            winners.append(applicant.key)
            taken[applicant.group] = taken.get(applicant.group, 0) + 1
        else:
            waitlist.append(applicant.key)
    return Draw(order=tuple(a.key for a in ranked), winners=tuple(winners), waitlist=tuple(waitlist))


def digest(applicants: Iterable[Applicant]) -> str:
    """SHA-256 of the applicant list, one "key,group,weight" line each, sorted by key."""
    lines = "\n".join(f"{a.key},{a.group},{a.weight:.6f}" for a in sorted(applicants, key=lambda a: a.key))
    return hashlib.sha256(lines.encode()).hexdigest()
