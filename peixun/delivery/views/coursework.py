"""Coursework pages: a project's assignments with the completeness of required work, the
assignment form, the submissions of one assignment with grading, a trainee's submission page,
files, and the outside platforms' results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import XLSX_TYPE, download
from peixun.delivery import access, exports, selectors
from peixun.delivery.access import require_perm
from peixun.delivery.forms import AssignmentForm, GradeForm, SubmitForm
from peixun.delivery.models import OutsideResult, Submission, SubmissionStatus
from peixun.delivery.rules import files as file_rules
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.views.common import project_tabs, require_runner
from peixun.training.rules import lifecycle


@login_required
@require_GET
def assignments(request: SignedInRequest, pk: int) -> HttpResponse:
    require_runner(request)
    project = access.access_project(request.user, pk, "run")
    context = project_tabs(request, project, "coursework")
    rows = selectors.completeness(request.user, project)
    counts = selectors.submission_counts(project)
    found = list(project.assignments.select_related("course"))
    for assignment in found:
        count: dict[str, int] = counts.get(assignment.pk, {})
        assignment.handed_in = count.get("submitted", 0) + count.get("graded", 0)  # type: ignore[attr-defined]  # for the template
        assignment.graded = count.get("graded", 0)  # type: ignore[attr-defined]  # for the template
    context.update(
        assignments=found,
        rows=rows,
        incomplete=sum(1 for row in rows if not row.complete),
        can_edit=context["manages"] and project.status in lifecycle.SCHEDULING,
    )
    return render(request, "delivery/assignment_list.html", context)


@login_required
@require_GET
def completeness_export(request: SignedInRequest, pk: int) -> HttpResponse:
    require_runner(request)
    project = access.access_project(request.user, pk, "run")
    rows = selectors.completeness(request.user, project)
    return download(exports.completeness(project, rows), f"coursework-{project.pk}.xlsx", XLSX_TYPE)


def _assignment_form(request: SignedInRequest, project, assignment=None) -> HttpResponse:
    form = AssignmentForm(request.POST or None, project=project, instance=assignment)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        fields["rubric"] = form.cleaned_data["rubric"]
        try:
            coursework_services.save_assignment(
                project=project,
                actor=request.user,
                fields=fields,
                assignment=assignment if assignment is not None else None,
                request=request,
            )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("The assignment was saved."))
            return redirect("delivery:assignments", project.pk)
    context = project_tabs(request, project, "coursework")
    context.update(form=form, assignment=assignment)
    return render(request, "delivery/assignment_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "manage")
    return _assignment_form(request, project)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    assignment = access.access_assignment(request.user, pk, "manage")
    return _assignment_form(request, assignment.project, assignment)


@login_required
@require_GET
def assignment_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    require_runner(request)
    assignment = access.access_assignment(request.user, pk, "run")
    context = project_tabs(request, assignment.project, "coursework")
    context.update(assignment=assignment, rows=selectors.submissions_for(request.user, assignment))
    return render(request, "delivery/assignment_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: SignedInRequest, pk: int) -> HttpResponse:
    """A trainee hands in (or again) their work for an assignment."""
    assignment = access.access_assignment(request.user, pk, "view")
    enrolment = access.own_enrolment(request.user, assignment.project)
    if enrolment is None:
        raise Http404
    submission = (
        Submission.objects.filter(assignment=assignment, enrolment=enrolment)
        .prefetch_related("files")
        .first()
    )
    form = SubmitForm(
        request.POST or None,
        request.FILES or None,
        assignment=assignment,
        initial={"text": submission.text if submission else ""},
    )
    if request.method == "POST" and form.is_valid():
        uploads = [
            coursework_services.Upload(name=f.name or "", data=f.read(coursework_services.MAX_FILE_BYTES + 1))
            for f in request.FILES.getlist("files")
        ]
        try:
            coursework_services.submit(
                assignment=assignment,
                enrolment=enrolment,
                text=form.cleaned_data.get("text", ""),
                uploads=uploads,
                keep_files=not request.POST.get("replace_files"),
                actor=request.user,
                request=request,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your work was handed in."))
            return redirect("delivery:my-project", assignment.project_id)
    context = {
        "assignment": assignment,
        "submission": submission,
        "form": form,
        "open": coursework_services.open_for_work(assignment),
        "deadline": coursework_services.deadline(assignment),
        "locked": submission is not None and submission.status == SubmissionStatus.GRADED,
    }
    return render(request, "delivery/submit.html", context)


@login_required
@require_GET
def submission_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    submission = access.access_submission(request.user, pk)
    can_grade = access.can_grade(request.user, submission)
    context = {
        "submission": submission,
        "assignment": submission.assignment,
        "can_grade": can_grade,
        "form": GradeForm(initial={"score": submission.score, "comment": submission.comment}),
        "percent": coursework_services.percent(submission),
        "meets_length": coursework_services.meets_length(submission),
    }
    if can_grade:
        context.update(project_tabs(request, submission.assignment.project, "coursework"))
    return render(request, "delivery/submission_detail.html", context)


@login_required
@require_POST
def grade(request: SignedInRequest, pk: int) -> HttpResponse:
    submission = access.access_submission(request.user, pk)
    if not access.can_grade(request.user, submission):
        raise Http404
    form = GradeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a score between 0 and the maximum."))
        return redirect("delivery:submission", submission.pk)
    try:
        coursework_services.grade(
            submission=submission,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            returned=request.POST.get("action") == "return",
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
        return redirect("delivery:submission", submission.pk)
    messages.success(request, _("The grade was saved."))
    return redirect("delivery:assignment", submission.assignment_id)


@login_required
@require_GET
def submission_file(request: SignedInRequest, pk: int) -> HttpResponse:
    document = access.access_file(request.user, pk)
    return download(
        bytes(document.content),
        document.filename,
        file_rules.CONTENT_TYPES.get(document.kind, "application/octet-stream"),
    )


@login_required
@require_GET
def outside_results(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "delivery.import")
    project = access.access_project(request.user, pk, "manage")
    context = project_tabs(request, project, "results")
    context.update(
        rows=OutsideResult.objects.filter(project=project)
        .select_related("enrolment__person", "enrolment__school", "updated_by")
        .order_by("enrolment__person__name_pinyin")
    )
    return render(request, "delivery/outside_results.html", context)
