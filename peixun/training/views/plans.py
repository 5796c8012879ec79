"""Annual plans: the list, a plan with its planned projects against what they became, and a draft
project made from a planned one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.training import selectors
from peixun.training.access import orgs_in_scope, path_q, require_perm, scope_paths
from peixun.training.forms import PlanForm, PlanItemForm
from peixun.training.models import AnnualPlan, PlanItem
from peixun.training.services import plans as plan_services


def _access_plan(user, pk: int) -> AnnualPlan:
    plan = (
        AnnualPlan.objects.select_related("org")
        .filter(path_q(scope_paths(user, "training.plan"), "org__path"), pk=pk)
        .first()
    )
    if plan is None:
        raise Http404
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "training.plan")
    orgs = orgs_in_scope(request.user, "training.plan").exclude(kind="school").order_by("path")
    form = PlanForm(
        request.POST or None, orgs=orgs, initial={"year": timezone.localdate().year, "org": orgs.first()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_services.create_plan(actor=request.user, request=request, **form.cleaned_data)
        except IntegrityError:
            form.add_error("year", _("This organisation already has a plan for that year."))
        else:
            return redirect("training:plan-detail", plan.pk)
    return render(request, "training/plan_list.html", {"plans": selectors.plans(request.user), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.plan")
    plan = _access_plan(request.user, pk)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan_services.add_item(plan=plan, actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Planned project added."))
        return redirect("training:plan-detail", plan.pk)
    context = {"plan": plan, "figures": selectors.plan_figures(plan), "form": form}
    return render(request, "training/plan_detail.html", context)


@login_required
@require_POST
def plan_item_project(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    item = PlanItem.objects.select_related("plan", "plan__org").filter(pk=pk).first()
    if item is None:
        raise Http404
    plan = _access_plan(request.user, item.plan_id)
    organisers = orgs_in_scope(request.user, "training.manage").filter(path__startswith=plan.org.path)
    organiser = (
        organisers.filter(pk=plan.org_id).first()
        or organisers.exclude(kind="school").order_by("path").first()
    )
    if organiser is None:
        raise Http404
    project = plan_services.project_from_item(
        item=item, organiser=organiser, actor=request.user, request=request
    )
    return redirect("training:project-edit", project.pk)
