"""The pages of annual training returns: the list of the schools in scope with their status and
sums (the county's page; a coordinator sees their school), a school's return with confirm and
return-to-school, and the whole return as a workbook. Thin: services write, selectors read,
access decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.core.choices import Level
from peixun.core.exceptions import DomainError
from peixun.core.refusals import refuse
from peixun.core.views import download
from peixun.orgs.models import Org
from peixun.returns import access, exports, selectors, services
from peixun.returns.forms import ReopenForm
from peixun.returns.rules import figures as rules

LIST_LIMIT = 300


def _year(raw: str) -> int:
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


def _levels() -> list[tuple[str, str]]:
    labels = dict(Level.choices)
    return [(code, str(labels[code])) for code in rules.TRAINING_LEVELS]


def _prize_levels() -> list[tuple[str, str]]:
    labels = dict(Level.choices)
    return [(code, str(labels[code])) for code in rules.PRIZE_LEVELS]


def _rows(request: SignedInRequest, year: int) -> list[selectors.ReturnRow]:
    return selectors.return_rows(access.schools_in_scope(request.user), year)


@login_required
@require_GET
def index(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    year = _year(request.GET.get("year", ""))
    rows = _rows(request, year)
    context = {
        "year": year,
        "rows": rows[:LIST_LIMIT],
        "count": len(rows),
        "total": rules.total(row.figures for row in rows),
        "unconfirmed": sum(1 for row in rows if not row.confirmed),
        "no_funds": sum(1 for row in rows if row.figures.public_funds is None),
        "levels": _levels(),
        "prize_levels": _prize_levels(),
    }
    return render(request, "returns/index.html", context)


@login_required
@require_GET
def index_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    year = _year(request.GET.get("year", ""))
    content = exports.annual_return(_rows(request, year), year, "、".join(access.scope_names(request.user)))
    return download(content, f"学校教师培训年报-{year}.xlsx")


def _school_context(request: SignedInRequest, school: Org, year: int, form: ReopenForm | None = None) -> dict:
    row = selectors.return_row(school, year)
    return {
        "school": school,
        "year": year,
        "row": row,
        "figures": row.figures,
        "level_rows": [(label, row.figures.levels[code]) for code, label in _levels()],
        "prize_rows": [(label, row.figures.prizes[code]) for code, label in _prize_levels()],
        "can_confirm": not row.confirmed and access.may(request.user, access.CONFIRM, school.path),
        "can_reopen": row.confirmed and access.may(request.user, access.REOPEN, school.path),
        "form": form or ReopenForm(),
    }


@login_required
@require_GET
def school_page(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    school = access.access_school(request.user, pk)
    year = _year(request.GET.get("year", ""))
    return render(request, "returns/school.html", _school_context(request, school, year))


def _school_url(pk: int, year: int) -> str:
    return f"{reverse('returns:school', args=[pk])}?year={year}"


@login_required
@require_POST
def confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.CONFIRM)
    school = access.access_school(request.user, pk, access.CONFIRM)
    year = _year(request.POST.get("year", ""))
    try:
        services.confirm_return(school=school, year=year, actor=request.user, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Return confirmed. Its figures are kept as they are now."))
    return redirect(_school_url(pk, year))


@login_required
@require_POST
def reopen(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.REOPEN)
    school = access.access_school(request.user, pk, access.REOPEN)
    year = _year(request.POST.get("year", ""))
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return render(
            request, "returns/school.html", _school_context(request, school, year, form), status=400
        )
    try:
        services.reopen_return(
            school=school, year=year, reason=form.cleaned_data["reason"], actor=request.user, request=request
        )
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Return sent back to the school."))
    return redirect(_school_url(pk, year))
