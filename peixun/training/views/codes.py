"""Learning codes (学习码): the codes of each school, handing them out, and importing the outside
platform's registration list to find who never registered."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.refusals import refuse
from peixun.lib import tabular
from peixun.orgs.models import Person
from peixun.training import access, selectors
from peixun.training.access import require_perm
from peixun.training.exceptions import DomainError
from peixun.training.models import HOLDING, CodeImport
from peixun.training.services import codes as code_services


@login_required
@require_http_methods(["GET", "POST"])
def codes(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.nominate")
    project = access.access_project(request.user, pk)
    manages = access.can(request.user, "training.manage", project)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "generate" and manages:
            made = code_services.generate_codes(project=project, actor=request.user, request=request)
            messages.success(request, _("%(count)s codes made.") % {"count": made})
        elif action == "issue_all":
            school = access.schools_in_scope(request.user).filter(pk=request.POST.get("school") or 0).first()
            if school is None:
                raise Http404
            given = code_services.issue_all(
                project=project, school=school, actor=request.user, request=request
            )
            messages.success(request, _("%(count)s codes given out.") % {"count": given})
        elif action == "upload" and manages and request.FILES.get("file"):
            upload = cast(UploadedFile, request.FILES["file"])  # one file, present (checked above)
            try:
                job = code_services.start_import(
                    project=project,
                    data=upload.read(tabular.MAX_UPLOAD_BYTES + 1),
                    filename=upload.name or "",
                    actor=request.user,
                )
            except tabular.TableError as error:
                messages.error(request, error.message)
            else:
                return redirect("training:code-import", job.pk)
        else:
            raise Http404
        return redirect("training:codes", project.pk)
    all_codes = selectors.codes_for(request.user, project)
    show = request.GET.get("show", "silent")
    listed = (
        all_codes.filter(person__isnull=False, registered_at__isnull=True) if show == "silent" else all_codes
    )
    context = {
        "project": project,
        "manages": manages,
        "summary": selectors.code_summary(all_codes),
        "codes": list(listed.order_by("school__name", "code")[:500]),
        "show": show,
        "imports": list(project.code_imports.all()[:5]) if manages else [],
    }
    return render(request, "training/codes.html", context)


@login_required
@require_POST
def code_issue(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.nominate")
    code = access.access_code(request.user, pk)
    person_id = request.POST.get("person", "")
    person = None
    if person_id.isdigit():
        person = Person.objects.filter(
            pk=int(person_id),
            enrolments__project=code.project,
            enrolments__status__in=HOLDING,
            org=code.school,
        ).first()
    if person is None:
        # Without a person, give the code to the next trainee of the school who has none.
        holders = code.project.learning_codes.filter(person__isnull=False).values("person_id")
        person = (
            Person.objects.filter(
                enrolments__project=code.project,
                enrolments__status__in=HOLDING,
                enrolments__school=code.school,
            )
            .exclude(pk__in=holders)
            .order_by("name_pinyin")
            .first()
        )
    if person is None:
        messages.error(request, _("Every trainee of this school already has a code."))
        return redirect("training:codes", code.project_id)
    try:
        code_services.issue_code(code=code, person=person, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(
            request, _("Code %(code)s given to %(name)s.") % {"code": code.code, "name": person.name}
        )
    return redirect("training:codes", code.project_id)


def _access_code_import(request: SignedInRequest, pk: int) -> CodeImport:
    require_perm(request, "training.manage")
    job = CodeImport.objects.select_related("project", "project__organiser").filter(pk=pk).first()
    if job is None or not access.can(request.user, "training.manage", job.project):
        raise Http404
    return job


@login_required
@require_POST
def code_import_rerun(request: SignedInRequest, pk: int) -> HttpResponse:
    """Run an interrupted or failed registration list's check again."""
    job = _access_code_import(request, pk)
    try:
        code_services.run_check_again(job=job, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    return redirect("training:code-import", job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def code_import(request: SignedInRequest, pk: int) -> HttpResponse:
    job = _access_code_import(request, pk)
    if request.method == "POST":
        try:
            code_services.apply_import(job=job, actor=request.user, request=request)
        except DomainError as error:
            refuse(request, error)
        return redirect("training:code-import", job.pk)
    context = {"job": job, "project": job.project, "errors": job.errors[:500], "can_rerun": job.can_run_again}
    if request.htmx:
        return render(request, "training/code_import.html#status", context)
    return render(request, "training/code_import.html", context)
