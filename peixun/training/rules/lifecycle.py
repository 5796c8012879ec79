"""A Project's lifecycle: the one table of the transitions between its states, who may make each
(a permission code of peixun.orgs.access.PERMISSIONS) and whether it needs a reason.

    draft → submitted → approved | rejected → published → enrolling → running → assessing
          → closed → archived;   rejected → draft (revise);   submitted → draft (recall);
    closed → assessing (reopen, with a reason);
    approved | published | enrolling → cancelled (by hand, or below the minimum size) → archived

Only an approved project can be published (RULES F2): `publish` starts from `approved` alone, so no
path reaches `published` without an approval. Transitions marked `automatic` are also made by the
clock (peixun.training.services.clock) when their date comes.

The named sets of states below are the only place a set of states is spelled out: every app asks
"may lessons still be scheduled?" as `status in lifecycle.SCHEDULING`. The same goes for the
statuses of an enrolment (HOLDING, LIVE …). What other apps do when a project moves is registered
with peixun.training.lifecycle.
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
# A proposal still being written or judged: nothing is delivered for it yet.
UNAPPROVED = frozenset({DRAFT, SUBMITTED, REJECTED})
# Teachers in the audience see the project from publication on.
PUBLIC = frozenset({PUBLISHED, ENROLLING, RUNNING, ASSESSING, CLOSED})
# Teachers enrol (mandatory enrolment, the lottery's register) and may still withdraw themselves.
OPEN_FOR_ENROLMENT = frozenset({PUBLISHED, ENROLLING})
# Published and not yet assessed: enrolments may still change.
BEFORE_ASSESSMENT = frozenset({PUBLISHED, ENROLLING, RUNNING})
# Lessons and coursework may be scheduled once the project is approved, until it closes.
SCHEDULING = frozenset({APPROVED, PUBLISHED, ENROLLING, RUNNING, ASSESSING})
# An approved project changes its capacity, audience, dates and classes only through a change
# request (变更申请) that the approver decides, from approval until it closes (结项).
CHANGEABLE = frozenset({APPROVED, PUBLISHED, ENROLLING, RUNNING, ASSESSING})
# Trainees may ask for leave from publication until the project closes.
OPEN_FOR_LEAVE = frozenset({PUBLISHED, ENROLLING, RUNNING, ASSESSING})
# Marks, grades and scores change, and results are recomputed as they do.
MARKING = frozenset({RUNNING, ASSESSING})
# The excellent-trainee list may be drawn up.
RANKING = frozenset({ASSESSING, CLOSED})
# States whose trainees count as "trained" (past trainings, for exclusions and the fair lottery).
DELIVERED = frozenset({RUNNING, ASSESSING, CLOSED, ARCHIVED})
# The results are final: certificates may be issued.
FINAL = frozenset({CLOSED, ARCHIVED})
# Over: the assessment scheme may no longer change.
ENDED = frozenset({CLOSED, ARCHIVED, CANCELLED})

# An enrolment's statuses (peixun.training.models.EnrolmentStatus labels them); "rejected" and
# "cancelled" are REJECTED and CANCELLED above.
APPLIED = "applied"
PENDING = "pending"
NOMINATED = "nominated"
OFFERED = "offered"
ENROLLED = "enrolled"
WAITLISTED = "waitlisted"
EXEMPTED = "exempted"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"
NOT_DRAWN = "not_drawn"

# Statuses that hold one of the project's places (and one of the school's quota).
HOLDING = frozenset({PENDING, NOMINATED, OFFERED, ENROLLED})
# Statuses of a live enrolment: the person cannot enrol again while one of these stands.
LIVE = HOLDING | {APPLIED, WAITLISTED, EXEMPTED}
# A teacher may withdraw (or decline) from these, and managers withdraw them: every live status but
# an exemption.
WITHDRAWABLE = HOLDING | {APPLIED, WAITLISTED}
# A place offered or a nomination made, waiting for the teacher to confirm it.
TO_CONFIRM = frozenset({NOMINATED, OFFERED})

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
