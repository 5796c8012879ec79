"""A refused action shown to the person: every page that calls a service turns its DomainError
into a message this one way (the API answers with the error's code and message instead)."""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.html import format_html

from peixun.core.exceptions import DomainError


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Show why an action was refused, with the error's details (e.g. eligibility reasons) and,
    when the error knows where it is put right, a link there."""
    text = " ".join([str(error), *error.details()])
    fix = error.fix
    if fix is not None and fix.url:
        # format_html escapes the text; the message stays safe through the message storage.
        messages.error(
            request,
            format_html('{} <a class="alert-link" href="{}">{}</a>', text, fix.url, fix.link or fix.where),
        )
        return
    messages.error(request, text)
