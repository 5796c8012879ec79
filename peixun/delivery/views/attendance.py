"""The attendance table of a project (every trainee × every lesson, with how many absences each
has left) and its workbook; leave requests: ask, decide along the chain, withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import XLSX_TYPE, back, download
from peixun.delivery import access, exports, selectors
from peixun.delivery.forms import DecideForm, LeaveForm
from peixun.delivery.models import LeaveRequest
from peixun.delivery.services import leave as leave_services
from peixun.delivery.views.common import project_tabs, require_runner


@login_required
@require_GET
def attendance(request: SignedInRequest, pk: int) -> HttpResponse:
    require_runner(request)
    project = access.access_project(request.user, pk, "run")
    lessons, rows = selectors.attendance_matrix(request.user, project)
    context = project_tabs(request, project, "lessons")
    context.update(
        lessons=lessons,
        rows=rows,
        warned=sum(1 for row in rows if row.warn),
        leave_counts=all(row.leave_counts for row in rows),
        leave=LeaveRequest.objects.filter(enrolment__project=project)
        .select_related("enrolment__person", "enrolment__school")
        .order_by("-created_at")[:50],
    )
    return render(request, "delivery/attendance.html", context)


@login_required
@require_GET
def attendance_export(request: SignedInRequest, pk: int) -> HttpResponse:
    require_runner(request)
    project = access.access_project(request.user, pk, "run")
    lessons, rows = selectors.attendance_matrix(request.user, project)
    return download(exports.attendance(project, lessons, rows), f"attendance-{project.pk}.xlsx", XLSX_TYPE)


@login_required
@require_POST
def leave_create(request: SignedInRequest, pk: int) -> HttpResponse:
    project = access.access_project(request.user, pk)
    enrolment = access.own_enrolment(request.user, project)
    if enrolment is None:
        raise Http404
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("delivery:my-project", project.pk)
    try:
        leave = leave_services.request_leave(
            enrolment=enrolment, actor=request.user, request=request, **form.cleaned_data
        )
    except DomainError as error:
        refuse(request, error)
        return redirect("delivery:my-project", project.pk)
    messages.success(request, _("Your leave request was sent."))
    return redirect("delivery:leave", leave.pk)


@login_required
@require_GET
def leave_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    leave = access.access_leave(request.user, pk)
    context = {
        "leave": leave,
        "project": leave.enrolment.project,
        "decisions": list(leave.decisions.select_related("decided_by")),
        "steps": leave.steps,
        "can_decide": access.may_decide(request.user, leave),
        "own": leave.enrolment.person_id == request.user.person_id,
        "form": DecideForm(),
    }
    return render(request, "delivery/leave_detail.html", context)


@login_required
@require_POST
def leave_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    leave = access.access_leave(request.user, pk)
    form = DecideForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        leave_services.decide_leave(
            leave=leave,
            actor=request.user,
            approve=request.POST.get("decision") == "approve",
            note=note,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Your decision was recorded."))
    return back(request, "delivery:leave", leave.pk)


@login_required
@require_POST
def leave_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    leave = access.access_leave(request.user, pk)
    if leave.enrolment.person_id != request.user.person_id:
        raise Http404
    try:
        leave_services.withdraw_leave(leave=leave, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Your leave request was withdrawn."))
    return redirect("delivery:my-project", leave.enrolment.project_id)
