"""The forms of honours: a selection and its quotas, a school's nomination with evidence files, the
bureau's decisions, the public notice's dates, an objection, the guidance log, the yearly review,
and an honour's rules."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.core.forms import DateInput, StyledForm, style_fields
from peixun.honours.models import Family, HonourKind, ReviewOutcome
from peixun.honours.services import EvidenceFile
from peixun.lib import uploads
from peixun.orgs.models import Org, Person

EVIDENCE_KINDS = uploads.DOCUMENTS
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class SelectionForm(StyledForm):
    org: "forms.ModelChoiceField[Org]" = forms.ModelChoiceField(
        label=_("Organised by"), queryset=Org.objects.none(), empty_label=None
    )
    family = forms.ChoiceField(label=_("Honours"), choices=Family.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 2026年度区师德模范评选")}),
    )
    nominations_close_on = forms.DateField(label=_("Nominations close on"), widget=DateInput())

    def __init__(self, *args, orgs, **kwargs) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]

    def clean_nominations_close_on(self):
        day = self.cleaned_data["nominations_close_on"]
        if day < timezone.localdate():
            raise ValidationError(_("The closing day has passed: choose today or a later day."))
        return day


class QuotaForm(StyledForm):
    small = True

    def __init__(self, *args, quotas, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for quota in quotas:
            self.fields[f"kind_{quota.kind_id}"] = forms.IntegerField(
                label=quota.kind.name, min_value=0, max_value=10000, initial=quota.count
            )

    def counts(self) -> dict[int, int]:
        return {int(name.removeprefix("kind_")): value for name, value in self.cleaned_data.items()}


class NominationForm(StyledForm):
    person: "forms.ModelChoiceField[Person]" = forms.ModelChoiceField(
        label=_("Teacher"), queryset=Person.objects.none()
    )
    kind: "forms.ModelChoiceField[HonourKind]" = forms.ModelChoiceField(
        label=_("Honour"), queryset=HonourKind.objects.none(), empty_label=None
    )
    statement = forms.CharField(
        label=_("Statement of deeds"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the teacher did, with dates and places: at least 20 characters."),
    )
    evidence = MultipleFileField(
        label=_("Evidence (PDF, Word, Excel or photos; up to 5 files of at most 10 MB each)"),
        required=True,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.webp,image/*"}),
    )

    def __init__(self, *args, people, kinds, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["kind"].queryset = kinds  # type: ignore[attr-defined]
        self.files_checked: list[EvidenceFile] = []

    def clean_evidence(self):
        uploaded = self.cleaned_data.get("evidence") or []
        if len(uploaded) > MAX_EVIDENCE_FILES:
            raise ValidationError(_("At most 5 files: put several pages in one PDF."))
        checked = []
        for upload in uploaded:
            data = upload.read(MAX_EVIDENCE_BYTES + 1)
            try:
                accepted = uploads.check_upload(
                    data, upload.name or "", kinds=EVIDENCE_KINDS, max_bytes=MAX_EVIDENCE_BYTES
                )
            except uploads.UploadError as error:
                raise ValidationError(f"{upload.name}：{error.message}", code="upload") from None
            checked.append(EvidenceFile(accepted.filename, accepted.kind, data))
        self.files_checked = checked
        return uploaded


class DecisionForm(StyledForm):
    small = True
    note = forms.CharField(
        label=_("Comment (required to return)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoticeForm(StyledForm):
    small = True
    starts_on = forms.DateField(label=_("Public notice from"), widget=DateInput())
    ends_on = forms.DateField(label=_("Public notice until"), widget=DateInput())

    def clean(self):
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The notice cannot end before it starts."))
        return cleaned


class ObjectionForm(StyledForm):
    nomination = forms.TypedChoiceField(label=_("Nominee"), coerce=int)
    text = forms.CharField(
        label=_("Your objection"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Facts the bureau can check: what, when, where. At least 10 characters."),
    )
    contact = forms.CharField(label=_("Your name and phone (optional)"), max_length=100, required=False)

    def __init__(self, *args, rows, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nomination"].choices = [  # type: ignore[attr-defined]
            (row.pk, f"{row.person.name}（{row.person.org.name}，{row.kind.name}）") for row in rows
        ]


class GuidanceForm(StyledForm):
    given_on = forms.DateField(label=_("Date"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.5"),
        max_value=Decimal("12"),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    place = forms.CharField(label=_("School or group guided"), max_length=100)
    description = forms.CharField(
        label=_("What was done"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 听评课两节，指导青年教师磨课")}),
    )

    def clean_given_on(self):
        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise ValidationError(_("Log guidance once it is given: the date cannot be in the future."))
        return day

    def clean_hours(self) -> Decimal:
        hours = self.cleaned_data["hours"]
        if hours * 2 != (hours * 2).to_integral_value():
            raise ValidationError(_("Hours go in steps of 0.5 (e.g. 2 or 1.5)."))
        return hours


class TitleReviewForm(StyledForm):
    small = True
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices)
    note = forms.CharField(
        label=_("Comment (required for a warning or a removal)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class KindForm(forms.ModelForm):
    class Meta:
        model = HonourKind
        fields = ["term_years", "default_quota", "min_concentrated_hours", "min_guidance_hours", "active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)

    def clean_term_years(self) -> int:
        years = self.cleaned_data["term_years"]
        if self.instance.family == Family.TITLE and not 1 <= years <= 10:
            raise ValidationError(_("A title is held for 1 to 10 years."))
        return years
