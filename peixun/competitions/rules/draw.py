"""The random share of a stage's places (RULES E3), drawn with the repository's reproducible lottery
(peixun.training.rules.lottery, ADR 0022): the seed and the candidate list are published before the
draw; each candidate's number depends only on the seed and their key; each unit's drawn places are
its quota in the lottery. Re-running with the same seed and candidates gives the same winners."""

from collections.abc import Mapping, Sequence

from peixun.training.rules import lottery

ALGORITHM = lottery.ALGORITHM
new_seed = lottery.new_seed


def candidates(pairs: Sequence[tuple[int, int]]) -> list[lottery.Applicant]:
    """(entry key, unit) pairs as lottery applicants of equal weight."""
    return [lottery.Applicant(key=key, group=unit) for key, unit in pairs]


def digest(pairs: Sequence[tuple[int, int]]) -> str:
    return lottery.digest(candidates(pairs))


def run(pairs: Sequence[tuple[int, int]], *, seed: str, quotas: Mapping[int, int]) -> tuple[int, ...]:
    """The drawn keys, in draw order."""
    result = lottery.draw(candidates(pairs), seed=seed, places=sum(quotas.values()), quotas=quotas)
    return result.winners
