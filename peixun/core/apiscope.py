"""What an API key may do: its actions ("projects:read", "attendance:write" …), checked by every
operation of /api/v1/ before it does anything (ADR 0047). An operation is marked with `needs`:

    @router.get("/projects", …)
    @needs("projects:read")
    def list_projects(request, …): …

The key's authentication (peixun.api.auth) puts its actions on the request; a browser session has
none there and is bound only by the person's roles. Where — over which org subtree — is the key's
role grant, checked by each app's access functions as for a person. Core level, so every app's
api.py can mark its operations without importing the api app."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError

# Every action a key may be given, in the order the keys page lists them.
ACTIONS: dict[str, object] = {
    "projects:read": _("Read projects"),
    "projects:write": _("Create projects and move them through their lifecycle"),
    "enrolments:read": _("Read enrolments"),
    "enrolments:write": _("Nominate and confirm trainees"),
    "classes:read": _("Read classes"),
    "classes:write": _("Form classes"),
    "lessons:read": _("Read lessons"),
    "lessons:write": _("Schedule and close lessons"),
    "attendance:read": _("Read attendance"),
    "attendance:write": _("Mark attendance"),
    "coursework:read": _("Read coursework and submissions"),
    "coursework:write": _("Set coursework and grade submissions"),
    "scores:write": _("Set the assessment scheme and enter scores"),
    "results:read": _("Read results"),
    "certificates:read": _("Read certificates"),
    "certificates:write": _("Issue certificates"),
    "ledger:read": _("Read ledger entries"),
    "compliance:read": _("Read compliance"),
    "imports:read": _("Read import jobs"),
    "outside-results:write": _("Send results from outside platforms"),
}
READ_ACTIONS = tuple(code for code in ACTIONS if code.endswith(":read"))


class ActionNotAllowedError(DomainError):
    code = "action_not_allowed"
    status = 403
    message = _(
        "This API key may not do this: %(action)s. Ask the bureau to tick this action for the key on the "
        "API keys page, or use a key that has it."
    )


def allowed(request, action: str) -> bool:
    """Whether the caller may take `action`: a key only with it among its actions; a browser
    session always (its roles decide)."""
    actions = getattr(request, "api_actions", None)
    return actions is None or action in actions


def require(request, action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown API action {action!r}")
    if not allowed(request, action):
        raise ActionNotAllowedError(action=str(ACTIONS[action]))


F = TypeVar("F", bound=Callable)


def needs(action: str) -> Callable[[F], F]:
    """Mark an API operation as taking `action`: refused with 403 for a key without it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown API action {action!r}")

    def decorate(view: F) -> F:
        @wraps(view)
        def checked(request, *args, **kwargs):
            require(request, action)
            return view(request, *args, **kwargs)

        checked.api_action = action  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate
