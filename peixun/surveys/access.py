"""Who may see and act on surveys.

- Staff who manage a project (`training.manage` over its organiser: bureau, centre) open its
  surveys, see the results and response rates, remind, and export; they keep templates of their
  organisation's subtree.
- The bureau (`training.approve`) sets the satisfaction threshold and allows exceptions to next
  year's eligibility with a written reason.
- A trainee answers the surveys of the projects they are enrolled in.
- Trainers and schools see nothing of the answers: results are for the organisers only.

`access_*` fetch one object or answer 404 — the same for missing and out of scope.
"""

from django.db.models import QuerySet

from peixun.orgs.access import has_perm as has_perm
from peixun.orgs.access import out_of_scope, path_q, scope_paths
from peixun.orgs.access import require_perm as require_perm
from peixun.surveys import selectors
from peixun.surveys.models import Survey, SurveyTemplate
from peixun.training import access as training_access
from peixun.training.models import Project

MANAGE = "training.manage"
BUREAU = "training.approve"


def surveys_in_scope(user) -> QuerySet[Survey]:
    return Survey.objects.filter(path_q(scope_paths(user, MANAGE), "project__organiser__path"))


def templates_in_scope(user) -> QuerySet[SurveyTemplate]:
    return SurveyTemplate.objects.filter(path_q(scope_paths(user, MANAGE), "org__path"))


def access_survey(user, pk: int) -> Survey:
    try:
        return surveys_in_scope(user).select_related("project", "project__organiser", "lesson").get(pk=pk)
    except Survey.DoesNotExist:
        raise out_of_scope(user, "survey", pk) from None


def access_template(user, pk: int) -> SurveyTemplate:
    try:
        return templates_in_scope(user).select_related("org").get(pk=pk)
    except SurveyTemplate.DoesNotExist:
        raise out_of_scope(user, "survey template", pk) from None


def access_managed_project(user, pk: int) -> Project:
    return training_access.access_project(user, pk, MANAGE)


def access_survey_to_answer(user, pk: int) -> Survey:
    """A survey the user's person is expected to answer (answered or not), else 404."""
    survey = Survey.objects.select_related("project", "lesson").filter(pk=pk).first()
    if (
        survey is None
        or not user.person_id
        or not selectors.expected(survey).filter(person_id=user.person_id).exists()
    ):
        raise out_of_scope(user, "survey", pk)
    return survey


def org_choices(user):
    """The organisations the user may keep templates for (their grants' roots)."""
    from peixun.orgs.models import Org

    return Org.objects.filter(path__in=scope_paths(user, MANAGE)).order_by("path")


def access_person_for_override(user, pk: int):
    """The trainer an exception names: a person in the bureau's subtree, else 404."""
    from peixun.orgs.models import Person

    person = Person.objects.filter(pk=pk, **{}).select_related("org").first()
    if person is None or not any(person.org.path.startswith(p) for p in scope_paths(user, BUREAU)):
        raise out_of_scope(user, "person", pk)
    return person


def projects_to_survey(user) -> list[Project]:
    """The projects the user manages that have started (a survey comes at a lesson or the end)."""
    from peixun.training.rules import lifecycle

    return list(
        Project.objects.filter(path_q(scope_paths(user, MANAGE), "organiser__path"))
        .filter(status__in=lifecycle.DELIVERED)
        .order_by("-starts_on", "-id")[:100]
    )
