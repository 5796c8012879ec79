"""The declaration form (one screen on a phone), the reviewers' decision and the project's rule."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.core.choices import Category, Level, Mode
from peixun.core.forms import DateInput, StyledForm
from peixun.recognition.rules import proof as proof_rules
from peixun.recognition.services import Proof

# Outside training is not school-level (校本 has its own registration).
LEVELS = [(code, label) for code, label in Level.choices if code != Level.SCHOOL]
MODES = [(code, label) for code, label in Mode.choices if code not in (Mode.SCHOOL_BASED,)]


class DeclarationForm(StyledForm):
    provider = forms.CharField(
        label=_("Provider (platform or institution)"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 国家中小学智慧教育平台")}),
    )
    course = forms.CharField(label=_("Course or programme"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=LEVELS, initial=Level.PROVINCIAL)
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, initial=Category.KNOWLEDGE_SKILLS
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=MODES, initial=Mode.REMOTE)
    starts_on = forms.DateField(label=_("Start date"), widget=DateInput())
    ends_on = forms.DateField(label=_("End date"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours claimed"),
        min_value=Decimal("0.5"),
        max_value=Decimal("999"),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=80, required=False)
    proof_file = forms.FileField(
        label=_("Proof (photo or PDF of the certificate, at most 5 MB)"),
        required=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp,image/*"}),
    )

    proof: Proof | None = None

    def __init__(self, *args, has_proof: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if has_proof:
            self.fields["proof_file"].required = False
            self.fields["proof_file"].help_text = _("Leave empty to keep the file already sent.")

    def clean_hours(self) -> Decimal:
        hours = self.cleaned_data["hours"]
        if hours * 2 != (hours * 2).to_integral_value():
            raise ValidationError(_("Hours go in steps of 0.5 (e.g. 3 or 4.5)."))
        return hours

    def clean_proof_file(self):
        upload = self.cleaned_data.get("proof_file")
        if not upload:
            return None
        if upload.size > proof_rules.MAX_BYTES:
            raise ValidationError(_("The file is too large (at most 5 MB): take a smaller photo or scan."))
        data = upload.read(proof_rules.MAX_BYTES + 1)
        kind = proof_rules.sniff(data)
        if kind is None:
            raise ValidationError(
                _("The proof must be a photo (JPG, PNG, WebP) or a PDF: choose another file.")
            )
        self.proof = Proof(str(upload.name)[:255], kind, data)
        return upload

    def clean(self):
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends:
            if ends < starts:
                self.add_error("ends_on", _("The end date cannot be before the start date."))
            elif ends > timezone.localdate():
                self.add_error("ends_on", _("The training has not ended yet: declare it once it has."))
        return cleaned

    def data_for_service(self) -> dict:
        return {
            key: self.cleaned_data[key]
            for key in (
                "provider",
                "course",
                "level",
                "category",
                "mode",
                "starts_on",
                "ends_on",
                "hours",
                "certificate_no",
            )
        }


class ReviewForm(StyledForm):
    small = True
    note = forms.CharField(
        label=_("Comment (required to return)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override = forms.CharField(
        label=_("Approve anyway, because…"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for a declaration flagged as a possible duplicate: say why it is not one."),
    )


class ProjectRuleForm(StyledForm):
    city_level_exempts = forms.BooleanField(
        label=_("Teachers with recognised city-level-or-above training this year are exempt"),
        required=False,
    )
