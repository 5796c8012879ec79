"""In-app notices: each kind's message, filled in with the notice's parameters when shown, so a
notice reads in the reader's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "project_submitted": _("%(title)s was submitted for approval."),
    "project_approved": _("%(title)s was approved."),
    "project_rejected": _("%(title)s was sent back: %(reason)s"),
    "project_published": _("%(title)s was published."),
    "project_cancelled": _("%(title)s was cancelled: %(reason)s"),
    "enrolment_waiting": _("%(name)s's enrolment in %(title)s waits for your approval."),
    "enrolment_approved": _("Your enrolment in %(title)s was approved."),
    "enrolment_rejected": _("Your enrolment in %(title)s was not approved."),
    "nominated": _("Your school nominated you for %(title)s: confirm or decline."),
    "place_offered": _("A place in %(title)s is yours if you confirm by %(deadline)s."),
    "promoted": _("You moved from the waitlist into %(title)s."),
    "offer_expired": _("Your offered place in %(title)s expired."),
    "lottery_won": _("You were drawn for %(title)s."),
    "lottery_waitlisted": _("You were not drawn for %(title)s and are on its waitlist (number %(rank)s)."),
    "lottery_not_drawn": _("You were not drawn for %(title)s."),
    "mandatory_enrolled": _("You are enrolled in %(title)s, which is mandatory for you."),
    "mandatory_waitlisted": _(
        "%(title)s, which is mandatory for you, has fewer places than people: you are number %(rank)s "
        "on its waitlist and move up as places free."
    ),
    "mandatory_undone": _(
        "The organiser undid the mandatory enrolment in %(title)s: your enrolment was removed."
    ),
    "exemption_waiting": _("An exemption request for %(name)s in %(title)s waits for your decision."),
    "exemption_approved": _("Your exemption from %(title)s was approved."),
    "exemption_rejected": _("Your exemption from %(title)s was not approved."),
    "change_requested": _("A change request for %(title)s waits for your approval."),
    "change_approved": _("The change request for %(title)s was approved and the new terms apply."),
    "change_returned": _("The change request for %(title)s was returned: %(comment)s"),
    "project_dates_changed": _("%(title)s has new dates: %(dates)s."),
    # Delivery and assessment (peixun.delivery, peixun.assessment)
    "absence_warning": _(
        "%(title)s: you have missed %(absences)s of %(planned)s lessons. One more absence fails the training."
    ),
    "leave_waiting": _("%(name)s's leave request in %(title)s waits for your decision."),
    "leave_approved": _("Your leave request in %(title)s was approved."),
    "leave_rejected": _("Your leave request in %(title)s was not approved: %(reason)s"),
    "objection_raised": _("An objection was raised to the excellent-trainee list of %(title)s."),
    "excellent_trainee": _("You are an excellent trainee of %(title)s."),
    # Teachers' records (peixun.records)
    "qualification_due": _(
        "Your teacher qualification certificate %(number)s is due for registration on %(due)s: "
        "register it and give the school the new record."
    ),
    "qualification_due_school": _(
        "%(name)s's teacher qualification certificate %(number)s is due for registration on %(due)s."
    ),
    # Surveys (peixun.surveys)
    "survey_reminder": _(
        "Please answer the satisfaction survey of %(title)s (about a minute) by %(closes)s."
    ),
}


def render(kind: str, params: dict) -> str:
    message = MESSAGES.get(kind)
    if message is None:
        return kind
    try:
        return str(message) % {key: value for key, value in (params or {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(message)
