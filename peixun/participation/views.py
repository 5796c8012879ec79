"""The daily participation page (RULES G3): the trend of the figures (ECharts, drawn from the JSON
the page embeds), the table per day, school and training, and its xlsx export. The bureau and the
centre see the schools of their subtree and may pick one; a school coordinator sees their own."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from peixun.accounts.http import SignedInRequest
from peixun.core.views import download
from peixun.lib.dates import format_date_zh
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.participation import access, selectors
from peixun.participation.models import SubjectKind

PERIODS = (7, 30, 90)


def _filtered(request: SignedInRequest):
    schools = access.schools_in_scope(request.user)
    rows = access.snapshots_in_scope(request.user).select_related("school")
    raw_school = request.GET.get("school", "")
    school = schools.filter(pk=int(raw_school)).first() if raw_school.isdigit() else None
    if school is not None:
        rows = rows.filter(school=school)
    kind = request.GET.get("kind", "")
    if kind in SubjectKind.values:
        rows = rows.filter(kind=kind)
    raw_days = request.GET.get("days", "")
    days = int(raw_days) if raw_days.isdigit() and int(raw_days) in PERIODS else 30
    since = timezone.localdate() - timedelta(days=days - 1)
    rows = rows.filter(day__gte=since)
    return rows, schools, school, kind, days


@login_required
def daily(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    rows, schools, school, kind, days = _filtered(request)
    points = selectors.series(rows)
    chart = {
        "labels": [f"{point.day.month}月{point.day.day}日" for point in points],
        "series": [
            {"name": str(label), "data": [getattr(point, name) for point in points]}
            for name, label in (
                ("enrolled", _("Enrolled")),
                ("active", _("Active that day")),
                ("checked_in", _("Checked in")),
                ("completed", _("Completed")),
            )
        ],
    }
    context = {
        "rows": rows.order_by("-day", "school__path", "subject_key")[:500],
        "schools": schools if schools.count() > 1 else None,
        "school": school,
        "kind": kind,
        "kinds": SubjectKind.choices,
        "days": days,
        "periods": PERIODS,
        "chart_data": {"trend": chart},
        "has_points": bool(points),
        "latest": points[-1] if points else None,
    }
    return render(request, "participation/daily.html", context)


@login_required
def daily_export(request: SignedInRequest) -> HttpResponse:
    access.require_perm(request, access.VIEW)
    rows, _schools, _school, _kind, _days = _filtered(request)
    data = [
        [
            format_date_zh(row.day),
            row.school.name,
            row.get_kind_display(),
            row.subject,
            row.enrolled,
            row.active,
            row.checked_in,
            row.completed,
        ]
        for row in rows.order_by("-day", "school__path", "subject_key")
    ]
    header = [
        _("Date"),
        _("School"),
        _("Kind"),
        _("Training"),
        _("Enrolled"),
        _("Active that day"),
        _("Checked in"),
        _("Completed"),
    ]
    return download(write_workbook([Sheet(_("Daily participation"), header, data)]), "每日参训情况.xlsx")
