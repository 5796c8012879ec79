"""What the training views share: fetching an enrolment through whichever of several permissions
the user holds. What every app's views share is peixun.core.views (and a refusal, peixun.core.refusals)."""

from django.http import Http404

from peixun.training import access


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
