"""Template context shared by every page: the navigation the user's roles allow."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peixun.orgs.access import has_perm

# A nav item's condition: a permission code, None (every signed-in user), OWN_RECORD (the
# account is linked to a person: their own hours) or OWN_PLACES (the account may enrol, or is
# linked to a person who may hold places whatever the account's roles: centre staff who are
# teachers too find their enrolments and check in like any teacher).
OWN_RECORD = "own-record"
OWN_PLACES = "own-places"

NAV_ITEMS = [
    ("site:home", _("Home"), "house", None),
    ("training:project-list", _("Training"), "mortarboard", None),
    ("training:my", _("My training"), "journal-check", OWN_PLACES),
    ("delivery:my", _("Check in"), "qr-code-scan", OWN_PLACES),
    ("ledger:mine", _("My hours"), "hourglass-split", OWN_RECORD),
    ("delivery:tutoring", _("My classes"), "easel", "training.tutor"),
    ("training:inbox", _("Inbox"), "inbox", None),
    ("ledger:compliance", _("Compliance"), "clipboard-check", "compliance.view"),
    ("policies:list", _("Policies"), "sliders", "policies.view"),
    ("orgs:tree", _("Organisations"), "diagram-3", "orgs.view"),
    ("orgs:people", _("People"), "people", "people.view"),
    ("accounts:teachers", _("Teacher accounts"), "person-check", "accounts.activate"),
    ("imports:list", _("Imports"), "upload", "people.import"),
    ("site:audit-log", _("Audit log"), "journal-text", "audit.view"),
    ("accounts:list", _("Accounts"), "person-badge", "accounts.manage"),
]


def _shown(user, perm: str | None) -> bool:
    if perm is None:
        return True
    if perm == OWN_RECORD:
        return user.person_id is not None
    if perm == OWN_PLACES:
        return user.person_id is not None or has_perm(user, "training.enrol")
    return has_perm(user, perm)


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": reverse(name), "label": label, "icon": icon, "active": request.path.startswith(reverse(name))}
        for name, label, icon, perm in NAV_ITEMS
        if _shown(user, perm)
    ]
    if items:
        items[0]["active"] = request.path == items[0]["url"]
    return {"nav_items": items}
