"""Template context shared by every page: the navigation the user's roles allow."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peixun.orgs.access import has_perm

# A nav item's condition: a permission code, None (every signed-in user) or OWN_RECORD (the
# account is linked to a person: their own hours).
OWN_RECORD = "own-record"

NAV_ITEMS = [
    ("site:home", _("Home"), "house", None),
    ("training:project-list", _("Training"), "mortarboard", None),
    ("training:my", _("My training"), "journal-check", "training.enrol"),
    ("delivery:my", _("Check in"), "qr-code-scan", "training.enrol"),
    ("ledger:mine", _("My hours"), "hourglass-split", OWN_RECORD),
    ("delivery:tutoring", _("My classes"), "easel", "training.tutor"),
    ("training:inbox", _("Inbox"), "inbox", None),
    ("ledger:compliance", _("Compliance"), "clipboard-check", "compliance.view"),
    ("policies:list", _("Policies"), "sliders", "policies.view"),
    ("orgs:tree", _("Organisations"), "diagram-3", "orgs.view"),
    ("orgs:people", _("People"), "people", "people.view"),
    ("accounts:inactive", _("Teacher accounts"), "person-check", "accounts.activate"),
    ("imports:list", _("Imports"), "upload", "people.import"),
    ("site:audit-log", _("Audit log"), "journal-text", "audit.view"),
    ("accounts:list", _("Accounts"), "person-badge", "accounts.manage"),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": reverse(name), "label": label, "icon": icon, "active": request.path.startswith(reverse(name))}
        for name, label, icon, perm in NAV_ITEMS
        if perm is None or (user.person_id is not None if perm == OWN_RECORD else has_perm(user, perm))
    ]
    if items:
        items[0]["active"] = request.path == items[0]["url"]
    return {"nav_items": items}
