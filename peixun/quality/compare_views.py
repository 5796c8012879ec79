"""The pages of 统计比较 (RULES D9, F8, G4): the index of the year's projects, one project's exam
results across units with a drill-down of the org tree, each school's pass rate over a year, and
the year's plan against what ran. Each chart has its table beside it and each page its workbook
(`?format=xlsx`, the same filters). Thin: comparisons read, access decides."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from peixun.accounts.http import SignedInRequest
from peixun.core.views import download
from peixun.delivery.views.common import project_tabs
from peixun.orgs.access import has_perm, out_of_scope
from peixun.quality import access, comparisons, exports
from peixun.quality.rules.comparisons import BAND_LABELS

YEARS_SHOWN = 5
XLSX = "xlsx"


def _year(request: SignedInRequest) -> tuple[int, list[int]]:
    this = timezone.localdate().year
    years = list(range(this, this - YEARS_SHOWN, -1))
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else this
    return year, years


def _number(value) -> float | None:
    return None if value is None else float(value)


def _links(request: SignedInRequest) -> dict:
    return {"can_plan": has_perm(request.user, access.PLAN)}


@login_required
@require_GET
def index(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.COMPARE)
    year, years = _year(request)
    rows = comparisons.projects_compared(request.user, year)
    if request.GET.get("format") == XLSX:
        return download(exports.compared_projects(rows, year), f"{year}年项目成绩比较.xlsx")
    chart = {
        "bars": True,
        "percent": True,
        "labels": [row.project.title for row in rows],
        "series": [{"name": _("Pass rate"), "data": [_number(row.tally.pass_rate) for row in rows]}],
    }
    context = {
        "year": year,
        "years": years,
        "rows": rows,
        "chart_data": {"rates": chart},
        **_links(request),
    }
    return render(request, "quality/comparisons.html", context)


@login_required
@require_GET
def project(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_perm(request, access.COMPARE)
    found = access.access_compared_project(request.user, pk)
    raw = request.GET.get("org", "")
    node_pk = int(raw) if raw.isdigit() else None
    comparison = comparisons.project_comparison(request.user, found, node_pk)
    if comparison is None:
        raise out_of_scope(request.user, "org", raw)
    if request.GET.get("format") == XLSX:
        return download(exports.project_comparison(found, comparison), f"{found.title}-成绩比较.xlsx")
    labels = [row.org.name for row in comparison.rows]
    context = project_tabs(request, found, "comparison")
    context.update(
        comparison=comparison,
        bands=BAND_LABELS,
        chart_data={
            "rates": {
                "bars": True,
                "percent": True,
                "labels": labels,
                "series": [
                    {"name": _("Pass rate"), "data": [_number(r.tally.pass_rate) for r in comparison.rows]},
                    {
                        "name": _("Excellence rate"),
                        "data": [_number(r.tally.excellent_rate) for r in comparison.rows],
                    },
                ],
            },
            "bands": {
                "bars": True,
                "stacked": True,
                "labels": labels,
                "series": [
                    {"name": band, "data": [r.tally.bands[i] for r in comparison.rows]}
                    for i, band in enumerate(BAND_LABELS)
                ],
            },
        },
    )
    return render(request, "quality/comparison_project.html", context)


@login_required
@require_GET
def schools(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.COMPARE)
    year, years = _year(request)
    sort = request.GET.get("sort", "rate")
    sort = sort if sort in comparisons.SORTS else "rate"
    rows = comparisons.school_pass_rates(request.user, year, sort)
    if request.GET.get("format") == XLSX:
        return download(exports.school_pass_rates(rows, year), f"{year}年学校培训合格率.xlsx")
    chart = {
        "bars": True,
        "percent": True,
        "labels": [row.school.name for row in rows],
        "series": [{"name": _("Pass rate"), "data": [_number(row.tally.pass_rate) for row in rows]}],
    }
    context = {
        "year": year,
        "years": years,
        "sort": sort,
        "rows": rows,
        "chart_data": {"rates": chart},
        **_links(request),
    }
    return render(request, "quality/comparison_schools.html", context)


@login_required
@require_GET
def plan(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.PLAN)
    year, years = _year(request)
    found = comparisons.plan_comparison(request.user, year)
    if request.GET.get("format") == XLSX:
        return download(exports.plan_comparison(found, year), f"{year}年计划执行情况.xlsx")
    labels = [row.label for row in found.rows]
    chart = {
        "bars": True,
        "vertical": True,
        "labels": labels,
        "series": [
            {"name": _("Planned trainee-times"), "data": [row.planned_trainees for row in found.rows]},
            {"name": pgettext("comparison", "Enrolled"), "data": [row.enrolled for row in found.rows]},
            {"name": pgettext("comparison", "Completed"), "data": [row.completed for row in found.rows]},
        ],
    }
    context = {
        "year": year,
        "years": years,
        "plan": found,
        "chart_data": {"plan": chart},
        **_links(request),
    }
    return render(request, "quality/comparison_plan.html", context)
