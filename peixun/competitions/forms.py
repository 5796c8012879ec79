"""Forms of competitions: the rules as data, entering a teacher, an exemption request with its
evidence, a school's own item, a judge's score and the small decisions."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peixun.competitions.models import Competition, ExemptionReason
from peixun.competitions.services import FIELDS, Evidence
from peixun.core.forms import DateInput, StyledForm, style_fields
from peixun.lib import uploads
from peixun.orgs.models import Org, Person

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


class CreateForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=Org.objects.none(), empty_label=None)

    def __init__(self, *args, organisers=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]  # a ModelChoiceField


class RulesForm(forms.ModelForm):
    class Meta:
        model = Competition
        fields = [*FIELDS, "seat_schools"]
        widgets = {
            "youth_born_from": DateInput(),
            "retire_male_cutoff": DateInput(),
            "retire_female_cutoff": DateInput(),
            "notice_ends_on": DateInput(),
            "seat_schools": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, schools=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seat_schools"].queryset = schools  # type: ignore[attr-defined]  # a ModelMultipleChoiceField
        self.fields["seat_schools"].required = False
        style_fields(self)

    def clean(self):
        cleaned = super().clean() or {}
        shares = [cleaned.get(f) or Decimal(0) for f in ("first_share", "second_share", "third_share")]
        if sum(shares) > 1:
            raise ValidationError(_("The three prize shares add up to more than 100 %: lower one of them."))
        for field in (
            "second_rate",
            "final_rate",
            "nominated_share",
            "first_share",
            "second_share",
            "third_share",
            "team_share",
        ):
            value = cleaned.get(field)
            if value is not None and not Decimal(0) <= value <= 1:
                self.add_error(field, _("Give a share between 0 and 1 (0.30 for 30 %)."))
        return cleaned


class EnterForm(StyledForm):
    small = True
    person = forms.ModelChoiceField(label=_("Teacher"), queryset=Person.objects.none())
    subject = forms.ChoiceField(label=_("Subject (one per teacher)"))

    def __init__(self, *args, people=None, subjects=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["subject"].choices = [(s, s) for s in subjects]  # type: ignore[attr-defined]  # a ChoiceField


class ExemptionForm(StyledForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=ExemptionReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    evidence_file = forms.FileField(
        label=_("Evidence (PDF or photo, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp,image/*"}),
    )

    evidence: Evidence | None = None

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return None
        data = upload.read(EVIDENCE_MAX_BYTES + 1)
        try:
            checked = uploads.check_upload(
                data, str(upload.name), kinds={uploads.PDF, *uploads.IMAGES}, max_bytes=EVIDENCE_MAX_BYTES
            )
        except uploads.UploadError as error:
            raise ValidationError(str(error)) from None
        self.evidence = Evidence(checked.filename, checked.kind, data)
        return upload


class ItemForm(StyledForm):
    small = True
    name = forms.CharField(label=_("Item (e.g. 普通话)"), max_length=60)
    weight = forms.DecimalField(
        label=_("Weight (%)"), min_value=Decimal(1), max_value=Decimal(100), decimal_places=2
    )


class ObjectionForm(StyledForm):
    small = True
    text = forms.CharField(label=_("Objection"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(StyledForm):
    small = True
    reason = forms.CharField(label=_("What was falsified"), max_length=500)


class DeadlineForm(StyledForm):
    small = True
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=DateInput(attrs={"class": "form-control form-control-sm w-auto"}),
    )
