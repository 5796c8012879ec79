"""The pages of the teachers' records (教师档案): the school's list of teachers, one teacher's
records (qualification certificates, degrees, 见习期, the 班主任 post), who is due for registration,
the head teachers still without a post certificate, the degree report with its drill-down, and the
bureau's figures. Thin: services write, selectors read, access decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.ledger import selectors as ledger_selectors
from peixun.orgs.models import Org, Person, PersonRole
from peixun.records import access, exports, selectors, services
from peixun.records.forms import CheckForm, DegreeForm, PolicyForm, ProbationForm, QualificationForm
from peixun.records.models import QualificationCertificate
from peixun.records.rules import qualification as qualification_rules

LIST_LIMIT = 200
POLICY_FIELDS = (
    "registration_years",
    "remind_days",
    "rural_primary_target",
    "junior_target",
    "target_year",
    "probation_hours",
)


def _render(
    request: HttpRequest, template: str, context: dict | None = None, status: int = 200
) -> HttpResponse:
    context = {**(context or {}), "perms_settings": access.may(request.user, access.SETTINGS)}
    return render(request, template, context, status=status)


def _org_filter(request: HttpRequest, perm: str = access.VIEW) -> Org | None:
    """The org chosen with ?org= (in scope, or 404), else None: the whole scope."""
    raw = request.GET.get("org", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return access.access_org(request.user, int(raw), perm)


def _top_org(request: HttpRequest, perm: str = access.VIEW) -> Org:
    chosen = _org_filter(request, perm)
    if chosen is not None:
        return chosen
    top = access.orgs_in_scope(request.user, perm).order_by("depth", "path").first()
    if top is None:
        raise Http404
    return top


@login_required
@require_GET
def teachers(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    org = _org_filter(request)
    query = request.GET.get("q", "").strip()
    rows = selectors.teacher_rows(access.paths(request.user), org, query, LIST_LIMIT)
    return _render(
        request,
        "records/teachers.html",
        {"rows": rows, "q": query, "org": org, "more": len(rows) == LIST_LIMIT},
    )


@login_required
@require_GET
def mine(request: SignedInRequest) -> HttpResponse:
    if request.user.person_id is None:
        return _render(request, "records/mine_unlinked.html")
    return redirect("records:person", request.user.person_id)


def _person_context(request: SignedInRequest, person: Person, **forms) -> dict:
    today = timezone.localdate()
    policy = selectors.policy_for(person.org.path)
    certificates = selectors.qualifications(person)
    standing = ledger_selectors.standing(person, today)
    probation = selectors.probation(person)
    editable = access.may_edit(request.user, person)
    head_teacher = PersonRole.HEAD_TEACHER in person.roles
    return {
        "person": person,
        "policy": policy,
        "certificates": [
            (certificate, qualification_rules.standing(certificate.due_on, today, policy.remind_days))
            for certificate in certificates
        ],
        "degrees": selectors.degrees(person),
        "probation": probation,
        "result": standing.result,
        "joined_mid_cycle": bool(
            standing.result and person.hire_date and person.hire_date > standing.result.period.start
        ),
        "head_teacher": head_teacher,
        "certified": person.pk in selectors.with_post_certificate([person.pk]),
        "editable": editable,
        "own": request.user.person_id == person.pk,
        "qualification_form": forms.get("qualification") or QualificationForm(),
        "check_form": CheckForm(initial={"checked_on": today}),
        "degree_form": forms.get("degree") or DegreeForm(),
        "probation_form": forms.get("probation")
        or ProbationForm(
            initial={
                "joined_on": probation.joined_on if probation else person.hire_date,
                **(
                    {code: getattr(probation, code) for code in ("adapt", "qualify", "shape", "excel")}
                    if probation
                    else {}
                ),
            }
        ),
        "open": forms.get("open", ""),
    }


def _head_teacher_warning(person: Person) -> str:
    return _(
        "%(name)s is now a head teacher but has no post certificate (上岗证书) yet: enrol them in "
        "the pre-service head-teacher training (集中 at least 20 hours and 自学 at least 10 hours). "
        "They stay on the list of head teachers without a certificate until it is issued."
    ) % {"name": person.name}


@login_required
@require_http_methods(["GET", "POST"])
def person(request: SignedInRequest, pk: int) -> HttpResponse:
    teacher = access.access_person(request.user, pk)
    if request.method == "GET":
        return _render(request, "records/person.html", _person_context(request, teacher))
    if not access.may_edit(request.user, teacher):
        raise access.out_of_scope(request.user, "person", pk)
    action = request.POST.get("action", "")
    user = request.user
    try:
        if action == "qualification":
            form = QualificationForm(request.POST)
            if not form.is_valid():
                return _render(
                    request,
                    "records/person.html",
                    _person_context(request, teacher, qualification=form, open="qualification"),
                    status=400,
                )
            services.save_qualification(person=teacher, data=form.cleaned_data, actor=user, request=request)
            messages.success(
                request,
                _("Certificate saved. Its registration due date is worked out from the bureau's period."),
            )
        elif action == "check":
            certificate = _own_certificate(request, teacher)
            check_form = CheckForm(request.POST)
            if not check_form.is_valid():
                messages.error(request, _("Enter the date and the result of the review or registration."))
            else:
                services.record_check(
                    certificate=certificate, actor=user, request=request, **check_form.cleaned_data
                )
                messages.success(request, _("Saved."))
        elif action == "degree":
            degree_form = DegreeForm(request.POST)
            if not degree_form.is_valid():
                return _render(
                    request,
                    "records/person.html",
                    _person_context(request, teacher, degree=degree_form, open="degree"),
                    status=400,
                )
            services.add_degree(person=teacher, data=degree_form.cleaned_data, actor=user, request=request)
            messages.success(request, _("Degree added."))
        elif action == "probation":
            probation_form = ProbationForm(request.POST)
            if not probation_form.is_valid():
                return _render(
                    request,
                    "records/person.html",
                    _person_context(request, teacher, probation=probation_form, open="probation"),
                    status=400,
                )
            services.save_probation(
                person=teacher, data=probation_form.cleaned_data, actor=user, request=request
            )
            messages.success(request, _("Probation record saved."))
        elif action == "head_teacher":
            if services.give_head_teacher_role(person=teacher, actor=user, request=request):
                messages.success(request, _("%(name)s is now a head teacher.") % {"name": teacher.name})
            else:
                messages.warning(request, _head_teacher_warning(teacher))
        else:
            raise Http404
    except DomainError as error:
        refuse(request, error)
    return redirect("records:person", teacher.pk)


def _own_certificate(request: HttpRequest, teacher: Person) -> QualificationCertificate:
    raw = request.POST.get("certificate", "")
    certificate = (
        QualificationCertificate.objects.filter(person=teacher, pk=int(raw)).select_related("person").first()
        if raw.isdigit()
        else None
    )
    if certificate is None:
        raise Http404
    return certificate


@login_required
@require_GET
def due(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    today = timezone.localdate()
    org = _org_filter(request)
    queryset = selectors.due(access.paths(request.user), today, org)
    rows = list(queryset[:LIST_LIMIT])
    return _render(
        request,
        "records/due.html",
        {
            "rows": [(row, qualification_rules.standing(row.due_on, today, 0)) for row in rows],
            "org": org,
            "count": queryset.count() if len(rows) == LIST_LIMIT else len(rows),
            "shown": len(rows),
        },
    )


@login_required
@require_GET
def due_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    rows = selectors.due(access.paths(request.user), timezone.localdate(), _org_filter(request))
    return download(exports.due(rows), "教师资格证定期注册.xlsx")


@login_required
@require_GET
def head_teachers(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    org = _org_filter(request)
    rows = selectors.head_teachers(access.paths(request.user), org)
    return _render(
        request,
        "records/head_teachers.html",
        {
            "rows": rows[:LIST_LIMIT],
            "org": org,
            "missing": sum(not row.certified for row in rows),
            "count": len(rows),
        },
    )


@login_required
@require_GET
def head_teachers_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    rows = selectors.head_teachers(access.paths(request.user), _org_filter(request))
    return download(exports.head_teachers(rows), "班主任上岗证书.xlsx")


@login_required
@require_GET
def degrees(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    org = _top_org(request)
    report = selectors.degree_report(org, timezone.localdate())
    parent = (
        org.parent
        if org.parent_id and access.orgs_in_scope(request.user).filter(pk=org.parent_id).exists()
        else None
    )
    return _render(
        request,
        "records/degrees.html",
        {"report": report, "parent": parent, "can_mark": access.may(request.user, access.SETTINGS)},
    )


@login_required
@require_GET
def degrees_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    report = selectors.degree_report(_top_org(request), timezone.localdate())
    return download(exports.degrees(report), "学历达标.xlsx")


@login_required
@require_POST
def rural(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.SETTINGS)
    school = access.access_school_to_mark(request.user, pk)
    services.set_rural(
        org=school, rural=request.POST.get("rural") == "1", actor=request.user, request=request
    )
    messages.success(request, _("Saved."))
    back = request.POST.get("back", "")
    target = reverse("records:degrees")
    return redirect(f"{target}?org={back}" if back.isdigit() else target)


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.SETTINGS)
    org = _top_org(request, access.SETTINGS)
    policy = selectors.policy_for(org.path)
    form = PolicyForm(
        request.POST or None, initial={field: getattr(policy, field) for field in POLICY_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        services.save_policy(org=org, data=form.cleaned_data, actor=request.user, request=request)
        messages.success(request, _("Saved. Registration due dates were worked out again."))
        return redirect(f"{request.path}?org={org.pk}")
    return _render(
        request, "records/settings.html", {"form": form, "org": org, "inherited": policy.org_id != org.pk}
    )
