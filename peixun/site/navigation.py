"""Template context shared by every page: the navigation the user's roles allow, and the number
of unread notices for the bell in the header (counted once per request, and only when a page shows
it)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peixun.orgs.access import has_perm, roles_of
from peixun.orgs.models import GrantRole
from peixun.training.selectors import unread_count

# A nav item's condition: a permission code, None (every signed-in user), OWN_RECORD (the
# account is linked to a person: their own hours) or OWN_PLACES (the account may enrol, or is
# linked to a person who may hold places whatever the account's roles: centre staff who are
# teachers too find their enrolments and check in like any teacher).
OWN_RECORD = "own-record"
OWN_PLACES = "own-places"
OWN = (OWN_RECORD, OWN_PLACES)

NAV_ITEMS = [
    ("site:home", _("Home"), "house", None),
    ("training:project-list", _("Training"), "mortarboard", None),
    ("training:my", _("My training"), "journal-check", OWN_PLACES),
    ("delivery:my", _("Lessons and check-in"), "qr-code-scan", OWN_PLACES),
    ("delivery:my-work", _("My coursework"), "pencil-square", OWN_PLACES),
    ("delivery:my-leave", _("My leave"), "calendar-x", OWN_PLACES),
    ("ledger:mine", _("My hours"), "hourglass-split", OWN_RECORD),
    ("recognition:mine", _("My recognitions"), "patch-check", OWN_RECORD),
    ("schoolbased:mine", _("My school-based training"), "building-check", OWN_RECORD),
    ("records:mine", _("My records"), "person-vcard", OWN_RECORD),
    ("schoolbased:activities-mine", _("My school activities"), "qr-code-scan", OWN_RECORD),
    ("honours:mine", _("My honours"), "award", OWN_RECORD),
    ("surveys:mine", _("My surveys"), "ui-checks", OWN_PLACES),
    ("delivery:tutoring", _("My classes"), "easel", "training.tutor"),
    ("competitions:list", _("Competitions"), "trophy", None),
    ("training:inbox", _("Inbox"), "inbox", None),
    ("recognition:school", _("Recognition review"), "patch-check", "recognition.school"),
    ("recognition:bureau", _("Recognition review"), "patch-check", "recognition.bureau"),
    ("schoolbased:plans", _("School-based plan"), "building", "schoolbased.plan"),
    ("schoolbased:inbox", _("School-based training"), "building", "schoolbased.review"),
    ("records:teachers", _("Teacher records"), "person-vcard", "records.view"),
    ("schoolbased:activities", _("School activities"), "people-fill", "schoolbased.view"),
    ("participation:daily", _("Daily participation"), "graph-up", "participation.view"),
    ("honours:school", _("Honour nominations"), "award", "honours.nominate"),
    ("honours:selections", _("Honours"), "award", "honours.manage"),
    ("finance:overview", _("Training funds"), "cash-coin", "finance.view"),
    ("returns:index", _("Annual training return"), "file-earmark-bar-graph", "returns.view"),
    ("interest:home", _("Interest groups"), "people", "interest.view"),
    ("surveys:list", _("Surveys"), "clipboard-data", "training.manage"),
    ("quality:trainers", _("Trainer pool"), "person-video3", "training.manage"),
    ("quality:comparisons", _("Statistics and comparisons"), "bar-chart-line", "quality.compare"),
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


class UnreadNotices:
    """The user's unread notices, counted on first use (one query) and kept for the request; a
    template reads it as a number (`{{ unread_notices }}`, `{% if unread_notices %}`)."""

    def __init__(self, user) -> None:
        self.user = user
        self._count: int | None = None

    def __call__(self) -> int:
        if self._count is None:
            self._count = unread_count(self.user)
        return self._count


def _own_group(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Staff who are trainees too find their own pages (lessons, coursework, leave, hours …) under
    one menu, 我的学习, so the bar keeps to one line; a teacher has them each on the bar."""
    own = [item for item in items if item["own"]]
    if len(own) < 2:
        return items
    group = {
        "url": "",
        "label": _("My learning"),
        "icon": "person-workspace",
        "active": any(item["active"] for item in own),
        "own": False,
        "children": own,
    }
    at = items.index(own[0])
    rest = [item for item in items if not item["own"]]
    return [*rest[:at], group, *rest[at:]]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notices": 0}
    items: list[dict[str, Any]] = [
        {"url": reverse(name), "label": label, "icon": icon, "active": False, "own": perm in OWN}
        for name, label, icon, perm in NAV_ITEMS
        if _shown(user, perm)
    ]
    # The one item whose address is the longest start of the page's (the home page only for itself):
    # /delivery/tutoring/ lights 我的班级, not also the check-in page at /delivery/.
    matching = [item for item in items[1:] if request.path.startswith(item["url"])]
    if items and request.path == items[0]["url"]:
        items[0]["active"] = True
    elif matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    if roles_of(user) - {GrantRole.TEACHER}:
        items = _own_group(items)
    return {"nav_items": items, "unread_notices": UnreadNotices(user)}
