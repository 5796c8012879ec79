"""Change requests (变更申请): the organiser asks for new capacity, audience, dates or classes for an
approved project from its page; the approver sees the differences before → after and approves or
returns it with a comment; a returned request is edited and submitted again, or withdrawn."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.refusals import refuse
from peixun.training import access, selectors
from peixun.training.access import has_perm, require_perm
from peixun.training.change_forms import ChangeRequestForm, ClassLineFormSet, class_lines
from peixun.training.exceptions import ChangeNotAllowedError, ChangeRequestInvalidError, DomainError
from peixun.training.models import HOLDING, ChangeRequest, ChangeRequestStatus, Project
from peixun.training.rules import lifecycle
from peixun.training.services import changes as change_services
from peixun.training.views.projects import _audience_options

LIST_LIMIT = 200


def _require_either(request: SignedInRequest) -> None:
    """The change pages are for the organiser's staff and the approvers."""
    if not (has_perm(request.user, "training.manage") or has_perm(request.user, "training.approve")):
        require_perm(request, "training.manage")


def _classes(project: Project, data=None, change: ChangeRequest | None = None):
    """The class rows: the request's (when editing one) or the project's, each with its trainees."""
    cohorts = list(
        project.cohorts.annotate(
            trainees=Count("enrolments", filter=Q(enrolments__status__in=HOLDING))
        ).order_by("number")
    )
    if change is not None:
        initial = [{"id": line.get("id"), "name": line.get("name", "")} for line in change.classes]
    else:
        initial = [{"id": c.pk, "name": c.name} for c in cohorts]
    formset = ClassLineFormSet(data, prefix="classes", initial=initial)
    counts = {c.pk: c.trainees for c in cohorts}
    for form in formset.forms:
        raw = str(form["id"].value() or "")
        form.trainees = counts.get(int(raw)) if raw.isdigit() else None  # type: ignore[attr-defined]  # for the template
    return formset


def _form_page(request: SignedInRequest, project: Project, change: ChangeRequest | None) -> HttpResponse:
    """The form of a new request, or of a returned one being edited: checked, then submitted."""
    data = request.POST if request.method == "POST" else None
    form = ChangeRequestForm(data, project=project, change=change, orgs=_audience_options(request.user))
    classes = _classes(project, data, change)
    class_errors: list[str] = []
    if data is not None and form.is_valid() and classes.is_valid():
        proposal = form.proposal(class_lines(classes))
        reason = form.cleaned_data["reason"]
        try:
            if change is None:
                change = change_services.submit_change(
                    project=project, actor=request.user, proposal=proposal, reason=reason, request=request
                )
            else:
                change = change_services.resubmit_change(
                    change=change, actor=request.user, proposal=proposal, reason=reason, request=request
                )
        except ChangeRequestInvalidError as error:
            for name, text in error.problems:
                if name == "classes":
                    class_errors.append(text)
                else:
                    form.add_error(name if name in form.fields else None, text)
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("The change request was submitted; the approver has been told."))
            return redirect("training:change-detail", change.pk)
    context = {
        "project": project,
        "change": change,
        "form": form,
        "classes": classes,
        "class_errors": class_errors,
    }
    return render(request, "training/changes/change_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def change_new(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    existing = selectors.open_change_request(project)
    if existing is not None:
        messages.info(request, _("This project already has an open change request: here it is."))
        return redirect("training:change-detail", existing.pk)
    if project.status not in lifecycle.CHANGEABLE:
        refuse(request, ChangeNotAllowedError(status=project.get_status_display()))
        return redirect("training:project-detail", project.pk)
    return _form_page(request, project, None)


@login_required
@require_http_methods(["GET", "POST"])
def change_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    change = access.access_change_request(request.user, pk, "training.manage")
    if change.status != ChangeRequestStatus.RETURNED:
        messages.warning(request, _("Only a returned change request can be edited."))
        return redirect("training:change-detail", change.pk)
    return _form_page(request, change.project, change)


@login_required
@require_GET
def change_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    _require_either(request)
    change = access.access_change_request(request.user, pk)
    project = change.project
    user = request.user
    manages = access.can(user, "training.manage", project)
    approves = access.can(user, "training.approve", project)
    context = {
        "change": change,
        "project": project,
        "rows": change_services.change_differences(change),
        "can_decide": approves and change.status == ChangeRequestStatus.PENDING,
        "can_edit": manages and change.status == ChangeRequestStatus.RETURNED,
        "can_withdraw": manages and change.is_open,
        "places_taken": Project.objects.values_list("places_taken", flat=True).get(pk=project.pk),
    }
    return render(request, "training/changes/change_detail.html", context)


@login_required
@require_POST
def change_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.approve")
    change = access.access_change_request(request.user, pk, "training.approve")
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    try:
        if decision == "approve":
            change_services.approve_change(
                change=change, actor=request.user, comment=comment, request=request
            )
            messages.success(request, _("The change was approved and applied to the project."))
        elif decision == "return":
            change_services.return_change(change=change, actor=request.user, comment=comment, request=request)
            messages.success(request, _("The change request was returned to the organiser."))
        else:
            raise Http404
    except DomainError as error:
        refuse(request, error)
    return redirect("training:change-detail", change.pk)


@login_required
@require_POST
def change_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    change = access.access_change_request(request.user, pk, "training.manage")
    try:
        change_services.withdraw_change(change=change, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The change request was withdrawn; the project is unchanged."))
    return redirect("training:change-detail", change.pk)


@login_required
@require_GET
def change_list(request: SignedInRequest) -> HttpResponse:
    """变更申请: those waiting for the user's decision first, then the open ones of the user's
    projects, then the latest decided."""
    _require_either(request)
    user = request.user
    waiting = list(
        selectors.change_requests(user, "training.approve", ChangeRequestStatus.PENDING)[:LIST_LIMIT]
    )
    shown = {c.pk for c in waiting}
    mine = [
        c
        for c in selectors.change_requests(user, "training.manage", "open")[:LIST_LIMIT]
        if c.pk not in shown
    ]
    shown |= {c.pk for c in mine}
    done = [
        c
        for c in selectors.change_requests(user)
        .exclude(status__in=["pending", "returned"])
        .order_by("-updated_at", "-id")[:50]
        if c.pk not in shown
    ]
    return render(
        request, "training/changes/change_list.html", {"waiting": waiting, "mine": mine, "done": done}
    )
