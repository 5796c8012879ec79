"""Classes (编班) and tutors: form classes automatically, assign tutors, move trainees, set a
tutor by hand, and download a class roster."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.refusals import refuse
from peixun.core.views import back, download
from peixun.orgs.models import Person
from peixun.training import access, exports, selectors
from peixun.training.access import has_perm, require_perm
from peixun.training.exceptions import DomainError
from peixun.training.models import Cohort
from peixun.training.services import cohorts as cohort_services


@login_required
@require_http_methods(["GET", "POST"])
def cohorts(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "form":
            made = cohort_services.form_cohorts(project=project, actor=request.user, request=request)
            messages.success(request, _("%(count)s classes formed.") % {"count": len(made)})
        elif action == "tutors":
            assigned = cohort_services.assign_tutors(project=project, actor=request.user, request=request)
            messages.success(request, _("%(count)s tutors assigned.") % {"count": assigned})
        return redirect("training:cohorts", project.pk)
    context = {
        "project": project,
        "cohorts": selectors.cohorts(project),
        "unassigned": selectors.unassigned(project).count(),
    }
    return render(request, "training/cohorts.html", context)


def _cohort(request: HttpRequest, pk: int) -> Cohort:
    if not (has_perm(request.user, "training.manage") or has_perm(request.user, "training.tutor")):
        require_perm(request, "training.manage")
    return access.access_cohort(request.user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    manages = access.can(request.user, "training.manage", cohort.project)
    if request.method == "POST":
        if not manages:
            raise Http404
        tutor_id = request.POST.get("tutor", "")
        tutor = None
        if tutor_id.isdigit():
            candidates = {p.pk: p for p in cohort_services.tutor_candidates(cohort.project)}
            tutor = candidates.get(int(tutor_id))
            if tutor is None:
                raise Http404
        cohort_services.set_tutor(cohort=cohort, person=tutor, actor=request.user, request=request)
        messages.success(request, _("Tutor saved."))
        return redirect("training:cohort-detail", cohort.pk)
    context = {
        "cohort": cohort,
        "project": cohort.project,
        "roster": list(selectors.roster(cohort)),
        "manages": manages,
        "others": list(cohort.project.cohorts.exclude(pk=cohort.pk)) if manages else [],
        "candidates": cohort_services.tutor_candidates(cohort.project)[:300] if manages else [],
    }
    return render(request, "training/cohort_detail.html", context)


@login_required
@require_GET
def cohort_roster(request: SignedInRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    content = exports.roster_workbook(cohort, list(selectors.roster(cohort)))
    return download(content, f"class-{cohort.project_id}-{cohort.number}-roster.xlsx")


@login_required
@require_POST
def enrolment_move(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    enrolment = access.access_enrolment(request.user, pk, "training.manage")
    target = request.POST.get("cohort", "")
    cohort = None
    if target.isdigit():
        cohort = Cohort.objects.filter(pk=int(target), project=enrolment.project).first()
        if cohort is None:
            raise Http404
    try:
        cohort_services.move_enrolment(
            enrolment=enrolment, cohort=cohort, actor=request.user, request=request
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Moved."))
    return back(request, "training:cohorts", enrolment.project_id)


__all__ = ["Person"]
