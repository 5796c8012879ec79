"""The words of school-based training in the audit log: actions are in peixun.audit.events; the
keys of their changes and the coded values (states, answers) get Chinese labels here."""

from django.utils.translation import gettext_lazy

from peixun.audit import events
from peixun.schoolbased.models import Answer, PlanState, RegistrationState


def register_audit_labels() -> None:
    events.register_field_labels(
        {
            "school_year": gettext_lazy("School year"),
            "deadline": gettext_lazy("Registration deadline"),
            "planned_hours": gettext_lazy("Planned hours"),
            "starts_on": gettext_lazy("Starts on"),
            "ends_on": gettext_lazy("Ends on"),
            "budget": gettext_lazy("Budget (yuan)"),
            "version": gettext_lazy("Version"),
            "comment": gettext_lazy("Review comment"),
            "held_on": gettext_lazy("Held on"),
            "attendees": gettext_lazy("Attendees"),
            "evidence": gettext_lazy("Evidence"),
            "answer": gettext_lazy("Teacher's answer"),
            "resolution": gettext_lazy("Resolution"),
            "late": gettext_lazy("Late"),
            "posted": gettext_lazy("Entries posted"),
            "people": gettext_lazy("Teachers"),
            "not_counted": gettext_lazy("Hours not counted"),
            "added": gettext_lazy("Lines added"),
            "removed": gettext_lazy("Lines removed"),
            "updated": gettext_lazy("Lines corrected"),
        }
    )
    for action in (
        "sb_topic_added",
        "sb_plan_line_saved",
        "sb_plan_line_deleted",
        "sb_activity_recorded",
        "sb_manual_line_added",
    ):
        events.register_field_labels({"title": gettext_lazy("Activity topic")}, action=action)
    for action in ("sb_plan_submitted", "sb_plan_returned", "sb_plan_approved"):
        events.register_value_labels(action, "state", dict(PlanState.choices))
    for action in ("sb_registration_submitted", "sb_registration_returned", "sb_registration_accepted"):
        events.register_value_labels(action, "state", dict(RegistrationState.choices))
    events.register_value_labels("sb_line_answered", "answer", dict(Answer.choices))
