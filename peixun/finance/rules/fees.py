"""Who owes a project's fee, and when (RULES F4, F8).

The fee per trainee is owed by the trainee's school, never by the teacher. A trainee owes once
enrolled: passing or failing changes nothing (a trainee who fails still costs the fee and earns no
credit). A trainee who withdrew before the project started owes nothing; one who withdrew on or
after its first day owes the fee when the year's policy says so (`late_withdrawal_owes`)."""

from dataclasses import dataclass
from datetime import date

ENROLLED = "enrolled"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Charge:
    status: str
    starts_on: date
    withdrawn_on: date | None = None


def owes(charge: Charge, *, late_withdrawal_owes: bool) -> bool:
    if charge.status == ENROLLED:
        return True
    if charge.status == WITHDRAWN and charge.withdrawn_on is not None:
        return late_withdrawal_owes and charge.withdrawn_on >= charge.starts_on
    return False
