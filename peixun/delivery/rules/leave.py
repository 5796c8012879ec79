"""A project's approval chain for leave (请假) and how a request moves along it (no Django).

RULES C4: a written request signed by 年级主任 and then 分管校长; other projects let the class tutor
decide alone. A chain is one to three steps, each naming who decides it:

- `tutor`: the tutor of the teacher's class;
- `school`: the training coordinator of the teacher's school;
- `school_role:<role>`: a person of the teacher's school holding that role on the roster (cadre
  for 年级主任, principal for 分管校长) — or the coordinator on their behalf, with the signed paper;
- `organiser`: the project's staff.

Each step may carry its own label ("年级主任"). A rejection at any step ends the request; an
approval at the last step approves it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

TUTOR = "tutor"
SCHOOL = "school"
ORGANISER = "organiser"
SCHOOL_ROLE = "school_role:"
SCHOOL_ROLES = ("cadre", "principal")
APPROVERS = (TUTOR, SCHOOL, *(SCHOOL_ROLE + role for role in SCHOOL_ROLES), ORGANISER)
MAX_STEPS = 3

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"


@dataclass(frozen=True)
class Step:
    approver: str
    label: str = ""

    def as_json(self) -> dict[str, str]:
        return {"approver": self.approver, "label": self.label}


DEFAULT_CHAIN = (Step(TUTOR),)
# RULES C4 as shipped: 年级主任 then 分管校长.
C4_CHAIN = (Step(SCHOOL_ROLE + "cadre", "年级主任"), Step(SCHOOL_ROLE + "principal", "分管校长"))


class ChainInvalid(ValueError):
    pass


def parse_chain(raw: Any) -> tuple[Step, ...]:
    """A chain from its stored form ([{"approver": …, "label": …}, …]); ChainInvalid if wrong."""
    if not isinstance(raw, list | tuple) or not 1 <= len(raw) <= MAX_STEPS:
        raise ChainInvalid("a chain has one to three steps")
    steps = []
    for item in raw:
        approver = item.get("approver") if isinstance(item, dict) else None
        if approver not in APPROVERS:
            raise ChainInvalid(f"unknown approver {approver!r}")
        label = str(item.get("label") or "").strip()[:20]
        steps.append(Step(approver, label))
    return tuple(steps)


def chain_json(steps: Iterable[Step]) -> list[dict[str, str]]:
    return [step.as_json() for step in steps]


def decide(chain: tuple[Step, ...], step: int, approve: bool) -> tuple[str, int]:
    """(status, next step) after the decision at `step`."""
    if not 0 <= step < len(chain):
        raise ChainInvalid("no such step")
    if not approve:
        return REJECTED, step
    if step + 1 < len(chain):
        return PENDING, step + 1
    return APPROVED, step
