"""Who may see and change assessment: results, scores, the scheme, excellence and its objections,
and ethics vetoes. The assessment pages ask only this module.

- The organiser's staff (`training.manage` over the project) see every result of the project and
  set the scheme, scores, tutors' scores, the excellent-trainee list and decide objections.
- A class's tutor (`training.tutor`, `Cohort.tutor`) sees and scores the trainees of their class.
- Schools (`assessment.view` over the teacher's school) see their teachers' results.
- Anyone who can see the project reads its public notice (公示) and may object.
- The bureau (`assessment.veto` over the teacher's org) records and lifts ethics vetoes (D10).

`access_*` fetch one object or answer 404 — the same for missing and out of scope.
"""

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from peixun.assessment.models import EthicsVeto, Objection, Result
from peixun.delivery.access import manages, tutored_cohorts
from peixun.orgs.access import (
    access_person,
    has_perm,
    out_of_scope,
    path_q,
    people_in_scope,
    require_perm,
    scope_paths,
)
from peixun.orgs.models import Person
from peixun.training.access import access_project
from peixun.training.models import Cohort, Enrolment, Project

__all__ = [
    "access_cohort_scores",
    "access_cohort_to_score",
    "access_enrolment_to_score",
    "access_objection",
    "access_project",
    "access_result",
    "access_veto",
    "access_veto_person",
    "cohorts_to_score",
    "has_perm",
    "manages",
    "require_perm",
    "require_results_door",
    "results_visible",
    "veto_candidates",
    "vetoes_in_scope",
]


def require_results_door(request: HttpRequest) -> None:
    """Staff, tutors and schools pass the door of the results pages; anyone else gets 403."""
    if not any(
        has_perm(request.user, perm) for perm in ("training.manage", "training.tutor", "assessment.view")
    ):
        require_perm(request, "assessment.view")


def results_visible(user, project: Project, results: QuerySet[Result]) -> QuerySet[Result]:
    """The project's `results` the user may see: all for staff, their classes' for a tutor, their
    schools' teachers' for a school; 404 when none of these."""
    if manages(user, project):
        return results
    query = Q(pk__in=[])
    cohorts = tutored_cohorts(user, project)
    if cohorts:
        query |= Q(enrolment__cohort_id__in=cohorts)
    schools = has_perm(user, "assessment.view")
    if schools:
        query |= path_q(scope_paths(user, "assessment.view"), "enrolment__school__path")
    if not cohorts and not schools:
        raise out_of_scope(user, "results of project", project.pk)
    return results.filter(query)


def access_result(user, enrolment_pk: int) -> Result:
    """One trainee's result (by enrolment) the user may see: as `results_visible`; 404 otherwise."""
    found = (
        Result.objects.filter(enrolment_id=enrolment_pk)
        .select_related(
            "project__organiser", "version", "enrolment__person", "enrolment__school", "enrolment__cohort"
        )
        .first()
    )
    if found is None:
        raise out_of_scope(user, "result", enrolment_pk)
    visible = results_visible(user, found.project, Result.objects.filter(pk=found.pk))
    if not visible.exists():
        raise out_of_scope(user, "result", enrolment_pk)
    return found


def access_enrolment_to_score(user, pk: int) -> Enrolment:
    """A trainee whose hand-scored components the user may enter: staff, or the trainee's tutor."""
    enrolment = Enrolment.objects.select_related("project__organiser", "cohort").filter(pk=pk).first()
    if enrolment is not None and (
        manages(user, enrolment.project)
        or (enrolment.cohort_id and enrolment.cohort_id in tutored_cohorts(user, enrolment.project))
    ):
        return enrolment
    raise out_of_scope(user, "enrolment", pk)


def access_cohort_to_score(user, pk: int) -> Cohort:
    """A class whose tutor the user may score: the organiser's staff."""
    cohort = Cohort.objects.select_related("project__organiser").filter(pk=pk).first()
    if cohort is not None and manages(user, cohort.project):
        return cohort
    raise out_of_scope(user, "cohort", pk)


def access_cohort_scores(user, pk: int) -> Cohort:
    """A class whose trainees' hand-entered scores the user may enter (and import): the
    organiser's staff, or the class's tutor."""
    cohort = Cohort.objects.select_related("project__organiser").filter(pk=pk).first()
    if cohort is not None and (manages(user, cohort.project) or pk in tutored_cohorts(user, cohort.project)):
        return cohort
    raise out_of_scope(user, "cohort", pk)


def cohorts_to_score(user, project: Project) -> list[Cohort]:
    """The project's classes whose scores the user may enter: all for staff, a tutor's own."""
    cohorts = project.cohorts.order_by("number")
    if not manages(user, project):
        cohorts = cohorts.filter(pk__in=tutored_cohorts(user, project))
    return list(cohorts)


def access_objection(user, pk: int) -> Objection:
    """An objection to an excellent-trainee list the user may decide: the organiser's staff."""
    objection = Objection.objects.select_related("round__project__organiser").filter(pk=pk).first()
    if objection is not None and manages(user, objection.round.project):
        return objection
    raise out_of_scope(user, "objection", pk)


def vetoes_in_scope(user) -> QuerySet[EthicsVeto]:
    return EthicsVeto.objects.filter(path_q(scope_paths(user, "assessment.veto"), "person__org__path"))


def access_veto(user, pk: int) -> EthicsVeto:
    try:
        return vetoes_in_scope(user).select_related("person__org").get(pk=pk)
    except EthicsVeto.DoesNotExist:
        raise out_of_scope(user, "ethics veto", pk) from None


def access_veto_person(user, pk: int) -> Person:
    """A teacher the user may record an ethics veto against."""
    return access_person(user, pk, perm="assessment.veto")


def veto_candidates(user) -> QuerySet[Person]:
    """Teachers the user may record an ethics veto against."""
    return people_in_scope(user, "assessment.veto")
