"""DomainError: why an action was refused. Every app's errors subclass it, each with a stable
machine code (for the API and the tests), a message for the person (translated when shown) and
the HTTP status the API answers with. An error that knows where it is put right carries a `Fix`:
the place in words, its address and the link's words; pages show the link with the message."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Fix:
    """Where a refusal is put right: `where` in words, for a sentence ("the Tag repair page"),
    the page's address (`url`) and the words of the link to it ("Go to Tag repair")."""

    where: str | Promise
    url: str | Promise = ""
    link: str | Promise = ""


class DomainError(Exception):
    code = "domain_error"
    message = _("This action is not possible.")
    status = 409
    fix: Fix | None = None

    def __init__(self, message=None, **params) -> None:
        self.params = params
        if message is not None:
            self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def details(self) -> list[str]:
        """Further sentences for the person after the message, in their language (none here)."""
        return []
