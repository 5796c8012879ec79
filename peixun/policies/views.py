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
from peixun.core.views import download
from peixun.lib.zhkeys import to_english
from peixun.orgs.models import OrgKind, Person
from peixun.policies import describe, hooks, services
from peixun.policies import forms as policy_forms
from peixun.policies.access import (
    access_managed_version,
    access_org,
    access_policy,
    access_version,
    can_manage,
    orgs_in_scope,
    path_in_scope,
    require_perm,
)
from peixun.policies.exceptions import InvalidDocumentError
from peixun.policies.forms import DocumentForm, WhatIfForm
from peixun.policies.rules import PolicyInvalid, parse_policy
from peixun.policies.rules.document import NAMES, document_text, load_document, problem_lines
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


def _document_of(text: str) -> dict:
    """A stored or preset text as a document with English keys ({} when it cannot be read)."""
    try:
        return to_english(load_document(text), NAMES) if text.strip() else {}
    except PolicyInvalid:
        return {}


def _editor(request: SignedInRequest, *, text: str, version=None, orgs=None, initial_meta: dict):
    """The policy editor of a new policy (`orgs` to choose from) or of a draft (`version`): the
    form (or, for experts, the text), checked by the one parser; on success the saved version."""
    document = _document_of(text)
    usable = not text.strip() or policy_forms.representable(document)
    mode = (
        request.POST.get("mode")
        or ("text" if "text" in request.POST or "upload" in request.FILES else "")
        or request.GET.get("mode")
        or ("form" if usable else "text")
    )
    if mode == "form" and not usable and request.method == "GET":
        mode = "text"
    posted = request.method == "POST"
    meta = policy_forms.VersionForm(request.POST if posted else None, orgs=orgs, initial=initial_meta)
    text_form = DocumentForm(
        request.POST if posted and mode == "text" else None,
        request.FILES if posted and mode == "text" else None,
        orgs=orgs,
        initial={**initial_meta, "text": text},
    )
    parts = policy_forms.bind(request.POST if posted and mode == "form" else None, document)
    problems: list[tuple[str, str]] = []
    saved = None
    if posted:
        chosen_form = meta if mode == "form" else text_form
        built = None
        filename = ""
        if mode == "form":
            forms_ok = all(item.is_valid() for item in parts)
            if forms_ok:
                built, places = policy_forms.document(*parts)
                try:
                    parse_policy(built)
                except PolicyInvalid as refused:
                    problems = refused.problems
                    policy_forms.attach(problems, places, parts[0], parts[2], parts[3])
                    built = None
            new_text = document_text(built) if built is not None else None
        else:
            new_text = text_form.cleaned_data["document"] if text_form.is_valid() else None
            filename = text_form.filename if text_form.is_valid() else ""
        if new_text is not None and chosen_form.is_valid():
            data = chosen_form.cleaned_data
            try:
                if version is None:
                    org = access_org(request.user, data["org"], perm="policies.manage")
                    saved = services.create_policy(
                        org=org,
                        text=new_text,
                        effective_from=data["effective_from"],
                        note=data["note"],
                        filename=filename,
                        actor=request.user,
                        request=request,
                    )
                else:
                    saved = services.save_draft(
                        version=version,
                        text=new_text,
                        effective_from=data["effective_from"],
                        note=data["note"],
                        filename=filename,
                        actor=request.user,
                        request=request,
                    )
            except InvalidDocumentError as error:
                problems = error.problems
            except DomainError as error:
                chosen_form.add_error(None, str(error))
    invalid = posted and saved is None
    context = {
        "mode": mode,
        "usable": usable,
        "meta": meta,
        "form": text_form,
        "policy_form": parts[0],
        "totals": parts[1],
        "rules_formset": parts[2],
        "exemptions": parts[3],
        "problems": problem_lines(problems),
        "invalid": invalid,
        "presets": [(code, preset(code).name) for code in preset_codes()],
        "samples": _samples(version.policy.org if version else None, request.user),
    }
    return saved, context


def _samples(org, user) -> list[tuple[int, str]]:
    """Teachers to preview a policy on: of the policy's org, or of the first org the user manages."""
    if org is None:
        org = (
            orgs_in_scope(user, "policies.manage").filter(kind__in=POLICY_ORG_KINDS).order_by("path").first()
        )
    if org is None:
        return []
    people = (
        Person.objects.filter(org__path__startswith=org.path, status="active")
        .select_related("org")
        .order_by("name", "pk")[:100]
    )
    return [(person.pk, f"{person.name}（{person.org.name}）") for person in people]


@login_required
@require_http_methods(["GET", "POST"])
def policy_create(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "policies.manage")
    orgs = _manage_orgs(request.user)
    code = request.GET.get("preset", "")
    text = preset_text(code) if code in preset_codes() else ""
    if not text and request.method == "GET":
        text = preset_text("five-year-360-county180")
    saved, context = _editor(
        request, text=text, orgs=orgs, initial_meta={"effective_from": timezone.localdate()}
    )
    if saved is not None:
        messages.success(request, _("The draft has been saved. Try it with a what-if run, then adopt it."))
        return redirect("policies:version", pk=saved.pk)
    context["creating"] = True
    return render(request, "policies/version_edit.html", context, status=400 if context["invalid"] else 200)


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
    saved, context = _editor(
        request,
        text=version.text,
        version=version,
        initial_meta={"effective_from": version.effective_from, "note": version.note},
    )
    if saved is not None:
        messages.success(request, _("The draft has been saved."))
        return redirect("policies:version", pk=version.pk)
    context["version"] = version
    return render(request, "policies/version_edit.html", context, status=400 if context["invalid"] else 200)


@login_required
@require_POST
def preview(request: SignedInRequest) -> HttpResponse:
    """A sample teacher evaluated under the policy being written (the form as it is now, posted by
    the page on each change) today: nothing is saved."""
    require_perm(request, "policies.manage")
    parts = policy_forms.bind(request.POST, None)
    context: dict = {"problems": [], "incomplete": True}
    if all(item.is_valid() for item in parts):
        built, _places = policy_forms.document(*parts)
        try:
            policy = parse_policy(built)
        except PolicyInvalid as invalid:
            context["problems"] = problem_lines(invalid.problems)
        else:
            context["incomplete"] = False
            person = _sample_person(request)
            if person is not None and hooks.sample_result.entries():
                as_of = timezone.localdate()
                result = hooks.sample_result.entries()[0](policy, person, as_of)
                context.update(person=person, result=result, period_text=describe.period(policy))
    return render(request, "policies/_preview.html", context)


def _sample_person(request: SignedInRequest):
    """The chosen teacher, when the user may see them (policies.view over their org)."""
    try:
        pk = int(request.POST.get("sample", ""))
    except ValueError:
        return None
    person = Person.objects.select_related("org").filter(pk=pk).first()
    if person is None or not path_in_scope(request.user, "policies.view", person.org.path):
        return None
    return person


@login_required
@require_GET
def version_export(request: SignedInRequest, pk: int) -> HttpResponse:
    """A version's document as a YAML file with Chinese field names (audited); imported again (the
    editor's upload) it gives the same policy."""
    require_perm(request, "policies.view")
    version = access_version(request.user, pk)
    services.record_export(version=version, actor=request.user, request=request)
    text = document_text(_document_of(version.text))
    filename = f"policy-{version.policy.code}-v{version.number}.yaml"
    return download(text.encode("utf-8"), filename, "application/x-yaml; charset=utf-8")


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
