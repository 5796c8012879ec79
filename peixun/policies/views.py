"""Pages of credit policies: the list with the shipped presets, a policy with its versions, a
version's rules in words, writing and editing a draft (errors point at the field) and adopting it.
The what-if run against the real people in scope is the ledger's (peixun.ledger.whatif)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.orgs.models import OrgKind
from peixun.policies import describe, services
from peixun.policies.access import (
    access_managed_version,
    access_org,
    access_policy,
    access_version,
    can_manage,
    orgs_in_scope,
    require_perm,
)
from peixun.policies.exceptions import InvalidDocumentError
from peixun.policies.forms import DocumentForm, WhatIfForm
from peixun.policies.rules.presets import preset, preset_codes, preset_text
from peixun.policies.selectors import Governance, policies_visible, what_if_orgs

# Policies bind to the bureau levels of the tree.
POLICY_ORG_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.TOWN)


def _manage_orgs(user) -> list[tuple[int, str]]:
    orgs = orgs_in_scope(user, "policies.manage").filter(kind__in=POLICY_ORG_KINDS).order_by("path")[:300]
    return [(org.pk, f"{'— ' * org.depth}{org.name}（{org.code}）") for org in orgs]


@login_required
@require_GET
def policy_list(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "policies.view")
    policies = list(policies_visible(request.user).prefetch_related("versions"))
    governance = Governance(timezone.localdate())
    in_force = {version.policy_id: version for version in governance.versions}
    context = {
        "policies": [{"policy": policy, "in_force": in_force.get(policy.pk)} for policy in policies],
        "presets": [preset(code) for code in preset_codes()],
        "can_create": bool(_manage_orgs(request.user)),
    }
    return render(request, "policies/policy_list.html", context)


@login_required
@require_GET
def preset_detail(request: SignedInRequest, code: str) -> HttpResponse:
    require_perm(request, "policies.view")
    if code not in preset_codes():
        raise Http404
    policy = preset(code)
    context = {"rules_policy": policy, "text": preset_text(code), "is_preset": True, **_described(policy)}
    return render(request, "policies/version_detail.html", context)


def _rule_labels(policy) -> dict[str, str]:
    return {rule.id: rule.label for rule in policy.rules}


def _described(policy) -> dict:
    return {
        "period_text": describe.period(policy),
        "required_text": describe.required(policy),
        "credits_text": describe.credits(policy),
        "adjustments_text": describe.adjustments(policy),
        "rules": describe.rules(policy),
        "exemptions": [
            {"label": item.label, "text": describe.exemption(item, _rule_labels(policy))}
            for item in policy.exemptions
        ],
        "prorates": policy.new_teachers.prorate,
    }


@login_required
@require_http_methods(["GET", "POST"])
def policy_create(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "policies.manage")
    orgs = _manage_orgs(request.user)
    code = request.GET.get("preset", "")
    initial = {
        "effective_from": timezone.localdate(),
        "text": preset_text(code) if code in preset_codes() else "",
    }
    form = DocumentForm(request.POST or None, request.FILES or None, orgs=orgs, initial=initial)
    problems = []
    if request.method == "POST" and form.is_valid():
        org = access_org(request.user, form.cleaned_data["org"], perm="policies.manage")
        try:
            version = services.create_policy(
                org=org,
                text=form.cleaned_data["document"],
                effective_from=form.cleaned_data["effective_from"],
                note=form.cleaned_data["note"],
                actor=request.user,
                request=request,
            )
        except InvalidDocumentError as error:
            problems = error.problems
        else:
            messages.success(
                request, _("The draft has been saved. Try it with a what-if run, then adopt it.")
            )
            return redirect("policies:version", pk=version.pk)
    context = {"form": form, "problems": problems, "presets": preset_codes(), "creating": True}
    return render(request, "policies/version_edit.html", context, status=400 if problems else 200)


@login_required
@require_GET
def policy_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "policies.view")
    policy = access_policy(request.user, pk)
    context = {
        "policy": policy,
        "versions": policy.versions.select_related("created_by", "adopted_by").order_by("-number"),
        "can_manage": can_manage(request.user, policy),
    }
    return render(request, "policies/policy_detail.html", context)


@login_required
@require_GET
def version_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "policies.view")
    version = access_version(request.user, pk)
    rules_policy = version.rules
    context = {
        "version": version,
        "policy": version.policy,
        "rules_policy": rules_policy,
        "text": version.text,
        "can_manage": can_manage(request.user, version.policy),
        "what_if_form": WhatIfForm(orgs=what_if_orgs(request.user, version)),
        "runs": version.what_if_runs.select_related("org")[:10],
        **_described(rules_policy),
    }
    return render(request, "policies/version_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def version_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "policies.manage")
    version = access_managed_version(request.user, pk)
    if not version.is_draft:
        messages.warning(
            request, _("Only a draft can be changed or adopted; this version is already adopted.")
        )
        return redirect("policies:version", pk=version.pk)
    initial = {"text": version.text, "effective_from": version.effective_from, "note": version.note}
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            services.save_draft(
                version=version,
                text=form.cleaned_data["document"],
                effective_from=form.cleaned_data["effective_from"],
                note=form.cleaned_data["note"],
                actor=request.user,
                request=request,
            )
        except InvalidDocumentError as error:
            problems = error.problems
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect("policies:version", pk=version.pk)
    context = {"form": form, "problems": problems, "version": version, "presets": preset_codes()}
    return render(request, "policies/version_edit.html", context, status=400 if problems else 200)


@login_required
@require_POST
def version_adopt(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "policies.manage")
    version = access_managed_version(request.user, pk)
    try:
        services.adopt(version=version, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The policy is adopted. Everyone it governs is being re-evaluated in the background.")
        )
    return redirect("policies:version", pk=version.pk)


@login_required
@require_POST
def new_draft(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "policies.manage")
    policy = access_policy(request.user, pk)
    if not can_manage(request.user, policy):
        raise Http404
    try:
        version = services.new_draft(policy=policy, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("policies:detail", pk=policy.pk)
    return redirect("policies:version-edit", pk=version.pk)
