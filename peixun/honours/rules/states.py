"""The states of a nomination and of a selection, and the moves between them (no Django).

A nomination is submitted by the school, accepted or returned by the bureau (returned: the school
corrects and submits again), shown in the public notice with the selection, and at the end either
conferred or not (an upheld objection or an ethics veto removes it)."""

SUBMITTED = "submitted"
RETURNED = "returned"
ACCEPTED = "accepted"
REMOVED = "removed"
CONFERRED = "conferred"
NOT_CONFERRED = "not_conferred"

SUBMIT = "submit"
ACCEPT = "accept"
RETURN = "return"
REMOVE = "remove"
CONFER = "confer"
DECLINE = "decline"

MOVES: dict[tuple[str, str], str] = {
    ("", SUBMIT): SUBMITTED,
    (RETURNED, SUBMIT): SUBMITTED,
    (SUBMITTED, ACCEPT): ACCEPTED,
    (SUBMITTED, RETURN): RETURNED,
    (ACCEPTED, RETURN): RETURNED,
    (ACCEPTED, REMOVE): REMOVED,
    (ACCEPTED, CONFER): CONFERRED,
    (SUBMITTED, DECLINE): NOT_CONFERRED,
    (RETURNED, DECLINE): NOT_CONFERRED,
}

# Selection states: schools nominate while OPEN; the accepted list is shown in NOTICE; FINAL confers.
OPEN = "open"
NOTICE = "notice"
FINAL = "final"


class NotAllowed(Exception):
    pass


def next_state(state: str, action: str) -> str:
    try:
        return MOVES[(state, action)]
    except KeyError:
        raise NotAllowed(f"{action} from {state!r}") from None
