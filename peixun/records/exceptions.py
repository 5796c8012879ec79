"""Why a records action was refused: one DomainError per case, each saying what to do."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class DuplicateNumberError(DomainError):
    code = "records_duplicate_number"
    message = _(
        "Certificate number %(number)s is already recorded for %(name)s: check the number on the "
        "certificate, or correct the other record."
    )
    status = 400
