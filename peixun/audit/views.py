"""The audit log page for bureau admins: filter, page through and export. Rows are never edited:
there is no view that changes one (and the database refuses to)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from peixun.audit import selectors
from peixun.audit.events import ACTIONS
from peixun.audit.forms import AuditFilterForm
from peixun.core.http import HtmxRequest
from peixun.core.pagination import CappedPaginator
from peixun.core.templatetags.peixun import changes_summary
from peixun.orgs.access import require_perm

PAGE_SIZE = 50
# An export holds at most this many rows (the newest first; the page says so): the log can grow to
# millions of rows and a synchronous download must stay bounded.
EXPORT_LIMIT = 50_000


def _audit_query(request: HttpRequest) -> tuple[AuditFilterForm, selectors.AuditQuery, dict]:
    form = AuditFilterForm(request.GET)
    values = form.cleaned()
    query = selectors.AuditQuery(
        action=values.get("action") or "",
        actor=(values.get("actor") or "").strip(),
        object_type=values.get("object_type") or "",
        since=values.get("since"),
        until=values.get("until"),
    )
    links = {key: value for key, value in values.items() if value not in ("", None)}
    return form, query, links


@login_required
@require_GET
def event_list(request: HtmxRequest) -> HttpResponse:
    require_perm(request, "audit.view")
    form, query, links = _audit_query(request)
    paginator = CappedPaginator(selectors.events(request.user, query), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "paginator": paginator, "link_query": urlencode(links)}
    if request.htmx:
        response = render(request, "audit/event_list.html#results", context)
        response["HX-Replace-Url"] = request.get_full_path()
        return response
    return render(request, "audit/event_list.html", context)


@login_required
@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    from peixun.lib.xlsx import Sheet, write_workbook

    require_perm(request, "audit.view")
    _form, query, _links = _audit_query(request)
    rows: list[tuple[object, ...]] = []
    for event in selectors.events(request.user, query).iterator(chunk_size=2000):
        if len(rows) >= EXPORT_LIMIT:
            break
        rows.append(
            (
                event.created_at,  # an Excel date-time in local time (peixun.lib.xlsx)
                event.actor_name,
                str(ACTIONS.get(event.action, event.action)),
                event.target_type,
                event.target_repr,
                changes_summary(event.changes),
                event.ip_address or "",
            )
        )
    header = (
        _("Time (Beijing time)"),
        _("User"),
        _("Action"),
        _("Object type"),
        _("Object"),
        _("Changes"),
        _("IP address"),
    )
    content = write_workbook(
        [Sheet(_("Audit log"), header, rows, column_widths=[20, 16, 16, 16, 30, 60, 16])]
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response
