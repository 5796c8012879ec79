"""Enrolment pages: a teacher's enrol / withdraw / confirm / exemption buttons, and the staff's
enrolment management — the list with its waitlist, nominations, approvals, quotas and the lottery
(mandatory enrolment: views/mandatory.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.refusals import refuse
from peixun.core.views import back, download
from peixun.orgs.models import Org, Person
from peixun.training import access, exports, selectors
from peixun.training.access import has_perm, path_q, require_perm, scope_paths
from peixun.training.exceptions import DomainError
from peixun.training.forms import ExemptionForm
from peixun.training.models import (
    LIVE,
    EnrolmentMode,
    EnrolmentStatus,
    ExemptionRequest,
    ExemptionStatus,
    LotteryDraw,
    QuotaMode,
    SchoolQuota,
)
from peixun.training.rules import lottery as lottery_rules
from peixun.training.services import enrolment as enrolment_services
from peixun.training.views.common import enrolment_and_perm, enrolment_for
from peixun.training.views.projects import enrol_box

PAGE_SIZE = 50
# --- The teacher's own actions ---------------------------------------------------------------------


@login_required
@require_POST
def enrol(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.enrol")
    project = access.access_project(request.user, pk)
    person = access.person_of(request.user)
    if person is None:
        messages.error(request, _("This account is not linked to a teacher's record."))
        return redirect("training:project-detail", project.pk)
    try:
        enrolment = enrolment_services.enrol(
            project=project,
            person=person,
            actor=request.user,
            subject=request.POST.get("subject", ""),
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Done: %(status)s.") % {"status": enrolment.get_status_display()})
    if request.htmx:
        context = {"project": project, **enrol_box(request, project)}
        return render(request, "training/project_detail.html#enrol-box", context)
    return back(request, "training:project-detail", project.pk)


@login_required
@require_POST
def enrolment_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    enrolment, perm = enrolment_and_perm(request.user, pk, ("training.manage", "training.nominate", "own"))
    try:
        enrolment_services.withdraw_enrolment(
            enrolment=enrolment, actor=request.user, request=request, as_teacher=perm == "own"
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Withdrawn."))
    return back(request, "training:project-detail", enrolment.project_id)


@login_required
@require_POST
def enrolment_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for(request.user, pk, ("own", "training.nominate"))
    try:
        enrolment_services.confirm_enrolment(enrolment=enrolment, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Confirmed: %(status)s.") % {"status": enrolment.get_status_display()})
    return back(request, "training:project-detail", enrolment.project_id)


@login_required
@require_POST
def exemption_request(request: SignedInRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for(request.user, pk, ("own", "training.nominate"))
    form = ExemptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason."))
        return back(request, "training:project-detail", enrolment.project_id)
    try:
        enrolment_services.request_exemption(
            enrolment=enrolment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The exemption request was sent to the school."))
    return back(request, "training:project-detail", enrolment.project_id)


# --- Decisions -----------------------------------------------------------------------------------------


@login_required
@require_POST
def enrolment_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for(request.user, pk, ("training.nominate", "training.county_approve"))
    stage_perm = "training.county_approve" if enrolment.stage == "county" else "training.nominate"
    enrolment = enrolment_for(request.user, pk, (stage_perm,))
    try:
        enrolment_services.decide_enrolment(
            enrolment=enrolment,
            approve=request.POST.get("decision") == "approve",
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Decision recorded."))
    return back(request, "training:inbox")


@login_required
@require_POST
def exemption_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    if not (has_perm(request.user, "training.nominate") or has_perm(request.user, "training.county_approve")):
        require_perm(request, "training.nominate")
    exemption = get_object_or_404(ExemptionRequest.objects.select_related("enrolment"), pk=pk)
    perm = (
        "training.county_approve"
        if exemption.status == ExemptionStatus.PENDING_COUNTY
        else "training.nominate"
    )
    enrolment_for(request.user, exemption.enrolment_id, (perm,))  # 404 unless the user decides this stage
    try:
        enrolment_services.decide_exemption(
            exemption=exemption,
            approve=request.POST.get("decision") == "approve",
            actor=request.user,
            note=request.POST.get("note", ""),
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Decision recorded."))
    return back(request, "training:inbox")


# --- Enrolment management --------------------------------------------------------------------------------


def _staff_project(request: HttpRequest, pk: int, perm: str):
    require_perm(request, perm)
    project = access.access_project(request.user, pk)
    return project


@login_required
@require_GET
def project_enrolments(request: SignedInRequest, pk: int) -> HttpResponse:
    project = _staff_project(request, pk, "training.nominate")
    status = request.GET.get("status", "")
    status = status if status in EnrolmentStatus.values else ""
    q = request.GET.get("q", "").strip()[:30]
    enrolments = selectors.project_enrolments(request.user, project, status=status, q=q)
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    manages = access.can(request.user, "training.manage", project)
    scoped = access.enrolments_in_scope(request.user, project)
    counts = selectors.enrolment_counts(project, scoped)
    context = {
        "project": project,
        "page": page,
        # 学科 only when a row on the page has one (mandatory enrolments often have none).
        "show_subject": any(e.subject for e in page.object_list),
        "status": status,
        "q": q,
        "manages": manages,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in EnrolmentStatus.choices],
        "in_scope": {
            "enrolled": counts.get(EnrolmentStatus.ENROLLED, 0),
            "waitlisted": counts.get(EnrolmentStatus.WAITLISTED, 0),
        },
        "waitlist": list(selectors.waitlist(project).filter(pk__in=scoped.values("pk"))[:50]),
        "quotas": list(
            SchoolQuota.objects.filter(project=project)
            .filter(path_q(scope_paths(request.user, "training.nominate"), "org__path"))
            .select_related("org")
        ),
        "mandatory": project.enrolment_mode == EnrolmentMode.MANDATORY,
        "mandatory_runs": (
            list(selectors.mandatory_runs(project)[:5])
            if manages and project.enrolment_mode == EnrolmentMode.MANDATORY
            else []
        ),
    }
    template = "training/project_enrolments.html"
    if request.htmx and request.htmx.target == "enrolment-results":
        template += "#results"
    return render(request, template, context)


@login_required
@require_GET
def enrolments_export(request: SignedInRequest, pk: int) -> HttpResponse:
    project = _staff_project(request, pk, "training.nominate")
    rows = selectors.project_enrolments(request.user, project)
    return download(exports.enrolments_workbook(project, list(rows)), f"project-{project.pk}-enrolments.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: SignedInRequest, pk: int) -> HttpResponse:
    project = _staff_project(request, pk, "training.nominate")
    paths = scope_paths(request.user, "training.nominate")
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("person") if v.isdigit()][:200]
        people = {
            p.pk: p for p in selectors.audience_people(project).filter(path_q(paths, "org__path"), pk__in=ids)
        }
        done = 0
        for person_id in ids:
            person = people.get(person_id)
            if person is None:
                continue
            try:
                enrolment_services.nominate(
                    project=project, person=person, actor=request.user, request=request
                )
                done += 1
            except DomainError as error:
                messages.error(request, f"{person.name}: {error}")
        if done:
            messages.success(request, _("%(count)s nominated.") % {"count": done})
        return redirect("training:nominate", project.pk)
    eligible = selectors.eligible_people(project, within=paths)[:500]
    taken = set(project.enrolments.filter(status__in=LIVE).values_list("person_id", flat=True))
    context = {
        "project": project,
        "candidates": [p for p in eligible if p.pk not in taken],
        "is_nomination": project.enrolment_mode == EnrolmentMode.NOMINATION,
        "open": project.enrolment_open(timezone.now()),
        "quotas": list(
            SchoolQuota.objects.filter(project=project)
            .filter(path_q(paths, "org__path"))
            .select_related("org")
        ),
    }
    return render(request, "training/nominate.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def quotas(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "training.manage")
    project = access.access_project(request.user, pk, "training.manage")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "proportional":
                enrolment_services.set_proportional_quotas(
                    project=project, actor=request.user, request=request
                )
            elif request.POST.get("action") == "release":
                enrolment_services.release_quotas(project=project, actor=request.user, request=request)
            else:
                values = {}
                for key, value in request.POST.dict().items():
                    if key.startswith("quota-") and key[6:].isdigit() and value.strip().isdigit():
                        values[int(key[6:])] = int(value)
                in_scope = set(
                    access.schools_in_scope(request.user, "training.manage")
                    .filter(pk__in=values)
                    .values_list("pk", flat=True)
                )
                enrolment_services.set_quotas(
                    project=project,
                    quotas_by_school={k: v for k, v in values.items() if k in in_scope},
                    actor=request.user,
                    request=request,
                )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("Quotas saved."))
        return redirect("training:quotas", project.pk)
    rows = {q.org_id: q for q in SchoolQuota.objects.filter(project=project).select_related("org")}
    paths, _excluded = selectors.audience_paths(project)
    schools = list(Org.objects.filter(path_q(paths, "path"), kind="school").order_by("path")[:1000])
    context = {
        "project": project,
        "rows": [(school, rows.get(school.pk)) for school in schools],
        "total": sum(q.quota for q in rows.values()),
        "used": sum(q.used for q in rows.values()),
        "uses_quotas": project.quota_mode != QuotaMode.NONE,
    }
    return render(request, "training/quotas.html", context)


def _entries(draw) -> list[dict]:
    """The first 500 places of a draw with names and schools (the list is published, 公示)."""
    if draw is None:
        return []
    entries = draw.entries[:500]
    people = {p.pk: p for p in Person.objects.filter(pk__in=[e[0] for e in entries]).select_related("org")}
    return [{"rank": e[3], "person": people.get(e[0]), "weight": e[2], "won": e[4]} for e in entries]


@login_required
@require_http_methods(["GET", "POST"])
def lottery(request: SignedInRequest, pk: int) -> HttpResponse:
    project = access.access_project(request.user, pk)
    if request.method == "POST":
        require_perm(request, "training.manage")
        project = access.access_project(request.user, pk, "training.manage")
        try:
            enrolment_services.draw_lottery(
                project=project,
                actor=request.user,
                seed=request.POST.get("seed", "").strip()[:64],
                request=request,
            )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("The lottery was drawn."))
        return redirect("training:lottery", project.pk)
    draw = LotteryDraw.objects.filter(project=project).first()
    context = {
        "project": project,
        "draw": draw,
        "verified": enrolment_services.verify_lottery(draw) if draw else None,
        "applicants": project.enrolments.filter(status=EnrolmentStatus.APPLIED).count(),
        "manages": access.can(request.user, "training.manage", project),
        "algorithm": lottery_rules.ALGORITHM,
        "entries": _entries(draw),
    }
    return render(request, "training/lottery.html", context)
