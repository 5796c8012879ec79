"""Writes for enrolment, one module per way in or out of a place:

- `places` — THE way a place is taken (`take_places`: the school's quota, then the project's
  capacity, by conditional UPDATEs that cannot oversell) and given back (`give_back_place`);
- `self_enrolment` — a teacher enrols themself (first come, the waitlist, or a lottery registration);
- `nomination` — the school names a teacher within its quota;
- `waitlist` — free places go to the waitlisted in order;
- `mandatory_runs` — the whole mandatory audience at once (B1): when the places do not suffice,
  more classes or up to the places in a stated order (previewed, confirmed, undoable);
- `mandatory` — exemptions from it (B4);
- `lottery` — the draw after the window takes all the winners' places at once;
- `approval` — confirming a nomination or offer, approval chains;
- `withdrawal` — withdrawing, declining, lapsed offers;
- `quotas` — school quotas set and released; `window` — the end of the enrolment window.

Every mode that gives a place calls `places.take_places`; nothing else raises the counters
(docs/decisions/0021-enrolment-capacity.md; tests/test_places.py). Learning codes
(services/codes.py) take no place: they are handed to those who already hold one.
"""

from peixun.training.models import HOLDING
from peixun.training.services.enrolment.approval import confirm_enrolment, decide_enrolment
from peixun.training.services.enrolment.common import NEW_ENROLMENT
from peixun.training.services.enrolment.lottery import (
    draw_lottery,
    lottery_applicants,
    lottery_applicants_from,
    verify_lottery,
)
from peixun.training.services.enrolment.mandatory import decide_exemption, request_exemption
from peixun.training.services.enrolment.mandatory_runs import (
    apply_mandatory_run,
    enrol_mandatory,
    plan_mandatory,
    start_mandatory_run,
    undo_mandatory_run,
    verify_mandatory_run,
)
from peixun.training.services.enrolment.nomination import nominate
from peixun.training.services.enrolment.places import TAKE_PLACE, give_back_place, take_places
from peixun.training.services.enrolment.quotas import (
    proportional_quotas,
    release_quotas,
    set_proportional_quotas,
    set_quotas,
)
from peixun.training.services.enrolment.self_enrolment import check_can_enrol, enrol
from peixun.training.services.enrolment.waitlist import promote_waitlist
from peixun.training.services.enrolment.window import close_window
from peixun.training.services.enrolment.withdrawal import expire_offers, withdraw_enrolment

__all__ = [
    "HOLDING",
    "NEW_ENROLMENT",
    "TAKE_PLACE",
    "apply_mandatory_run",
    "check_can_enrol",
    "close_window",
    "confirm_enrolment",
    "decide_enrolment",
    "decide_exemption",
    "draw_lottery",
    "enrol",
    "enrol_mandatory",
    "expire_offers",
    "give_back_place",
    "lottery_applicants",
    "lottery_applicants_from",
    "nominate",
    "plan_mandatory",
    "promote_waitlist",
    "proportional_quotas",
    "release_quotas",
    "request_exemption",
    "set_proportional_quotas",
    "set_quotas",
    "start_mandatory_run",
    "take_places",
    "undo_mandatory_run",
    "verify_lottery",
    "verify_mandatory_run",
    "withdraw_enrolment",
]
