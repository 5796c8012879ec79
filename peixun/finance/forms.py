"""The forms of training funds: each checks what a later step reads (amounts in yuan to the fen,
periods in order) and says in Chinese what to change."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peixun.core.forms import DateInput, StyledForm
from peixun.finance.models import SpendingKind

MAX_YUAN = Decimal("999999999999.99")
MONEY_WIDGET = {"step": "0.01", "inputmode": "decimal"}


def money(label, *, positive: bool = True, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01") if positive else Decimal("0"),
        max_value=MAX_YUAN,
        decimal_places=2,
        widget=forms.NumberInput(attrs=MONEY_WIDGET),
        **kwargs,
    )


class YearForm(StyledForm):
    pay_share = forms.DecimalField(
        label=_("Required share of teachers' pay (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
    )
    public_share = forms.DecimalField(
        label=_("Required share of public funds (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
    )
    book_subsidy = money(_("Book subsidy per teacher (yuan)"), positive=False)
    late_withdrawal_owes = forms.BooleanField(
        label=_("A trainee who withdraws on or after the project's first day still owes the fee"),
        required=False,
    )


class StatementForm(StyledForm):
    period_from = forms.DateField(label=_("Projects starting from"), widget=DateInput())
    period_to = forms.DateField(label=_("to"), widget=DateInput())

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            raise ValidationError(_("The end of the period is before its start: swap the dates."))
        return data


class PaymentForm(StyledForm):
    amount = money(_("Amount (yuan)"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(
        label=_("Reference"),
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the bank slip number")}),
    )
    confirm_overpayment = forms.BooleanField(label=_("Record the overpayment"), required=False)


class BudgetForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    teacher_pay = money(_("Teachers' pay incl. performance pay (yuan)"), positive=False)
    public_funds = money(_("Public funds (yuan)"), positive=False)


class SpendingForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=SpendingKind.choices)
    amount = money(_("Amount (yuan)"))
    spent_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("What for"), max_length=200)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("spent_on") and data.get("year") and data["spent_on"].year != data["year"]:
            raise ValidationError(_("The date is not in the year chosen: correct the year or the date."))
        return data


class PaidForm(StyledForm):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
