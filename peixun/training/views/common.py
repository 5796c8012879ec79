"""What the training views share: turning a refused action into a message, and fetching an
enrolment through whichever of several permissions the user holds."""

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect

from peixun.training import access
from peixun.training.exceptions import DomainError, NotEligibleError
from peixun.training.wording import reasons_text


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Show why an action was refused (with the eligibility reasons, if any)."""
    text = str(error)
    if isinstance(error, NotEligibleError) and error.reasons:
        text = f"{text} {' '.join(reasons_text(error.reasons))}"
    messages.error(request, text)


def back(request: HttpRequest, fallback: str, *args):
    """Redirect to the page the form came from (same site only), else `fallback`."""
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback, *args)


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
