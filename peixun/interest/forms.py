"""The forms of interest groups: each checks what a later step reads and says in Chinese what to
change. Files are checked by their bytes (peixun.lib.uploads) and capped in size."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peixun.core.forms import DateInput, StyledForm, validate_person_name
from peixun.interest.models import FileKind, Student, Term
from peixun.lib import uploads
from peixun.orgs.models import Person

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_IMPORT_BYTES = 2 * 1024 * 1024
HOURS_WIDGET = {"step": "0.5", "inputmode": "decimal"}
FILE_HELP = _("PDF, Word, Excel or a photo (PNG, JPEG, WebP), at most 10 MB.")


def hours_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=Decimal("99.5"),
        decimal_places=1,
        widget=forms.NumberInput(attrs=HOURS_WIDGET),
    )


def file_field(label) -> forms.FileField:
    return forms.FileField(label=label, required=False, help_text=FILE_HELP)


class FilesMixin:
    """Checks each optional file field named in FILES ({field: FileKind}); `checked_files` is
    {kind: (bytes, uploads.Checked)} for those given."""

    FILES: dict[str, str] = {}
    cleaned_data: dict

    def checked(self) -> dict:
        found = {}
        for name, kind in self.FILES.items():
            upload = self.cleaned_data.get(name)
            if upload:
                found[kind] = self._files[name]
        return found

    def _check_file(self, name: str):
        upload = self.cleaned_data.get(name)
        if not upload:
            return upload
        data = upload.read(MAX_FILE_BYTES + 1)
        try:
            accepted = uploads.check_upload(
                data, upload.name or "", kinds=uploads.DOCUMENTS, max_bytes=MAX_FILE_BYTES
            )
        except uploads.UploadError as error:
            raise ValidationError(error.message, code="upload") from None
        self._files = {**getattr(self, "_files", {}), name: (data, accepted)}
        return upload


class TermForm(StyledForm):
    name = forms.CharField(
        label=pgettext_lazy("school term", "Term"), max_length=60, help_text=_("e.g. 2026年秋季学期")
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    min_size = forms.IntegerField(label=_("Smallest group (students)"), min_value=1, max_value=200)
    max_size = forms.IntegerField(label=_("Largest group (students)"), min_value=1, max_value=200)
    max_groups_per_student = forms.TypedChoiceField(
        label=_("Groups a student may join"), choices=[(1, "1"), (2, "2")], coerce=int
    )
    hours_per_session = hours_field(_("Class-hours per session"))
    plan_deduction = hours_field(_("Class-hours deducted when the term plan is missing"))
    test_deduction = hours_field(_("Class-hours deducted per staged test missing"))
    yuan_per_hour = forms.DecimalField(
        label=_("Yuan per class-hour"),
        min_value=Decimal("0"),
        max_value=Decimal("99999.99"),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )

    def __init__(self, *args, orgs=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"] = forms.ModelChoiceField(label=_("For the schools of"), queryset=orgs)
            self.order_fields(["org"])
            self.fields["org"].widget.attrs.setdefault("class", "form-select")

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            raise ValidationError(_("The term ends before it starts: swap the dates."))
        low, high = data.get("min_size"), data.get("max_size")
        if low and high and high < low:
            self.add_error(
                "max_size", _("The largest group is smaller than the smallest: correct one of them.")
            )
        return data


class StudentForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=50, validators=[validate_person_name])
    grade = forms.CharField(
        label=pgettext_lazy("school year", "Grade"), max_length=20, help_text=_("e.g. 七年级")
    )
    class_name = forms.CharField(label=_("Class"), max_length=20, help_text=_("e.g. 3班"))


class StudentFileForm(StyledForm):
    upload = forms.FileField(label=_("Student list (.xlsx)"))

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 2 MB: split it and import each part."))
        self.content = upload.read()
        self.filename = upload.name or "students.xlsx"
        return upload


class GroupForm(StyledForm):
    term = forms.ModelChoiceField(label=pgettext_lazy("school term", "Term"), queryset=Term.objects.none())
    name = forms.CharField(label=_("Group"), max_length=60, help_text=_("e.g. 七年级数学兴趣小组"))
    subject = forms.CharField(label=_("Subject"), max_length=30)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=999)
    tutor = forms.ModelChoiceField(label=_("Tutor"), queryset=Person.objects.none())

    def __init__(self, *args, terms, tutors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["tutor"].queryset = tutors  # type: ignore[attr-defined]
        self.fields["tutor"].label_from_instance = lambda person: person.name  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        term, capacity = data.get("term"), data.get("capacity")
        if term and capacity and not term.min_size <= capacity <= term.max_size:
            self.add_error(
                "capacity",
                _("A group has between %(min)s and %(max)s places this term.")
                % {"min": term.min_size, "max": term.max_size},
            )
        return data


class ApplyForm(StyledForm):
    student = forms.ModelChoiceField(label=_("Student"), queryset=Student.objects.none())

    def __init__(self, *args, students, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students  # type: ignore[attr-defined]


class DeliverablesForm(FilesMixin, StyledForm):
    FILES = {"plan_file": FileKind.PLAN, "tests_file": FileKind.TESTS}
    has_plan = forms.BooleanField(label=_("Term plan handed in"), required=False)
    textbook = forms.CharField(label=_("Textbook"), max_length=120, required=False)
    tests_planned = forms.IntegerField(label=_("Staged tests planned"), min_value=0, max_value=50)
    tests_held = forms.IntegerField(label=_("Staged tests held"), min_value=0, max_value=50)
    plan_file = file_field(_("Term plan file"))
    tests_file = file_field(_("Staged test results file"))

    def clean_plan_file(self):
        return self._check_file("plan_file")

    def clean_tests_file(self):
        return self._check_file("tests_file")


class LessonForm(FilesMixin, StyledForm):
    FILES = {
        "lesson_plan_file": FileKind.LESSON_PLAN,
        "homework_file": FileKind.HOMEWORK,
        "register_file": FileKind.REGISTER,
    }
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    topic = forms.CharField(label=_("Topic"), max_length=120, required=False)
    has_lesson_plan = forms.BooleanField(label=_("Lesson plan written"), required=False)
    has_homework = forms.BooleanField(label=_("Homework set and graded"), required=False)
    has_register = forms.BooleanField(label=_("Register signed by the students"), required=False)
    present = forms.MultipleChoiceField(
        label=_("Present (signed the register)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    lesson_plan_file = file_field(_("Lesson plan file"))
    homework_file = file_field(_("Graded homework file"))
    register_file = file_field(_("Signed register file"))

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(student.pk), student.name) for student in members]  # type: ignore[attr-defined]
        self.fields["present"].widget.attrs["class"] = "form-check-input"

    def clean_lesson_plan_file(self):
        return self._check_file("lesson_plan_file")

    def clean_homework_file(self):
        return self._check_file("homework_file")

    def clean_register_file(self):
        return self._check_file("register_file")


class NoteForm(StyledForm):
    student = forms.ModelChoiceField(label=_("Student"), queryset=Student.objects.none())
    text = forms.CharField(label=_("Note"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = members  # type: ignore[attr-defined]


def parse_score(raw: str) -> Decimal | None:
    """A score as typed (blank for none); ValueError when it is not a number from 0 to 1000."""
    text = raw.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or not Decimal("0") <= value <= Decimal("1000"):
        raise ValueError(text)
    return value.quantize(Decimal("0.1"))
