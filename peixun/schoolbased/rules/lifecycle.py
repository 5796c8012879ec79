"""The states of a school's annual plan and of its year-end registration, and the one table of
moves between them (the same pattern as peixun.training.rules.lifecycle).

Plan:          draft → submitted → returned → submitted (a new version) → approved
Registration:  compiling → submitted → returned → submitted → accepted
"""

DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
APPROVED = "approved"

COMPILING = "compiling"
ACCEPTED = "accepted"

PLAN_MOVES: dict[tuple[str, str], str] = {
    (DRAFT, "submit"): SUBMITTED,
    (RETURNED, "submit"): SUBMITTED,
    (SUBMITTED, "return"): RETURNED,
    (SUBMITTED, "approve"): APPROVED,
}

REGISTRATION_MOVES: dict[tuple[str, str], str] = {
    (COMPILING, "submit"): SUBMITTED,
    (RETURNED, "submit"): SUBMITTED,
    (SUBMITTED, "return"): RETURNED,
    (SUBMITTED, "accept"): ACCEPTED,
}

# The school may change the plan's lines / the registration's lines in these states.
PLAN_EDITABLE = frozenset({DRAFT, RETURNED})
REGISTRATION_EDITABLE = frozenset({COMPILING, RETURNED})

# A teacher's answer to one line.
PENDING = "pending"
CONFIRMED = "confirmed"
DISPUTED = "disputed"
RESOLVED = "resolved"


def plan_move(state: str, action: str) -> str | None:
    """The plan's next state, or None when the move is not allowed from `state`."""
    return PLAN_MOVES.get((state, action))


def registration_move(state: str, action: str) -> str | None:
    return REGISTRATION_MOVES.get((state, action))
