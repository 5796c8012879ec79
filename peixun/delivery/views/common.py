"""What the project's delivery, assessment and certificate tabs share: the tab bar, and the door check
for staff and tutors. What every app's views share is peixun.core.views."""

from django.http import HttpRequest

from peixun.delivery import access
from peixun.delivery.access import has_perm, require_perm


def project_tabs(request: HttpRequest, project, tab: str) -> dict:
    """Context for the project's tab bar (training/project_detail.html#project-nav)."""
    user = request.user
    return {
        "project": project,
        "tab": tab,
        "manages": access.manages(user, project),
        "can_nominate": has_perm(user, "training.nominate"),
        "tutors": bool(access.tutored_cohorts(user, project)),
    }


def require_runner(request: HttpRequest) -> None:
    """The door of pages for staff and tutors: 403 for everyone else (a tutor of another class
    then gets 404 from the access function)."""
    if not (has_perm(request.user, "training.manage") or has_perm(request.user, "training.tutor")):
        require_perm(request, "training.manage")
