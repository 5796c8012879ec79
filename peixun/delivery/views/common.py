"""What the delivery pages share: the project's tabs, the door check for
staff and tutors, downloads."""

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from peixun.delivery import access
from peixun.delivery.access import has_perm, require_perm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)  # type: ignore[assignment]  # never None for an attachment
    response["X-Content-Type-Options"] = "nosniff"
    return response
