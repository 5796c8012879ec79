"""Project pages: the list (teachers see what they may enrol in first, and why not for the rest),
the create/edit form, the detail page with its lifecycle buttons and the teacher's enrolment box,
and the documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.orgs.models import Org
from peixun.policies.rules import codes
from peixun.training import access, hooks, selectors, services
from peixun.training.access import has_perm, orgs_in_scope, path_q, require_perm, scope_paths
from peixun.training.exceptions import DomainError
from peixun.training.forms import (
    BudgetFormSet,
    CourseFormSet,
    ProjectFilterForm,
    ProjectForm,
    TagRepairForm,
    TrainerFormSet,
    budget_from,
    courses_from,
    trainers_from,
)
from peixun.training.models import (
    LIVE,
    EnrolmentMode,
    ProjectAttachment,
    ProjectStatus,
)
from peixun.training.rules import lifecycle
from peixun.training.services import projects as project_services
from peixun.training.wording import reasons_text, targets_text

PAGE_SIZE = 20
AUDIENCE_OPTIONS_LIMIT = 500


@login_required
@require_GET
def project_list(request: SignedInRequest) -> HttpResponse:
    values = ProjectFilterForm(request.GET).cleaned()
    query = selectors.ProjectFilter(
        q=values["q"][:50], status=values["status"], level=values["level"], mode=values["mode"]
    )
    staff = has_perm(request.user, "training.view") or has_perm(request.user, "training.nominate")
    context = {"form": ProjectFilterForm(initial=values), "values": values, "staff": staff}
    context["can_create"] = has_perm(request.user, "training.manage")
    context["can_plan"] = has_perm(request.user, "training.plan")
    context["can_keys"] = has_perm(request.user, "api.keys")
    if request.user.person_id and not staff:
        rows = selectors.teacher_projects(request.user, query)
        for row in rows:
            row.reason_texts = reasons_text(row.decision.reasons)  # type: ignore[attr-defined]  # for the template
        context["rows"] = rows
    else:
        page = Paginator(selectors.project_list(request.user, query), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["page"] = page
    template = "training/project_list.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(request, template, context)


def _org_options(user):
    return (
        Org.objects.filter(pk__in=orgs_in_scope(user, "training.manage").values("pk"))
        .exclude(kind="school")
        .order_by("path")
    )


def _audience_options(user):
    """Orgs an audience may name: the user's manage scope and the orgs above it down to counties
    (a centre may aim at the whole city it serves)."""
    paths = scope_paths(user, "training.manage")
    ancestors = {a for path in paths for a in access.ancestor_paths(path)}
    orgs = (
        Org.objects.filter(path_q(paths, "path") | Q(path__in=ancestors))
        .exclude(kind="unit")
        .order_by("path")
    )
    if orgs.count() > AUDIENCE_OPTIONS_LIMIT:
        # A city or province: aim at areas; a single school's project is made by its county.
        orgs = orgs.exclude(kind="school")
    return orgs


def _formsets(request: HttpRequest, project=None):
    data = request.POST if request.method == "POST" else None
    if project is not None and data is None:
        courses = [
            {
                "name": c.name,
                "hours": c.hours,
                "category": c.category,
                "required": c.required,
                "assessed": c.assessed,
                "mode": c.mode,
                "tags": [tag for tag in codes.canonical_tags(c.tags) if tag in codes.TAGS],
            }
            for c in project.courses.all()
        ]
        budget = [{"kind": b.kind, "item": b.item, "amount": b.amount} for b in project.budget_lines.all()]
        trainers = [
            {"name": t.name, "role": t.role, "affiliation": t.affiliation, "topic": t.topic}
            for t in project.trainers.all()
        ]
    else:
        courses, budget, trainers = [{}], [], []
    return (
        CourseFormSet(data, prefix="courses", initial=courses or [{}]),
        BudgetFormSet(data, prefix="budget", initial=budget),
        TrainerFormSet(data, prefix="trainers", initial=trainers),
    )


def _save_attachment(request, form, project) -> None:
    upload = form.cleaned_data.get("attachment")
    if upload is not None:
        # The form read and checked the bytes (ProjectForm.clean_attachment); the service checks again.
        project_services.add_attachment(
            project=project,
            actor=request.user,
            filename=upload.name or "",
            data=form.attachment_data,
            request=request,
        )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "training.manage")
    organisers = _org_options(request.user)
    form = ProjectForm(
        request.POST or None,
        request.FILES or None,
        organisers=organisers,
        orgs=_audience_options(request.user),
        creating=True,
        initial={
            "level": "city"
            if organisers.first() and organisers.first().kind in ("city", "institution")
            else "county",
            "category": "knowledge_skills",
            "organiser": organisers.first(),
            "audience": [project_services.default_audience(organisers.first())] if organisers.first() else [],
        },
    )
    courses, budget, trainers = _formsets(request)
    if request.method == "POST" and all(f.is_valid() for f in (form, courses, budget, trainers)):
        with transaction.atomic():
            project = project_services.create_project(
                organiser=form.cleaned_data["organiser"],
                actor=request.user,
                fields=form.project_fields(),
                audience=list(form.cleaned_data["audience"]),
                excluded=list(form.cleaned_data["excluded_orgs"]),
                courses=courses_from(courses),
                budget=budget_from(budget),
                trainers=trainers_from(trainers),
                request=request,
            )
            _save_attachment(request, form, project)
        messages.success(request, _("The project was saved as a draft."))
        return redirect("training:project-detail", project.pk)
    context = {
        "form": form,
        "courses": courses,
        "budget": budget,
        "trainers": trainers,
        "project": None,
        "suggestions": _suggestions(request.user, None),
    }
    return render(request, "training/project_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    if not project.is_editable:
        if project.status in lifecycle.CHANGEABLE:
            messages.warning(
                request,
                _(
                    "An approved project is not edited: its capacity, audience, dates and classes change "
                    "through a change request (Request a change, on this page)."
                ),
            )
        else:
            messages.warning(request, _("Only a draft or a rejected project can be edited."))
        return redirect("training:project-detail", project.pk)
    form = ProjectForm(
        request.POST or None, request.FILES or None, instance=project, orgs=_audience_options(request.user)
    )
    courses, budget, trainers = _formsets(request, project)
    if request.method == "POST" and all(f.is_valid() for f in (form, courses, budget, trainers)):
        try:
            with transaction.atomic():
                project_services.update_project(
                    project=project,
                    actor=request.user,
                    fields=form.project_fields(),
                    audience=list(form.cleaned_data["audience"]),
                    excluded=list(form.cleaned_data["excluded_orgs"]),
                    courses=courses_from(courses),
                    budget=budget_from(budget),
                    trainers=trainers_from(trainers),
                    request=request,
                )
                _save_attachment(request, form, project)
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("training:project-detail", project.pk)
    context = {
        "form": form,
        "courses": courses,
        "budget": budget,
        "trainers": trainers,
        "project": project,
        "suggestions": _suggestions(request.user, project),
    }
    return render(request, "training/project_form.html", context)


def _suggestions(user, project) -> list:
    """Trainers to suggest as names are typed (the trainer pool, through the hook; C2)."""
    return [s for answer in hooks.trainer_suggestions.run(user=user, project=project) for s in answer or ()][
        :500
    ]


def _actions(user, project) -> list:
    """The lifecycle moves the user may make now (the clock's own moves are offered too), each with
    the page where it must be confirmed first, if a higher app asks for one (hooks.move_confirmation)."""
    return [
        (t, hooks.move_confirmation.first(project=project, action=t.action))
        for t in lifecycle.available(project.status)
        if access.can(user, t.perm, project)
    ]


@login_required
@require_GET
def project_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    project = selectors.project_detail(access.access_project(request.user, pk))
    user = request.user
    manages = access.can(user, "training.manage", project)
    context = {
        "project": project,
        "manages": manages,
        "actions": _actions(user, project),
        "budget_total": selectors.budget_total(project),
        "course_hours": sum((c.hours for c in project.courses.all()), 0),
        "counts": selectors.enrolment_counts(project) if manages else None,
        "events": selectors.project_events(project)
        if manages or has_perm(user, "training.approve")
        else None,
        "can_nominate": has_perm(user, "training.nominate"),
        "targets": project.targets or {},
        "target_lines": target_lines(project),
        "unknown_tags": project_services.project_unknown_tags(project) if manages else [],
        # A change request (变更申请) open on the project, for its organisers and approvers.
        "open_change": selectors.open_change_request(project)
        if manages or access.can(user, "training.approve", project)
        else None,
    }
    context.update(enrol_box(request, project))
    return render(request, "training/project_detail.html", context)


def target_lines(project) -> list[str]:
    """The target rules in words (besides the audience)."""
    return targets_text(project.targets or {})


def enrol_box(request: SignedInRequest, project) -> dict:
    """The teacher's box on a project: their enrolment, or whether they may enrol and why not."""
    user = request.user
    person = access.person_of(user)
    if person is None:
        return {"box": None}
    enrolment = project.enrolments.filter(person=person).select_related("cohort", "cohort__tutor").first()
    decision = selectors.decision_for(project, person)
    open_now = project.enrolment_open(timezone.now())
    return {
        "box": {
            "enrolment": enrolment,
            "live": enrolment is not None and enrolment.status in LIVE,
            "decision": decision,
            "reasons": reasons_text(decision.reasons),
            "open": open_now,
            "self_service": project.enrolment_mode != EnrolmentMode.NOMINATION,
            "can_enrol": has_perm(user, "training.enrol"),
            "position": selectors.waitlist_position(enrolment) if enrolment else None,
            "exemption": enrolment.exemptions.first() if enrolment else None,
        }
    }


@login_required
@require_POST
def project_move(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    if not (has_perm(request.user, "training.manage") or has_perm(request.user, "training.approve")):
        require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.view")
    if action not in lifecycle.TRANSITIONS:
        raise Http404
    try:
        services.move_project(
            project=project,
            action=action,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        project.refresh_from_db()
        messages.success(
            request, _("The project is now: %(status)s.") % {"status": project.get_status_display()}
        )
    return redirect("training:project-detail", project.pk)


@login_required
@require_GET
def attachment(request: SignedInRequest, pk: int, attachment_pk: int) -> HttpResponse:
    project = access.access_project(request.user, pk)
    document = get_object_or_404(ProjectAttachment, pk=attachment_pk, project=project)
    return download(
        bytes(document.content), document.filename, document.content_type or "application/octet-stream"
    )


__all__ = ["ProjectStatus"]


@login_required
@require_http_methods(["GET", "POST"])
def tag_repair(request: SignedInRequest) -> HttpResponse:
    """标签修复: the projects whose tags are off the list, each given the right tags from the list."""
    require_perm(request, "training.manage")
    if request.method == "POST":
        try:
            pk = int(request.POST.get("project", ""))
        except ValueError:
            raise Http404 from None
        project = access.access_project(request.user, pk, "training.manage")
        form = TagRepairForm(request.POST)
        if form.is_valid():
            project_services.repair_tags(
                project=project, actor=request.user, tags=form.cleaned_data["tags"], request=request
            )
            messages.success(request, _("The tags of “%(title)s” were saved.") % {"title": project.title})
            return redirect("training:tag-repair")
        messages.error(request, _("Pick at least one tag from the list."))
    rows = [
        (row, TagRepairForm(initial={"tags": row.known}))
        for row in selectors.projects_with_unknown_tags(request.user)
    ]
    return render(request, "training/tag_repair.html", {"rows": rows})
