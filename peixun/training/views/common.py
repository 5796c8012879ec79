"""What the training views share: going back to the page a form came from, and fetching an
enrolment through whichever of several permissions the user holds."""

from django.http import Http404, HttpRequest
from django.shortcuts import redirect

from peixun.training import access


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
