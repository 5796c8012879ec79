"""The review of a declaration as a state machine (no Django).

A teacher's declaration waits for the school (PENDING_SCHOOL); the school approves it on to the
bureau (PENDING_BUREAU) or returns it; the bureau approves it (APPROVED: its hours are posted) or
returns it. A returned declaration is corrected and submitted again (back to the school); one the
school has not reviewed yet may be withdrawn by the teacher. APPROVED and WITHDRAWN are final. An
imported row is approved at once (IMPORT)."""

PENDING_SCHOOL = "pending_school"
PENDING_BUREAU = "pending_bureau"
RETURNED = "returned"
APPROVED = "approved"
WITHDRAWN = "withdrawn"

SUBMIT = "submit"
SCHOOL_APPROVE = "school_approve"
SCHOOL_RETURN = "school_return"
BUREAU_APPROVE = "bureau_approve"
BUREAU_RETURN = "bureau_return"
RESUBMIT = "resubmit"
WITHDRAW = "withdraw"
IMPORT = "import"

TRANSITIONS: dict[tuple[str, str], str] = {
    ("", SUBMIT): PENDING_SCHOOL,
    ("", IMPORT): APPROVED,
    (PENDING_SCHOOL, SCHOOL_APPROVE): PENDING_BUREAU,
    (PENDING_SCHOOL, SCHOOL_RETURN): RETURNED,
    (PENDING_SCHOOL, WITHDRAW): WITHDRAWN,
    (PENDING_BUREAU, BUREAU_APPROVE): APPROVED,
    (PENDING_BUREAU, BUREAU_RETURN): RETURNED,
    (RETURNED, RESUBMIT): PENDING_SCHOOL,
    (RETURNED, WITHDRAW): WITHDRAWN,
}

# Declarations that count for duplicates (withdrawn and returned ones do not).
LIVE = frozenset({PENDING_SCHOOL, PENDING_BUREAU, APPROVED})
# Declarations the teacher may still change.
EDITABLE = frozenset({RETURNED})
RETURNS = frozenset({SCHOOL_RETURN, BUREAU_RETURN})


class NotAllowed(Exception):
    """The action is not possible from the declaration's state."""


def next_state(state: str, action: str) -> str:
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise NotAllowed(f"{action} from {state or 'new'}") from None


def allowed(state: str) -> set[str]:
    return {action for (frm, action) in TRANSITIONS if frm == state}
