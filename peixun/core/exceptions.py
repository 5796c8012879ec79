"""DomainError: why an action was refused. Every app's errors subclass it, each with a stable
machine code (for the API and the tests), a message for the person (translated when shown) and
the HTTP status the API answers with."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    message = _("This action is not possible.")
    status = 409

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
