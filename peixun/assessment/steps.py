"""What assessment does at the moments of the apps below it, registered in
`AssessmentConfig.ready()`:

- delivery's marks change (peixun.delivery.hooks): the results they touch are recomputed, in the
  same transaction — or, when they are more than a request may recompute (a lesson of a large
  class closed), in a background run with progress (services.recompute_soon);
- delivery asks for the absence limit: the scheme in force answers;
- a project moves to assessment (peixun.training.lifecycle, "assess" 20): every result is
  recomputed, after delivery closed the lessons;
- a project closes ("close" 10, 15, 20): every result is recomputed; the close is refused while a
  result is still provisional (work to grade or not yet due, scores to enter); then each passing
  trainee's hours are posted to the ledger (RULES A11);
- the trainee's project page: their result, with the reasons for a fail;
- the import pages (peixun.imports.registry): hand-entered scores, from a class's workbook.
"""

from dataclasses import replace

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peixun.assessment import selectors, services
from peixun.assessment.exceptions import TagsOffTheListError
from peixun.assessment.imports import apply_scores_file, blank_template, check_scores_file
from peixun.assessment.models import Result
from peixun.assessment.wording import result_context
from peixun.delivery import hooks as delivery_hooks
from peixun.imports import registry as imports
from peixun.imports.models import ImportKind
from peixun.training import lifecycle
from peixun.training.services import projects as project_services


def recompute_marked(*, project, enrolment_ids) -> None:
    # The trainees whose marks changed, at once; a whole class above the limit in the background.
    services.recompute_soon(project=project, enrolment_ids=enrolment_ids)


def absence_limit(*, project) -> tuple | None:
    scheme = selectors.current_scheme(project)
    share = scheme.hard_rules.absence_share
    return (share, scheme.hard_rules.leave_counts_as_absence) if share is not None else None


def recompute_all(*, project, actor, request=None) -> None:
    services.recompute(project=project, force=True)


def require_final(*, project, actor, request=None) -> None:
    services.require_final_results(project)


def recheck_due(*, now) -> None:
    services.recheck_due(now)


def post_hours(*, project, actor, request=None) -> None:
    # A tag off the list (typed before the list was closed) would stop the ledger: said first, with
    # the tag repair page as the place to put it right (issue 13).
    unknown = project_services.project_unknown_tags(project)
    if unknown:
        error = TagsOffTheListError(tags="、".join(unknown))
        if error.fix is not None:  # straight to the project's row on the page
            error.fix = replace(error.fix, url=f"{reverse('training:tag-repair')}#project-{project.pk}")
        raise error
    services.post_hours(project=project, actor=actor, request=request)


def result_panel(*, request, project, enrolment) -> str:
    result = (
        Result.objects.filter(enrolment=enrolment)
        .select_related("version", "project", "enrolment__person")
        .first()
    )
    if result is None:
        return ""
    return render_to_string("assessment/_my_result.html", result_context(result), request=request)


def register() -> None:
    imports.register(
        imports.Importer(
            kind=ImportKind.SCORES,
            perm="assessment.scores",
            check=check_scores_file,
            apply=apply_scores_file,
            template=lambda org: blank_template(),
            icon="123",
            checks_actor=True,
            results_url=lambda job: reverse("training:project-list"),
        ),
        order=50,
    )
    delivery_hooks.marks_changed.add(recompute_marked, order=10, name="assessment.recompute")
    delivery_hooks.absence_limit.add(absence_limit, order=10, name="assessment.scheme")
    delivery_hooks.my_project_panels.add(result_panel, order=10, name="assessment.result")
    recompute = {"does": _("recomputing the results"), "fix_at": _("the project's assessment scheme")}
    lifecycle.register_step("assess", 20, recompute_all, name="assessment.recompute", **recompute)
    lifecycle.register_step("close", 10, recompute_all, name="assessment.recompute", **recompute)
    lifecycle.register_step(
        "close",
        15,
        require_final,
        name="assessment.require_final",
        does=_("checking that every result is final"),
        fix_at=_("the project's Results tab"),
    )
    delivery_hooks.clock_ticked.add(recheck_due, order=10, name="assessment.recheck_due")
    lifecycle.register_step(
        "close",
        20,
        post_hours,
        name="assessment.post_hours",
        does=_("posting the hours to the ledger"),
        fix_at=_("the project's Results tab"),
    )
