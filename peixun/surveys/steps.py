"""What surveys does at the moments of the apps below it, registered in `SurveysConfig.ready()`:

- training's `trainers_refused` and `approval_refused` (peixun.training.hooks): next year's
  eligibility from satisfaction (RULES F1, peixun.surveys.eligibility);
- the trainee's project page (peixun.delivery.hooks.my_project_panels): the open surveys to answer;
- the audit log (peixun.audit.events): the words of the fields its events record.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from peixun.audit import events
from peixun.delivery import hooks as delivery_hooks
from peixun.surveys import eligibility, selectors
from peixun.training import hooks as training_hooks

FIELD_LABELS = {
    "name": _("Name"),
    "items": _("Questions"),
    "created": _("Created"),
    "project": _("Project"),
    "dates": _("Dates"),
    "trainer": _("Trainer"),
    "reminded": _("Trainees reminded"),
    "threshold": _("Satisfaction threshold (%)"),
    "year": _("Year"),
    "reason": _("Reason"),
    "person": _("Person"),
    "project_type": _("Project type"),
}


def surveys_panel(*, request, project, enrolment) -> str:
    surveys = selectors.open_for(enrolment.person_id, project)
    if not surveys:
        return ""
    return render_to_string("surveys/_panel.html", {"surveys": surveys}, request=request)


def register() -> None:
    training_hooks.trainers_refused.add(eligibility.trainers_refused, order=10, name="surveys.trainers")
    training_hooks.approval_refused.add(eligibility.approval_refused, order=10, name="surveys.approval")
    delivery_hooks.my_project_panels.add(surveys_panel, order=5, name="surveys.open")
    for action in (
        "survey_template_saved",
        "survey_opened",
        "survey_reminded",
        "survey_settings_saved",
        "eligibility_overridden",
    ):
        events.register_field_labels(FIELD_LABELS, action=action)
