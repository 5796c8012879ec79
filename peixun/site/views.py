"""The pages that read many apps: the home page with the figures each role cares about, and the
audit log for bureau admins (filter, page through, export; rows are never edited: there is no view
that changes one, and the database refuses to).

The error pages are templates/403.html, 404.html and 500.html, rendered by Django's default handlers
(500.html stands alone: it is rendered without context, so it must not need the database)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from peixun.audit.events import ACTIONS
from peixun.core.http import HtmxRequest
from peixun.core.pagination import CappedPaginator
from peixun.core.templatetags.peixun import changes_summary
from peixun.core.views import XLSX_TYPE, download
from peixun.ledger.selectors import standing
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.orgs.models import GrantRole
from peixun.site import selectors
from peixun.site.access import has_perm, require_perm, roles_of
from peixun.site.forms import AuditFilterForm
from peixun.training import hooks as training_hooks
from peixun.training import selectors as training_selectors

AUDIT_PAGE_SIZE = 50
# An export holds at most this many rows (the newest first; the page says so): the log can grow to
# millions of rows and a synchronous download must stay bounded.
AUDIT_EXPORT_LIMIT = 50_000


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's day on one page: a person with several roles sees each section. Every section
    reads a fixed number of queries, however many projects or trainees it covers."""
    user = request.user
    roles = roles_of(user)
    person = selectors.own_person(user)
    now = timezone.now()
    # Where the teacher stands under their credit policy (peixun.ledger), evaluated live.
    own_standing = standing(person) if person is not None else None
    # What waits in the inbox, the leave to decide and the work to grade included (training.hooks).
    inbox = training_selectors.inbox(user)
    panels = [panel for panel in training_hooks.inbox_panels.run(request=request) if panel]
    office = selectors.office_day(user, now)
    school = selectors.school_day(user, now)
    context = {
        "roles": roles,
        "admin": selectors.admin_summary(user),
        "coordinator": selectors.coordinator_summary(user),
        "office": office,
        "school": school,
        "tutor": selectors.tutor_day(user, now, panels),
        "teacher": selectors.teacher_day(user, own_standing, inbox.to_confirm, now),
        # Staff see what waits for them in one card; a tutor's and a teacher's are in their sections.
        "waiting": selectors.waiting_for_me(inbox, panels) if office or school else [],
        "person": person,
        "standing": own_standing,
        "is_personal": bool(roles & {GrantRole.TUTOR, GrantRole.TEACHER}) or not roles,
        "can_view_people": has_perm(user, "people.view"),
        "can_view_orgs": has_perm(user, "orgs.view"),
        "can_provision": has_perm(user, "accounts.provision"),
        "today": timezone.localdate(now),
    }
    return render(request, "site/home.html", context)


# --- The audit log --------------------------------------------------------------------------------


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
def audit_log(request: HtmxRequest) -> HttpResponse:
    require_perm(request, "audit.view")
    form, query, links = _audit_query(request)
    paginator = CappedPaginator(selectors.audit_events(request.user, query), AUDIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "paginator": paginator, "link_query": urlencode(links)}
    if request.htmx:
        response = render(request, "site/audit_log.html#results", context)
        response["HX-Replace-Url"] = request.get_full_path()
        return response
    return render(request, "site/audit_log.html", context)


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    require_perm(request, "audit.view")
    _form, query, _links = _audit_query(request)
    rows: list[tuple[object, ...]] = []
    for event in selectors.audit_events(request.user, query).iterator(chunk_size=2000):
        if len(rows) >= AUDIT_EXPORT_LIMIT:
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
    return download(content, f"audit-{stamp}.xlsx", XLSX_TYPE)
