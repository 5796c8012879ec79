"""Why an action on an annual return was refused: one DomainError per case, each saying what to do."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class AlreadyConfirmedError(DomainError):
    code = "returns_already_confirmed"
    message = _("This return is already confirmed. The county may return it if it needs correcting.")


class NotConfirmedError(DomainError):
    code = "returns_not_confirmed"
    message = _("Only a confirmed return can be returned to the school.")


class ReasonRequiredError(DomainError):
    code = "returns_reason_required"
    message = _("Say why the return goes back to the school.")
    status = 400
