"""Why a posting or a reversal was refused."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class LedgerError(DomainError):
    code = "ledger_error"
    status = 400


class InvalidHoursError(LedgerError):
    code = "invalid_hours"
    message = _("Hours must be a non-zero multiple of 0.5.")


class FutureDateError(LedgerError):
    code = "future_date"
    message = _("The date earned cannot be in the future.")


class UnknownCodeError(LedgerError):
    code = "unknown_code"
    message = _("Unknown %(field)s: %(value)s.")


class ReasonRequiredError(LedgerError):
    code = "reason_required"
    message = _("Give a reason for an adjustment or a reversal.")


class NotReversibleError(LedgerError):
    code = "not_reversible"
    message = _("This entry cannot be reversed: it is a reversal, or it has been reversed already.")
    status = 409
