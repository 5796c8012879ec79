"""The forms of the teachers' records: each one screen on a phone, checked when entered."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.core.forms import DateInput, StyledForm
from peixun.records.models import CertificateType, CheckKind, CheckResult, DegreeLevel, StageResult
from peixun.records.rules import probation


def _not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future: enter the date on the document."))
    return value


class QualificationForm(StyledForm):
    number = forms.CharField(label=_("Certificate number"), max_length=40)
    kind = forms.ChoiceField(label=_("Certificate type"), choices=CertificateType.choices)
    subject = forms.CharField(label=_("Subject"), max_length=40)
    issuer = forms.CharField(label=_("Issued by"), max_length=100)
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput())
    registered_on = forms.DateField(
        label=_("Last registered on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if it has not been registered since it was issued."),
    )

    def clean_issued_on(self):
        return _not_future(self.cleaned_data["issued_on"])

    def clean_registered_on(self):
        return _not_future(self.cleaned_data.get("registered_on"))

    def clean(self):
        cleaned = super().clean() or {}
        issued, registered = cleaned.get("issued_on"), cleaned.get("registered_on")
        if issued and registered and registered < issued:
            self.add_error("registered_on", _("A registration cannot be before the issue date."))
        return cleaned


class CheckForm(StyledForm):
    small = True
    kind = forms.ChoiceField(label=_("Kind"), choices=CheckKind.choices)
    checked_on = forms.DateField(label=_("Date"), widget=DateInput())
    result = forms.ChoiceField(label=_("Result"), choices=CheckResult.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_checked_on(self):
        return _not_future(self.cleaned_data["checked_on"])


class DegreeForm(StyledForm):
    level = forms.ChoiceField(label=_("Level"), choices=DegreeLevel.choices, initial=DegreeLevel.BACHELOR)
    school = forms.CharField(label=_("School"), max_length=100)
    major = forms.CharField(label=_("Major"), max_length=100)
    awarded_on = forms.DateField(label=_("Awarded on"), widget=DateInput())
    full_time = forms.BooleanField(label=_("Full-time study"), required=False, initial=True)

    def clean_awarded_on(self):
        return _not_future(self.cleaned_data["awarded_on"])


class ProbationForm(StyledForm):
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())
    adapt = forms.ChoiceField(label=_("Adapt within half a year"), choices=StageResult.choices)
    qualify = forms.ChoiceField(label=_("Qualified within one year"), choices=StageResult.choices)
    shape = forms.ChoiceField(label=_("Shaped within two years"), choices=StageResult.choices)
    excel = forms.ChoiceField(label=_("Results within three years"), choices=StageResult.choices)

    def clean_joined_on(self):
        return _not_future(self.cleaned_data["joined_on"])

    def clean(self):
        """A stage's result can be entered once its test is due, not before."""
        cleaned = super().clean() or {}
        joined = cleaned.get("joined_on")
        if joined:
            today = timezone.localdate()
            for code, due in probation.stage_dates(joined).items():
                if cleaned.get(code) not in (None, StageResult.PENDING) and due > today:
                    self.add_error(
                        code, _("This stage is tested later: leave it “to be assessed” until then.")
                    )
        return cleaned


class PolicyForm(StyledForm):
    registration_years = forms.IntegerField(label=_("Registration period (years)"), min_value=1, max_value=10)
    remind_days = forms.IntegerField(
        label=_("Remind this many days before it is due"), min_value=0, max_value=730
    )
    rural_primary_target = forms.DecimalField(
        label=_("Target: rural primary teachers with 专科 or above (%)"),
        min_value=0,
        max_value=100,
        decimal_places=1,
    )
    junior_target = forms.DecimalField(
        label=_("Target: junior-school teachers with 本科 or above (%)"),
        min_value=0,
        max_value=100,
        decimal_places=1,
    )
    target_year = forms.IntegerField(
        label=_("Year by which the targets are met"), min_value=2000, max_value=2100
    )
    probation_hours = forms.DecimalField(
        label=_("First-year probation training (hours)"), min_value=0, max_value=999, decimal_places=1
    )
