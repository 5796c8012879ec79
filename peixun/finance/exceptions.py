"""Why a finance action was refused: one DomainError per case, each saying what to do."""

from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError


class NothingToChargeError(DomainError):
    code = "finance_nothing_to_charge"
    message = _(
        "No fee is owed by this school for projects starting in this period that is not already on a "
        "statement. Choose another period, or check the projects' fees."
    )


class OverpaymentError(DomainError):
    code = "finance_overpayment"
    message = _(
        "This payment of %(amount)s yuan is more than the %(balance)s yuan still owed on the statement. "
        "Check the amount, or tick “record the overpayment” to keep it as a credit."
    )
    status = 400


class NotASchoolError(DomainError):
    code = "finance_not_a_school"
    message = _("Statements, budgets and subsidies are kept per school: choose a school.")
    status = 400
