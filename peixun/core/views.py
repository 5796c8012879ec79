"""The home page, with the figures each role cares about.

The error pages are templates/403.html, 404.html and 500.html, rendered by Django's default handlers
(500.html stands alone: it is rendered without context, so it must not need the database)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peixun.core import selectors
from peixun.ledger.selectors import standing
from peixun.orgs.access import has_perm, roles_of
from peixun.orgs.models import GrantRole


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = roles_of(user)
    person = selectors.own_person(user)
    context = {
        "roles": roles,
        "admin": selectors.admin_summary(user),
        "coordinator": selectors.coordinator_summary(user),
        "person": person,
        # Where the teacher stands under their credit policy (peixun.ledger), evaluated live.
        "standing": standing(person) if person is not None else None,
        "is_personal": bool(roles & {GrantRole.TUTOR, GrantRole.TEACHER}) or not roles,
        "can_view_people": has_perm(user, "people.view"),
        "can_view_orgs": has_perm(user, "orgs.view"),
    }
    return render(request, "core/home.html", context)
