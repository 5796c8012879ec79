"""The pages of recognition: the teacher's 我的学时认定 (list, declare, detail, correct, withdraw),
the school's and the bureau's review inboxes with the duplicate panel, their workbooks, and a
project's rule on recognised training. Thin: services write, selectors read, access decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.recognition import access, exports, selectors, services
from peixun.recognition.forms import DeclarationForm, ProjectRuleForm, ReviewForm
from peixun.recognition.models import Declaration, Status
from peixun.recognition.rules import proof as proof_rules

STEPS = {"school": access.SCHOOL, "bureau": access.BUREAU}
LIST_LIMIT = 200


@login_required
@require_GET
def mine(request: SignedInRequest) -> HttpResponse:
    rows = list(selectors.mine(request.user)[:LIST_LIMIT])
    return render(request, "recognition/mine.html", {"rows": rows, "linked": bool(request.user.person_id)})


@login_required
@require_GET
def mine_export(request: SignedInRequest) -> HttpResponse:
    rows = selectors.mine(request.user).select_related("person", "person__org")
    return download(exports.declarations(rows), "我的学时认定.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: SignedInRequest) -> HttpResponse:
    person = request.user.person
    if person is None:
        raise Http404
    form = DeclarationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        declaration = services.declare(
            person=person, data=form.data_for_service(), proof=form.proof, actor=request.user, request=request
        )
        messages.success(request, _("Sent to your school for review. You can follow it here."))
        return redirect("recognition:detail", declaration.pk)
    return render(request, "recognition/declare.html", {"form": form})


def _context(request, declaration: Declaration) -> dict:
    user = request.user
    step = ""
    if declaration.status == Status.PENDING_SCHOOL and access.reviews_at_school(user, declaration):
        step = "school"
    elif declaration.status == Status.PENDING_BUREAU and access.reviews_at_bureau(user, declaration):
        step = "bureau"
    own = declaration.person_id == user.person_id
    reviewer = access.reviews_at_school(user, declaration) or access.reviews_at_bureau(user, declaration)
    return {
        "d": declaration,
        "own": own,
        "step": step,
        "review_form": ReviewForm(),
        "duplicates": selectors.duplicates(declaration)
        if reviewer and declaration.status != Status.WITHDRAWN
        else [],
        "history": declaration.steps.select_related("actor").all(),
        "can_withdraw": own and declaration.status in (Status.PENDING_SCHOOL, Status.RETURNED),
        "can_correct": own and declaration.status == Status.RETURNED,
    }


@login_required
@require_GET
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    declaration = access.access_declaration(request.user, pk)
    return render(request, "recognition/detail.html", _context(request, declaration))


@login_required
@require_GET
def proof(request: SignedInRequest, pk: int) -> HttpResponse:
    declaration = access.access_declaration(request.user, pk)
    if not declaration.has_proof:
        raise Http404
    name = f"证明材料-{declaration.pk}.{proof_rules.EXTENSIONS[declaration.proof_kind]}"
    return download(bytes(declaration.proof), name, proof_rules.CONTENT_TYPES[declaration.proof_kind])


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: SignedInRequest, pk: int) -> HttpResponse:
    declaration = access.access_own_declaration(request.user, pk)
    if declaration.status != Status.RETURNED:
        messages.info(request, _("Only a returned declaration can be corrected."))
        return redirect("recognition:detail", pk)
    initial = {field: getattr(declaration, field) for field in services.FIELDS}
    form = DeclarationForm(
        request.POST or None, request.FILES or None, initial=initial, has_proof=declaration.has_proof
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resubmit(
                declaration=declaration,
                data=form.data_for_service(),
                proof=form.proof,
                actor=request.user,
                request=request,
            )
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("Corrected and sent to your school again."))
        return redirect("recognition:detail", pk)
    return render(request, "recognition/declare.html", {"form": form, "d": declaration})


@login_required
@require_POST
def withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    declaration = access.access_own_declaration(request.user, pk)
    try:
        services.withdraw(declaration=declaration, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Withdrawn."))
    return redirect("recognition:detail", pk)


@login_required
@require_POST
def review(request: SignedInRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    access.require_perm(request, STEPS[step])
    declaration = access.access_declaration(request.user, pk)
    allowed = access.reviews_at_school if step == "school" else access.reviews_at_bureau
    if not allowed(request.user, declaration):
        raise access.out_of_scope(request.user, "declaration", pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.review(
            declaration=declaration,
            step=step,
            approve=request.POST.get("decision") == "approve",
            actor=request.user,
            note=form.cleaned_data.get("note", ""),
            override=form.cleaned_data.get("override", ""),
            request=request,
        )
    except DomainError as error:
        refuse(request, error)
        return redirect("recognition:detail", pk)
    messages.success(request, _("Decision saved."))
    return redirect(f"recognition:{step}")


def _inbox(request: SignedInRequest, step: str) -> HttpResponse:
    access.require_perm(request, STEPS[step])
    show = "all" if request.GET.get("show") == "all" else "waiting"
    queryset = selectors.inbox(request.user, step, show=show)
    rows = list(queryset[:LIST_LIMIT])
    context = {
        "step": step,
        "show": show,
        "rows": rows,
        "count": queryset.count() if len(rows) == LIST_LIMIT else len(rows),
        "flagged": {
            row.pk
            for row in rows
            if row.status in (Status.PENDING_SCHOOL, Status.PENDING_BUREAU) and selectors.duplicates(row)
        },
        "can_import": access.may(request.user, access.IMPORT) and step == "bureau",
    }
    return render(request, "recognition/inbox.html", context)


@login_required
@require_GET
def school(request: SignedInRequest) -> HttpResponse:
    return _inbox(request, "school")


@login_required
@require_GET
def bureau(request: SignedInRequest) -> HttpResponse:
    return _inbox(request, "bureau")


@login_required
@require_GET
def inbox_export(request: SignedInRequest, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    access.require_perm(request, STEPS[step])
    show = "all" if request.GET.get("show") == "all" else "waiting"
    rows = selectors.inbox(request.user, step, show=show)
    return download(exports.declarations(rows), "学时认定审核.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def project_rule(request: SignedInRequest, pk: int) -> HttpResponse:
    project = access.access_managed_project(request.user, pk)
    form = ProjectRuleForm(
        request.POST or None, initial={"city_level_exempts": selectors.project_rule(project)}
    )
    if request.method == "POST" and form.is_valid():
        services.set_project_rule(
            project=project,
            exempts=form.cleaned_data["city_level_exempts"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Saved. The mandatory enrolment's preview leaves out whom it exempts."))
        return redirect("recognition:project-rule", pk)
    return render(request, "recognition/project_rule.html", {"project": project, "form": form})
