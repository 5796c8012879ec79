"""What surveys does at the moments of the apps below it, registered in `SurveysConfig.ready()`:

- training's `trainers_refused` and `approval_refused` (peixun.training.hooks): next year's
  eligibility from satisfaction (RULES F1, peixun.surveys.eligibility);
- the trainee's project page (peixun.delivery.hooks.my_project_panels): the open surveys to answer;
- the trainer pool and the project summary (peixun.quality.hooks): trainers' and projects'
  satisfaction;
- the audit log (peixun.audit.events): the words of the fields its events record.
"""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from peixun.audit import events
from peixun.delivery import hooks as delivery_hooks
from peixun.quality import hooks as quality_hooks
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


def _share(rate) -> tuple[Decimal, int]:
    return Decimal(rate.satisfied) / Decimal(rate.answered), rate.answered


def trainers_rated(*, person_ids, year) -> dict[int, tuple[Decimal, int]]:
    rates = selectors.trainer_satisfaction(person_ids, year)
    return {pk: _share(rate) for pk, rate in rates.items() if rate.answered}


def project_rated(*, project) -> tuple[Decimal, int] | None:
    rate = selectors.project_satisfaction(project)
    return _share(rate) if rate.answered else None


def register() -> None:
    quality_hooks.trainer_satisfaction.add(trainers_rated, order=10, name="surveys.trainers")
    quality_hooks.project_satisfaction.add(project_rated, order=10, name="surveys.project")
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
