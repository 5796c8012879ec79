"""What the training views share: a refused action as a message with the eligibility reasons, and
fetching an enrolment through whichever of several permissions the user holds. What every app's
views share is peixun.core.views."""

from django.http import Http404, HttpRequest

from peixun.core import views
from peixun.training import access
from peixun.training.exceptions import DomainError, NotEligibleError
from peixun.training.wording import reasons_text


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Show why an action was refused (with the eligibility reasons, if any)."""
    reasons = error.reasons if isinstance(error, NotEligibleError) else []
    views.refuse(request, error, *reasons_text(reasons or []))


def enrolment_and_perm(user, pk: int, perms: tuple[str, ...]):
    """(enrolment, the first of `perms` that reaches it); "own" = the user's own enrolment."""
    for perm in perms:
        try:
            return access.access_enrolment(user, pk, perm), perm
        except Http404:
            continue
    raise Http404


def enrolment_for(user, pk: int, perms: tuple[str, ...]):
    """The enrolment through the first of `perms` that reaches it ("own" = the user's own)."""
    return enrolment_and_perm(user, pk, perms)[0]
