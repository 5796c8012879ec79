"""Follow-along study (跟岗学习, RULES C12): which counted tasks a participant still lacks
(no Django). The minimums come from the template (data the bureau edits); a report lesson is also a
lesson taught."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

OBSERVED = "observed"
TAUGHT = "taught"
REPORT = "report"
MODEL = "model"
PROPOSAL = "proposal"
LOG = "log"
KINDS = (OBSERVED, TAUGHT, REPORT, MODEL, PROPOSAL, LOG)


@dataclass(frozen=True)
class Minimums:
    observed: int
    taught: int
    report: int
    model: int
    proposal: int
    logs: int  # a log per day of the activity, or 0


@dataclass(frozen=True)
class Progress:
    kind: str
    have: int
    need: int

    @property
    def met(self) -> bool:
        return self.have >= self.need


def counts(kinds: Iterable[str]) -> dict[str, int]:
    """How many of each kind; a report lesson counts as a lesson taught too."""
    tally = dict.fromkeys(KINDS, 0)
    for kind in kinds:
        tally[kind] = tally.get(kind, 0) + 1
    tally[TAUGHT] += tally[REPORT]
    return tally


def progress(tally: Mapping[str, int], minimums: Minimums) -> list[Progress]:
    need = {
        OBSERVED: minimums.observed,
        TAUGHT: minimums.taught,
        REPORT: minimums.report,
        MODEL: minimums.model,
        PROPOSAL: minimums.proposal,
        LOG: minimums.logs,
    }
    return [Progress(kind, tally.get(kind, 0), need[kind]) for kind in KINDS if need[kind] > 0]


def missing(tally: Mapping[str, int], minimums: Minimums) -> list[Progress]:
    return [item for item in progress(tally, minimums) if not item.met]
