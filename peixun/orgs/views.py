"""Pages of the org tree and the people registry: the tree, the people list with its export, and
the person page with the audited reveal of an ID number.

A full ID number typed into the people search never reaches a URL: the search form posts, a post
without one redirects to the shareable GET address, and one with it is answered directly with
links that leave it out (docs/decisions/0007-people-list-pagination.md).
"""

from typing import cast
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Field
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from peixun.audit import events
from peixun.core.http import HtmxRequest
from peixun.core.pagination import CappedPaginator
from peixun.core.views import download
from peixun.lib.dates import format_date_zh
from peixun.orgs import selectors, services
from peixun.orgs.access import access_org, access_person, has_perm, path_in_scope, require_perm, scope_paths
from peixun.orgs.forms import PeopleFilterForm
from peixun.orgs.models import SEGMENT_LENGTH, Person, PersonRole

# --- Org tree ---------------------------------------------------------------------------------------


@login_required
def tree(request: HtmxRequest) -> HttpResponse:
    require_perm(request, "orgs.view")
    query = request.GET.get("q", "").strip()[:50]
    context = {"query": query, "can_view_people": has_perm(request.user, "people.view")}
    if query:
        context["hits"] = selectors.search_orgs(request.user, query)
    else:
        context["nodes"] = selectors.tree_roots(request.user)
    if request.htmx and request.htmx.target == "tree-body":
        return render(request, "orgs/org_tree.html#tree-body", context)
    return render(request, "orgs/org_tree.html", context)


@login_required
def tree_children(request: HtmxRequest, pk: int) -> HttpResponse:
    require_perm(request, "orgs.view")
    node = access_org(request.user, pk)
    nodes, truncated = selectors.tree_children(node)
    context = {
        "nodes": nodes,
        "truncated": truncated,
        "parent": node,
        "can_view_people": has_perm(request.user, "people.view"),
    }
    return render(request, "orgs/org_tree.html#children", context)


# --- People list ------------------------------------------------------------------------------------


def _people_query(request: HttpRequest, data, perm: str) -> tuple[selectors.PeopleQuery, dict, int]:
    """The parsed filters, the values to carry in links (never a full ID number), and the page size."""
    values = PeopleFilterForm(data).cleaned()
    org = access_org(request.user, values["org"], perm=perm) if values.get("org") else None
    query = selectors.PeopleQuery(
        q=values.get("q") or "",
        org=org,
        section=values.get("section") or "",
        subject=(values.get("subject") or "").strip(),
        title=values.get("title") or "",
        role=values.get("role") or "",
        status=values.get("status") or "",
    )
    link_values: dict[str, object] = {
        "q": "" if selectors.is_full_id_query(query.q) else query.q,
        "org": org.pk if org else "",
        "section": query.section,
        "subject": query.subject,
        "title": query.title,
        "role": query.role,
        "status": query.status,
    }
    default_size: int = cast(forms.TypedChoiceField, PeopleFilterForm.base_fields["per_page"]).empty_value  # type: ignore[assignment]  # an int: the field coerces to int
    per_page: int = values.get("per_page") or default_size
    if per_page != default_size:
        link_values["per_page"] = per_page
    return query, {key: value for key, value in link_values.items() if value not in ("", None)}, per_page


def _org_options(user, selected) -> list[tuple[int, str]]:
    """(pk, label) for the org picker, indented by depth; the selected org is kept even when it
    lies deeper than the picker goes (it came from a link on the tree page)."""
    orgs = selectors.org_choices(user)
    top = min((org.depth for org in orgs), default=0)
    options = [(org.pk, "\u3000" * (org.depth - top) + org.name) for org in orgs]
    if selected is not None and selected.pk not in {pk for pk, _label in options}:
        options.insert(0, (selected.pk, selected.name))
    return options


@login_required
@require_http_methods(["GET", "POST"])
def people_list(request: HtmxRequest) -> HttpResponse:
    require_perm(request, "people.view")
    data = request.POST if request.method == "POST" else request.GET
    query, link_values, per_page = _people_query(request, data, "people.view")
    id_query = selectors.is_full_id_query(query.q)
    list_url = reverse("orgs:people")
    shareable_url = f"{list_url}?{urlencode(link_values)}" if link_values else list_url
    if request.method == "POST" and not id_query and not request.htmx:
        return redirect(shareable_url, permanent=False)

    paginator = CappedPaginator(selectors.people(request.user, query), per_page)
    page = paginator.get_page(request.GET.get("page") if request.method == "GET" else 1)
    form = PeopleFilterForm(initial={**link_values, "q": query.q, "per_page": per_page})
    context = {
        "form": form,
        "page": page,
        "paginator": paginator,
        "link_query": urlencode(link_values),
        "id_query": id_query,
        "query": query,
        "filtered": any(key not in {"q", "per_page"} for key in link_values),
        "org_options": _org_options(request.user, query.org),
        "link_items": list(link_values.items()),
        "can_export": has_perm(request.user, "people.export"),
        "can_reveal": has_perm(request.user, "people.reveal_id"),
        "can_activate": has_perm(request.user, "accounts.activate"),
        "can_provision": has_perm(request.user, "accounts.provision"),
        "can_view_hours": query.org is not None
        and path_in_scope(request.user, "ledger.view", query.org.path),
    }
    if request.htmx:
        response = render(request, "orgs/people_list.html#results", context)
        response["HX-Replace-Url"] = shareable_url if request.method == "POST" else request.get_full_path()
    else:
        response = render(request, "orgs/people_list.html", context)
    if id_query:
        response["Cache-Control"] = "no-store"
    return response


def _export_org_path(user, query: selectors.PeopleQuery) -> str:
    """The org path the export audit row is filed under: the filtered org, else the deepest path
    that covers the whole scope (empty when the scope spans several roots)."""
    if query.org is not None:
        return query.org.path
    paths = scope_paths(user, "people.export")
    if not paths:
        return ""
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[:-SEGMENT_LENGTH]
    return common


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def people_export(request: HttpRequest) -> HttpResponse:
    from peixun.orgs.exports import people_workbook

    require_perm(request, "people.export")
    data = request.POST if request.method == "POST" else request.GET
    reveal = data.get("reveal") == "1"
    if reveal:
        require_perm(request, "people.reveal_id")
    query, link_values, _per_page = _people_query(request, data, "people.export")
    people = list(selectors.people(request.user, query, perm="people.export"))
    content = people_workbook(people, reveal=reveal)
    filters = {key: value for key, value in link_values.items() if key != "per_page"}
    if selectors.is_full_id_query(query.q):
        filters["q"] = "[ID number]"  # the audit log, like a URL, never holds a full ID number
    events.record(
        action="people_exported",
        actor=request.user,
        org_path=_export_org_path(request.user, query),
        changes={"rows": len(people), "unmasked": reveal, "filters": filters},
        target_repr=f"{len(people)}",
        request=request,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(content, f"people-{stamp}.xlsx")


# --- Person -----------------------------------------------------------------------------------------


def _person_rows(person) -> list[tuple[str, str]]:
    """(label, value) for every field of the person page except the ID number, which has its own row."""

    def label(name: str) -> str:
        return str(capfirst(cast(Field, Person._meta.get_field(name)).verbose_name))

    def day(value) -> str:
        return format_date_zh(value) if value else "—"

    role_names = dict(PersonRole.choices)
    return [
        (label("name"), person.name),
        (label("gender"), person.get_gender_display()),
        (label("birth_date"), day(person.birth_date)),
        (label("id_type"), person.get_id_type_display()),
        (label("mobile"), person.mobile or "—"),
        (label("org"), person.org.name),
        (label("section"), person.get_section_display() or "—"),
        (label("subjects"), "、".join(person.subjects) or "—"),
        (label("title"), person.get_title_display()),
        (label("roles"), "、".join(str(role_names.get(code, code)) for code in person.roles) or "—"),
        (label("hire_date"), day(person.hire_date)),
        (label("status"), person.get_status_display()),
        (label("teacher_cert_no"), person.teacher_cert_no or "—"),
    ]


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.user.is_authenticated and request.user.person_id != pk:
        require_perm(request, "people.view")
    person = access_person(request.user, pk)
    can_audit = has_perm(request.user, "audit.view")
    context = {
        "person": person,
        "rows": _person_rows(person),
        "id_label": capfirst(Person._meta.get_field("id_masked").verbose_name),
        "account": selectors.person_account(person),
        # Who changed or revealed a record: for those who may read the audit log of the person's org.
        "events": selectors.person_events(request.user, person) if can_audit else None,
        "can_reveal": has_perm(request.user, "people.reveal_id"),
        "can_view_people": has_perm(request.user, "people.view"),
        "can_view_hours": request.user.person_id == person.pk  # type: ignore[union-attr]  # @login_required: never anonymous
        or has_perm(request.user, "ledger.view"),
        "can_activate": path_in_scope(request.user, "accounts.activate", person.org.path),
    }
    return render(request, "orgs/person_detail.html", context)


@login_required
@never_cache
@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "people.reveal_id")
    person = access_person(request.user, pk, perm="people.reveal_id")
    number = services.reveal_id_number(person=person, actor=request.user, request=request)  # type: ignore[arg-type]  # @login_required: never anonymous
    return render(request, "orgs/person_detail.html#id-number", {"person": person, "number": number})
