"""Forms of quality: a trainer of the pool, the yearly review, the summary's narrative and
expense settlement, a file for the archive. Everything a later step reads is checked here."""

from decimal import Decimal
from typing import cast

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.core.fields import has_code
from peixun.lib import uploads
from peixun.orgs.models import Person, PersonStatus
from peixun.quality.models import ArchiveFileKind, TrainerTitle, Verdict
from peixun.training.models import BudgetKind

MAX_FILE_BYTES = 20 * 1024 * 1024
TRAINER_ROLES = ("subject_leader", "backbone", "master", "special_grade", "trainer", "tutor")


class _Styled:
    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]  # mixed into a Form
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.org.name}）"


class TrainerForm(_Styled, forms.Form):
    """A trainer of the pool. New: pick a teacher on the roster (internal) or name an external one."""

    keeper: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Pool of"), queryset=None, empty_label=None
    )
    person: forms.ModelChoiceField = PersonChoiceField(
        label=_("Teacher on the roster"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for an external trainer, and give their name and unit."),
    )
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=100, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    subjects = forms.CharField(label=_("Subjects"), max_length=200, required=False)
    sections = forms.CharField(
        label=_("Sections taught"), max_length=200, required=False, help_text=_("For example 小学、初中.")
    )
    title = forms.ChoiceField(label=_("Title"), choices=TrainerTitle.choices)
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, keepers=None, people=None, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            del self.fields["keeper"]
            del self.fields["person"]
        else:
            keeper_field = cast(forms.ModelChoiceField, self.fields["keeper"])
            person_field = cast(PersonChoiceField, self.fields["person"])
            keeper_field.queryset = keepers
            role_q = None
            for role in TRAINER_ROLES:
                role_q = has_code("roles", role) if role_q is None else role_q | has_code("roles", role)
            person_field.queryset = (
                people.filter(role_q, status=PersonStatus.ACTIVE)
                .select_related("org")
                .order_by("name_pinyin", "id")
            )
        self._style()

    def clean(self):
        data = super().clean() or {}
        person: Person | None = data.get("person")
        if person is None and not data.get("name"):
            self.add_error("name", _("Give the trainer's name, or pick a teacher on the roster."))
        if person is None and not data.get("unit"):
            self.add_error("unit", _("Give the unit of an external trainer (where they work)."))
        return data


class ReviewForm(_Styled, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    course_review = forms.CharField(
        label=_("Course review"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    feedback = forms.CharField(
        label=_("Feedback notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year, "verdict": Verdict.KEEP})
        super().__init__(*args, **kwargs)
        self._style()


class SummaryForm(_Styled, forms.Form):
    narrative = forms.CharField(
        label=_("Narrative"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was done, what worked, what to change next time."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class ExpenseForm(_Styled, forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetKind.choices)
    item = forms.CharField(label=_("Item"), max_length=200)
    budgeted = forms.DecimalField(
        label=_("Budgeted (yuan)"), min_value=Decimal("0"), max_digits=12, decimal_places=2, initial=0
    )
    spent = forms.DecimalField(
        label=_("Spent (yuan)"), min_value=Decimal("0"), max_digits=12, decimal_places=2, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs["class"] += (
                    " form-control-sm" if "control" in field.widget.attrs["class"] else " form-select-sm"
                )


ExpenseFormSet = formset_factory(ExpenseForm, extra=0, can_delete=True)


class ArchiveFileForm(_Styled, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArchiveFileKind.choices)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, Word, Excel or a photo (PNG, JPEG, WebP), at most 20 MB.")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        data = upload.read(MAX_FILE_BYTES + 1)
        try:
            self.checked = uploads.check_upload(
                data, upload.name or "", kinds=uploads.DOCUMENTS, max_bytes=MAX_FILE_BYTES
            )
        except uploads.UploadError as error:
            raise forms.ValidationError(error.message, code="upload") from None
        self.data_bytes = data
        return upload
