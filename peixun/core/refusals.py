"""A refused action shown to the person: every page that calls a service turns its DomainError
into a message this one way (the API answers with the error's code and message instead)."""

from django.contrib import messages
from django.http import HttpRequest

from peixun.core.exceptions import DomainError


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Show why an action was refused, with the error's details (e.g. eligibility reasons)."""
    messages.error(request, " ".join([str(error), *error.details()]))
