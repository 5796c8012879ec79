"""Next year's eligibility from satisfaction (RULES F1), answered to training's hooks: a trainer
whose satisfaction in year Y was under the bureau's threshold is not assigned in Y+1, nor is a
project of a type under it approved — unless the bureau overrode it with a written reason."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import Fix
from peixun.surveys import selectors
from peixun.surveys.exceptions import BelowThresholdError
from peixun.surveys.models import OverrideKind
from peixun.surveys.rules import satisfaction

TRAINER_MESSAGE = _(
    "%(name)s's satisfaction in %(year)s was %(rate)s%% (below %(threshold)s%%): a trainer "
    "below it does not train the next year. Choose another trainer, or ask the "
    "bureau to allow it with a written reason."
)
TYPE_MESSAGE = _(
    "Projects of the type “%(type)s” had %(rate)s%% satisfaction in %(year)s (below %(threshold)s%%): "
    "such projects are not approved the next year. Change the plan, or allow it with a written reason."
)


def _fix(**params) -> Fix:
    from urllib.parse import urlencode

    return Fix(
        where=_("Eligibility exceptions"),
        url=f"{reverse('surveys:eligibility')}?{urlencode(params)}",
        link=_("Allow with a reason"),
    )


def trainers_refused(*, project, person_ids) -> dict[int, BelowThresholdError]:
    """{person id: why} for the trainers under the threshold the year before the project's."""
    year = project.year - 1
    limit = selectors.threshold()
    refused: dict[int, BelowThresholdError] = {}
    rates = selectors.trainer_satisfaction(person_ids, year)
    for person_id, rate in rates.items():
        if not satisfaction.below(rate, limit):
            continue
        if selectors.override_exists(kind=OverrideKind.TRAINER, year=project.year, person_id=person_id):
            continue
        from peixun.orgs.models import Person

        name = Person.objects.filter(pk=person_id).values_list("name", flat=True).first() or ""
        error = BelowThresholdError(TRAINER_MESSAGE, name=name, year=year, rate=rate.percent, threshold=limit)
        error.fix = _fix(kind=OverrideKind.TRAINER, person=person_id, year=project.year)
        refused[person_id] = error
    return refused


def approval_refused(*, project) -> BelowThresholdError | None:
    year = project.year - 1
    limit = selectors.threshold()
    rate = selectors.project_type_satisfaction(project.project_type, year)
    if not satisfaction.below(rate, limit):
        return None
    if selectors.override_exists(
        kind=OverrideKind.PROJECT_TYPE, year=project.year, project_type=project.project_type
    ):
        return None
    error = BelowThresholdError(
        TYPE_MESSAGE,
        type=str(project.get_project_type_display()),
        year=year,
        rate=rate.percent,
        threshold=limit,
    )
    error.fix = _fix(kind=OverrideKind.PROJECT_TYPE, project_type=project.project_type, year=project.year)
    return error
