"""A Project's lifecycle: the one table of the transitions between its states, who may make each
(a permission code of peixun.orgs.access.PERMISSIONS) and whether it needs a reason.

    draft → submitted → approved | rejected → published → enrolling → running → assessing
          → closed → archived;   rejected → draft (revise);   submitted → draft (recall);
    closed → assessing (reopen, with a reason);
    approved | published | enrolling → cancelled (by hand, or below the minimum size) → archived

Only an approved project can be published (RULES F2): `publish` starts from `approved` alone, so no
path reaches `published` without an approval. Transitions marked `automatic` are also made by the
clock (peixun.training.services.clock) when their date comes.
"""

from dataclasses import dataclass

DRAFT = "draft"
SUBMITTED = "submitted"
APPROVED = "approved"
REJECTED = "rejected"
PUBLISHED = "published"
ENROLLING = "enrolling"
RUNNING = "running"
ASSESSING = "assessing"
CLOSED = "closed"
ARCHIVED = "archived"
CANCELLED = "cancelled"

STATUSES = (
    DRAFT,
    SUBMITTED,
    APPROVED,
    REJECTED,
    PUBLISHED,
    ENROLLING,
    RUNNING,
    ASSESSING,
    CLOSED,
    ARCHIVED,
    CANCELLED,
)
# The project's own fields may be edited only before it is submitted (or after it was sent back).
EDITABLE = frozenset({DRAFT, REJECTED})
# Teachers in the audience see the project from publication on.
PUBLIC = frozenset({PUBLISHED, ENROLLING, RUNNING, ASSESSING, CLOSED})
# States whose trainees count as "trained" (past trainings, for exclusions and the fair lottery).
DELIVERED = frozenset({RUNNING, ASSESSING, CLOSED, ARCHIVED})

MANAGE = "training.manage"
APPROVE = "training.approve"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    perm: str
    needs_reason: bool = False
    automatic: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", frozenset({DRAFT}), SUBMITTED, MANAGE),
        Transition("recall", frozenset({SUBMITTED}), DRAFT, MANAGE),
        Transition("approve", frozenset({SUBMITTED}), APPROVED, APPROVE),
        Transition("reject", frozenset({SUBMITTED}), REJECTED, APPROVE, needs_reason=True),
        Transition("revise", frozenset({REJECTED}), DRAFT, MANAGE),
        Transition("publish", frozenset({APPROVED}), PUBLISHED, MANAGE),
        Transition("open_enrolment", frozenset({PUBLISHED}), ENROLLING, MANAGE, automatic=True),
        Transition("start", frozenset({PUBLISHED, ENROLLING}), RUNNING, MANAGE, automatic=True),
        Transition("assess", frozenset({RUNNING}), ASSESSING, MANAGE),
        Transition("close", frozenset({ASSESSING}), CLOSED, MANAGE),
        # Reopened to correct a result; closing again reverses and reposts what changed (RULES A11).
        Transition("reopen", frozenset({CLOSED}), ASSESSING, MANAGE, needs_reason=True),
        Transition("archive", frozenset({CLOSED, CANCELLED}), ARCHIVED, MANAGE),
        Transition(
            "cancel",
            frozenset({APPROVED, PUBLISHED, ENROLLING}),
            CANCELLED,
            MANAGE,
            needs_reason=True,
            automatic=True,
        ),
    )
}


def find(action: str, status: str) -> Transition | None:
    """The transition `action` from `status`, or None when the table has no such move."""
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources:
        return None
    return transition


def available(status: str) -> list[Transition]:
    """The transitions that start from `status`, in the table's order."""
    return [t for t in TRANSITIONS.values() if status in t.sources]


def reachable(start: str = DRAFT) -> set[str]:
    """Every state reachable from `start` through the table."""
    seen = {start}
    frontier = [start]
    while frontier:
        status = frontier.pop()
        for transition in available(status):
            if transition.target not in seen:
                seen.add(transition.target)
                frontier.append(transition.target)
    return seen
