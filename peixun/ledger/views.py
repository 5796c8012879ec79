"""Pages of the ledger: 我的学时 (a teacher's hours and what is still missing), a person's hours for
staff with manual grants and reversals, the transcript download, and the compliance report with
its drill-down, charts and export."""

import uuid
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.exceptions import DomainError
from peixun.core.pagination import CappedPaginator
from peixun.core.views import download
from peixun.ledger import exports, hooks, selectors, services
from peixun.ledger.access import (
    access_entry,
    access_hours_person,
    access_org,
    access_run,
    access_version,
    changes_visible,
    has_perm,
    path_in_scope,
    require_perm,
    scope_paths,
)
from peixun.ledger.forms import GrantForm, ReportFilterForm, ReverseForm
from peixun.ledger.models import Category, Level, RecomputeRun
from peixun.orgs.models import Org, Person
from peixun.policies.forms import WhatIfForm
from peixun.policies.models import ChangeKind
from peixun.policies.selectors import what_if_orgs

PEOPLE_PER_PAGE = 50


# --- A person's hours ------------------------------------------------------------------------------


def _hours_page(request: HttpRequest, person: Person, *, own: bool, grant_form=None, status: int = 200):
    standing = selectors.standing(person)
    can_grant = not own and path_in_scope(request.user, "ledger.grant", person.org.path)
    if can_grant and grant_form is None:
        grant_form = GrantForm(initial={"earned_on": timezone.localdate()})
    context = {
        "person": person,
        "standing": standing,
        "result": standing.result,
        "own": own,
        "can_grant": can_grant,
        "grant_form": grant_form,
        "grant_token": uuid.uuid4().hex,
        "reverse_form": ReverseForm(),
        # Sections other apps add to a teacher's own page (trainings that would help): ledger.hooks.
        "panels": [html for html in hooks.my_hours_panels.run(request=request, standing=standing) if html]
        if own
        else [],
        "transcript_url": reverse("ledger:mine-transcript")
        if own
        else reverse("ledger:person-transcript", args=[person.pk]),
    }
    return render(request, "ledger/hours.html", context, status=status)


@login_required
@require_GET
def my_hours(request: SignedInRequest) -> HttpResponse:
    if request.user.person_id is None:
        return render(request, "ledger/hours.html", {"unlinked": True, "own": True})
    person = Person.objects.select_related("org").get(pk=request.user.person_id)
    return _hours_page(request, person, own=True)


@login_required
@require_GET
def person_hours(request: SignedInRequest, pk: int) -> HttpResponse:
    if request.user.person_id != pk:
        require_perm(request, "ledger.view")
    person = access_hours_person(request.user, pk)
    return _hours_page(request, person, own=request.user.person_id == pk)


@login_required
@require_GET
def my_transcript(request: SignedInRequest) -> HttpResponse:
    if request.user.person_id is None:
        return redirect("ledger:mine")
    person = Person.objects.select_related("org").get(pk=request.user.person_id)
    return download(
        exports.transcript(selectors.standing(person)), f"transcript-{timezone.localdate():%Y%m%d}.xlsx"
    )


@login_required
@require_GET
def person_transcript(request: SignedInRequest, pk: int) -> HttpResponse:
    if request.user.person_id != pk:
        require_perm(request, "ledger.view")
    person = access_hours_person(request.user, pk)
    return download(exports.transcript(selectors.standing(person)), f"transcript-{person.pk}.xlsx")


@login_required
@require_POST
def grant(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "ledger.grant")
    person = access_hours_person(request.user, pk, perm="ledger.grant")
    form = GrantForm(request.POST)
    if not form.is_valid():
        return _hours_page(request, person, own=False, grant_form=form, status=400)
    data = form.cleaned_data
    # The form's token makes a double submit one posting.
    token = request.POST.get("token", "")[:64] or uuid.uuid4().hex
    try:
        posted = services.post_credit(
            person=person,
            hours=data["hours"],
            category=data["category"],
            tags=form.tag_list(),
            level=data["level"],
            mode=data["mode"],
            credit_class=data["credit_class"],
            earned_on=data["earned_on"],
            source=data["source"],
            source_ref=f"manual:{request.user.pk}",
            title=data["title"],
            organiser=data["organiser"],
            reason=data["reason"],
            idempotency_key=f"manual:{token}",
            author=request.user,
            audit=True,
            request=request,
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return _hours_page(request, person, own=False, grant_form=form, status=400)
    if posted.created:
        messages.success(request, _("The hours have been recorded."))
    return redirect("ledger:person", pk=person.pk)


@login_required
@require_POST
def reverse_entry(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "ledger.grant")
    entry = access_entry(request.user, pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for an adjustment or a reversal."))
    else:
        try:
            services.reverse_entry(
                entry=entry, author=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The entry has been reversed."))
    return redirect("ledger:person", pk=entry.person_id)


# --- The compliance report -------------------------------------------------------------------------


def _report_org(request: HttpRequest, org_pk: int | None) -> Org:
    if org_pk:
        return access_org(request.user, org_pk, perm="compliance.view")
    paths = scope_paths(request.user, "compliance.view")
    return Org.objects.filter(path=paths[0]).get()


def _report_filters(request: HttpRequest) -> tuple[selectors.ReportFilter, dict]:
    values = ReportFilterForm(request.GET).cleaned()
    org = _report_org(request, values.get("org"))
    filters = selectors.ReportFilter(
        org=org, rule=values.get("rule") or "", status=values.get("status") or "short"
    )
    link = {
        key: value
        for key, value in (("org", org.pk), ("rule", filters.rule), ("status", filters.status))
        if value
    }
    return filters, link


def unit_name(item: dict) -> str:
    """A unit's name in the report: the child org's, or "<org> (own staff)" for the org's own people."""
    if item["own"]:
        return _("%(name)s (own staff)") % {"name": item["org"].name}
    return item["org"].name


def _chart_data(org: Org, children: list[dict], hours: dict) -> dict:
    category_labels, level_labels = dict(Category.choices), dict(Level.choices)
    return {
        "completion": {
            "labels": [unit_name(item) for item in children if item["governed"]],
            "values": [item["rate"] for item in children if item["governed"]],
            "name": _("Share compliant (%)"),
        },
        "category": [
            {"name": str(category_labels.get(code, code)), "value": float(total)}
            for code, total in hours["category"].items()
        ],
        "level": [
            {"name": str(level_labels.get(code, code)), "value": float(total)}
            for code, total in hours["level"].items()
        ],
    }


@login_required
@require_GET
def compliance_report(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "compliance.view")
    filters, link = _report_filters(request)
    org = filters.org
    children = selectors.units(org)
    for item in children:
        item["name"] = unit_name(item)
    summary, hours = selectors.figures(org, children)
    paginator = CappedPaginator(selectors.people_results(filters), PEOPLE_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    labels = selectors.rule_labels(org)
    for item in page.object_list:
        item.missing_items = item.missing(labels)
    ancestors = [
        ancestor
        for ancestor in org.ancestors()
        if ancestor.pk != org.pk and path_in_scope(request.user, "compliance.view", ancestor.path)
    ]
    context = {
        "org": org,
        "ancestors": ancestors,
        "filters": filters,
        "summary": summary,
        "children": children,
        "rules": selectors.by_rule(org),
        "page": page,
        "paginator": paginator,
        "hours": hours,
        "chart_data": _chart_data(org, children, hours),
        "link_query": urlencode(link),
        "status_choices": cast(forms.ChoiceField, ReportFilterForm.base_fields["status"]).choices,
        "can_recompute": has_perm(request.user, "policies.manage"),
        "last_run": RecomputeRun.objects.filter(org=org).first(),
    }
    if request.htmx and request.htmx.target == "people":
        return render(request, "ledger/compliance.html#people", context)
    return render(request, "ledger/compliance.html", context)


@login_required
@require_GET
def compliance_export(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "compliance.view")
    filters, _link = _report_filters(request)
    content = exports.compliance_workbook(
        filters, selectors.rule_labels(filters.org), selectors.units(filters.org)
    )
    return download(content, f"compliance-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_POST
def recompute(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "policies.manage")
    org = access_org(request.user, int(request.POST.get("org") or 0), perm="policies.manage")
    run = services.start_recompute(org=org, actor=request.user)
    return redirect("ledger:recompute-run", pk=run.pk)


def _access_recompute_run(request: SignedInRequest, pk: int, perm: str) -> RecomputeRun:
    require_perm(request, perm)
    run = RecomputeRun.objects.select_related("org").filter(pk=pk).first()
    if run is None or run.org is None or not path_in_scope(request.user, perm, run.org.path):
        raise Http404
    return run


@login_required
@require_GET
def recompute_run(request: SignedInRequest, pk: int) -> HttpResponse:
    run = _access_recompute_run(request, pk, "compliance.view")
    context = {
        "run": run,
        "report_url": f"{reverse('ledger:compliance')}?{urlencode({'org': run.org_id})}",
        "can_rerun": run.can_run_again
        and run.org is not None
        and path_in_scope(request.user, "policies.manage", run.org.path),
    }
    if request.htmx:
        return render(request, "ledger/recompute_run.html#run-status", context)
    return render(request, "ledger/recompute_run.html", context)


@login_required
@require_POST
def recompute_rerun(request: SignedInRequest, pk: int) -> HttpResponse:
    """Run an interrupted or failed recompute again (who may start one over the org may)."""
    run = _access_recompute_run(request, pk, "policies.manage")
    if not services.run_recompute_again(run=run, actor=request.user, request=request):
        messages.warning(request, _("This run is not stopped: there is nothing to run again."))
    return redirect("ledger:recompute-run", pk=run.pk)


# --- What-if: a policy version tried against the real people in scope ---------------------------


@login_required
@require_POST
def what_if_start(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "policies.view")
    version = access_version(request.user, pk)
    form = WhatIfForm(request.POST, orgs=what_if_orgs(request.user, version))
    if not form.is_valid():
        messages.error(request, _("Choose the organisation and the day to evaluate."))
        return redirect("policies:version", pk=version.pk)
    org = access_org(request.user, form.cleaned_data["org"], perm="policies.view")
    run = services.start_what_if(
        version=version, org=org, as_of=form.cleaned_data["as_of"], actor=request.user
    )
    return redirect("ledger:what-if", pk=run.pk)


CHANGES_PER_PAGE = 50
CHANGE_FIELDS = (
    "kind",
    "shortfall_before",
    "shortfall_after",
    "reasons",
    "person__name",
    "person__org__name",
)


@login_required
@require_GET
def what_if_run(request: SignedInRequest, pk: int) -> HttpResponse:
    """A what-if run: its progress while it works; then the counts, what the candidate changes in
    words, and the people who newly comply or newly fall short with why, a page at a time."""
    require_perm(request, "policies.view")
    run = access_run(request.user, pk)
    context = {"run": run, "version": run.version, "result": run.result, "can_rerun": run.can_run_again}
    if run.state == "done" and "explanation" in (run.result or {}):
        kind = request.GET.get("show", ChangeKind.NEWLY_SHORT)
        if kind not in ChangeKind.values:
            kind = ChangeKind.NEWLY_SHORT
        changes = (
            changes_visible(request.user, run)
            .filter(kind=kind)
            .only(*CHANGE_FIELDS)
            .order_by("org_path", "person_id")
        )
        page = Paginator(changes, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
        context.update(show=kind, page=page, kinds=ChangeKind.choices)
    if request.htmx and request.htmx.target == "run":
        return render(request, "ledger/what_if.html#run", context)
    return render(request, "ledger/what_if.html", context)


@login_required
@require_GET
def what_if_export(request: SignedInRequest, pk: int) -> HttpResponse:
    """The run as a workbook: what changes, the counts, and everyone whose standing changes."""
    require_perm(request, "policies.view")
    run = access_run(request.user, pk)
    if run.state != "done" or "explanation" not in (run.result or {}):
        messages.warning(request, _("The run has not finished: download it once it has."))
        return redirect("ledger:what-if", pk=run.pk)
    changes = changes_visible(request.user, run).order_by("kind", "org_path", "person_id")
    return download(exports.what_if_workbook(run, changes), f"what-if-{run.pk}-{run.as_of:%Y%m%d}.xlsx")


@login_required
@require_POST
def what_if_rerun(request: SignedInRequest, pk: int) -> HttpResponse:
    """Run an interrupted or failed what-if run again (it only reads)."""
    require_perm(request, "policies.view")
    run = access_run(request.user, pk)
    if not services.run_what_if_again(run=run, actor=request.user, request=request):
        messages.warning(request, _("This run is not stopped: there is nothing to run again."))
    return redirect("ledger:what-if", pk=run.pk)
