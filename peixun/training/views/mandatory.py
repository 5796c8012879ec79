"""Mandatory enrolment pages: enrol everyone at once when they fit; otherwise a preview of the two
ways on (more classes, or up to the places in a stated order) to choose from and confirm; the
run's page with its progress and outcome; and undoing a run, after a confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.refusals import refuse
from peixun.orgs.models import Org
from peixun.training import access, selectors
from peixun.training.access import require_perm
from peixun.training.exceptions import (
    AudienceChangedError,
    CapacityTooSmallError,
    DomainError,
    MandatoryRunNotUndoableError,
)
from peixun.training.models import MandatoryOption, MandatoryRun, Project
from peixun.training.rules import mandatory as rules
from peixun.training.services.enrolment import mandatory_runs

NOBODY = gettext_noop(
    "Nobody is left to enrol: everyone it is mandatory for is enrolled, waitlisted or exempted."
)


def _project(request: SignedInRequest, pk: int) -> Project:
    require_perm(request, "training.manage")
    return access.access_project(request.user, pk, "training.manage")


def _run(request: SignedInRequest, pk: int) -> MandatoryRun:
    require_perm(request, "training.manage")
    return access.access_mandatory_run(request.user, pk)


def _preview_url(project: Project, option: str = "", seed: str = "") -> str:
    url = reverse("training:mandatory-preview", args=[project.pk])
    query = {key: value for key, value in (("option", option), ("seed", seed)) if value}
    return f"{url}?{urlencode(query)}" if query else url


@login_required
@require_POST
def mandatory(request: SignedInRequest, pk: int) -> HttpResponse:
    """Enrol everyone it is mandatory for; when they do not fit, on to the preview to choose how."""
    project = _project(request, pk)
    try:
        run = mandatory_runs.start_mandatory_run(project=project, actor=request.user)
    except CapacityTooSmallError as error:
        messages.info(request, str(error))
        return redirect(_preview_url(project))
    except DomainError as error:
        refuse(request, error)
        return redirect("training:project-enrolments", project.pk)
    if run is None:
        messages.info(request, _(NOBODY))
        return redirect("training:project-enrolments", project.pk)
    return redirect("training:mandatory-run", run.pk)


@login_required
@require_http_methods(["GET", "POST"])
def mandatory_preview(request: SignedInRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if request.method == "POST":
        option = request.POST.get("option", "")
        seed = request.POST.get("seed", "").strip()[:64]
        if option not in (rules.CLASSES, rules.ORDER):
            messages.error(request, _("Choose one of the two ways first."))
            return redirect(_preview_url(project))
        try:
            run = mandatory_runs.start_mandatory_run(
                project=project,
                actor=request.user,
                option=option,
                seed=seed,
                digest=request.POST.get("digest", ""),
            )
        except AudienceChangedError as error:
            refuse(request, error)
            return redirect(_preview_url(project, option, seed))
        except DomainError as error:
            refuse(request, error)
            return redirect("training:project-enrolments", project.pk)
        if run is None:
            messages.info(request, _(NOBODY))
            return redirect("training:project-enrolments", project.pk)
        return redirect("training:mandatory-run", run.pk)
    option = request.GET.get("option", "")
    try:
        plan = mandatory_runs.plan_mandatory(
            project,
            option=option if option in (rules.CLASSES, rules.ORDER) else rules.ALL,
            seed=request.GET.get("seed", ""),
        )
    except DomainError as error:
        refuse(request, error)
        return redirect("training:project-enrolments", project.pk)
    context = {
        "project": project,
        "plan": plan,
        "chosen": plan.option if not plan.fits and plan.option != rules.ALL else "",
        "rows": plan.school_rows(),
        "class_sizes": plan.class_sizes,
        "new_classes": len(plan.classes),
        "options": {"classes": rules.CLASSES, "order": rules.ORDER},
        "classes_url": _preview_url(project, rules.CLASSES),
        "order_url": _preview_url(project, rules.ORDER),
        "runs": list(selectors.mandatory_runs(project)[:5]),
    }
    return render(request, "training/mandatory_preview.html", context)


def _run_context(run: MandatoryRun) -> dict:
    schools = {
        org.pk: org for org in Org.objects.filter(pk__in=[share[0] for share in run.shares]).order_by("path")
    }
    rows = [
        {"school": schools.get(share[0]), "eligible": share[1], "enrolled": share[2], "waitlisted": share[3]}
        for share in run.shares
    ]
    return {
        "run": run,
        "project": run.project,
        "option_label": MandatoryOption(run.option).label,
        "rows": rows,
        "verified": mandatory_runs.verify_mandatory_run(run),
        "can_undo": mandatory_runs.can_undo(run),
        "can_rerun": run.can_run_again and run.applied_at is None and run.shown_state == "interrupted",
        "preview_url": _preview_url(run.project, run.option if run.option != rules.ALL else "", run.seed),
    }


@login_required
@require_GET
def mandatory_run(request: SignedInRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    context = _run_context(run)
    if request.htmx:
        return render(request, "training/mandatory_run.html#status", context)
    return render(request, "training/mandatory_run.html", context)


@login_required
@require_POST
def mandatory_rerun(request: SignedInRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        mandatory_runs.run_mandatory_again(run=run, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    return redirect("training:mandatory-run", run.pk)


@login_required
@require_http_methods(["GET", "POST"])
def mandatory_undo(request: SignedInRequest, pk: int) -> HttpResponse:
    """Undo a mandatory enrolment: a page saying what will happen, then the POST that does it."""
    run = _run(request, pk)
    if request.method == "POST":
        try:
            undone = mandatory_runs.undo_mandatory_run(run=run, actor=request.user, request=request)
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(
                request,
                _(
                    "Undone: %(removed)s enrolments removed, %(restored)s put back as they were, "
                    "%(places)s places given back."
                )
                % {"removed": undone.removed, "restored": undone.restored, "places": undone.places},
            )
            if undone.promoted:
                messages.info(
                    request,
                    _("%(count)s people on the waitlist got a freed place.") % {"count": undone.promoted},
                )
        return redirect("training:mandatory-run", run.pk)
    if not mandatory_runs.can_undo(run):
        refuse(request, MandatoryRunNotUndoableError())
        return redirect("training:mandatory-run", run.pk)
    context = {**_run_context(run), "undo": mandatory_runs.undo_preview(run)}
    return render(request, "training/mandatory_undo.html", context)
