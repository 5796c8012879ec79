"""Forms of the ledger pages: a manual grant or adjustment, a reversal, the report's filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.core.forms import DateInput, StyledForm
from peixun.ledger.models import Category, CreditClass, Level, Mode, Source


class GrantForm(StyledForm):
    """Hours granted by hand (RULES A17: 30 学分 for the bureau's head-teacher training) or an
    adjustment (negative hours allowed), always with a reason."""

    small = True

    title = forms.CharField(label=_("Training"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), max_digits=6, decimal_places=1)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=200, help_text=_("Codes separated by commas, e.g. ethics")
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    credit_class = forms.ChoiceField(label=_("Credit class"), choices=CreditClass.choices, initial="A")
    earned_on = forms.DateField(label=_("Date earned"), widget=DateInput())
    source = forms.ChoiceField(
        label=_("Kind"),
        choices=[(Source.DIRECT, Source.DIRECT.label), (Source.ADJUSTMENT, Source.ADJUSTMENT.label)],
        initial=Source.DIRECT,
    )
    organiser = forms.CharField(label=_("Organiser"), required=False, max_length=200)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_earned_on(self):
        value = self.cleaned_data["earned_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date earned cannot be in the future."))
        return value

    def clean_hours(self):
        value = self.cleaned_data["hours"]
        if value == 0 or value * 2 != (value * 2).to_integral_value():
            raise forms.ValidationError(_("Hours must be a non-zero multiple of 0.5."))
        return value

    def clean(self):
        data = super().clean() or {}
        hours = data.get("hours")
        if hours is not None and hours < 0 and data.get("source") != Source.ADJUSTMENT:
            self.add_error("hours", _("Only an adjustment may take hours away."))
        return data

    def tag_list(self) -> list[str]:
        return [
            tag.strip()
            for tag in self.cleaned_data.get("tags", "").replace("，", ",").split(",")
            if tag.strip()
        ]


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReportFilterForm(forms.Form):
    """GET filters of the compliance report; invalid values are dropped."""

    org = forms.IntegerField(required=False, min_value=1)
    rule = forms.SlugField(label=_("Requirement"), required=False, max_length=40)
    status = forms.ChoiceField(
        label=_("People"),
        required=False,
        choices=[("short", _("Short")), ("compliant", _("Compliant")), ("all", _("All"))],
    )

    def cleaned(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in ("org", "rule", "status") if name not in self.errors}
