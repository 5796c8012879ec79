"""Forms of the delivery pages: a lesson (date and times, where, for which class and course),
check-in and leave settings, leave requests, assignments, submissions and grades."""

from datetime import datetime, time
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.core.forms import DateInput, StyledForm, style_fields
from peixun.delivery.models import Assignment, AttendanceStatus, LeaveKind
from peixun.delivery.rules import leave as leave_rules
from peixun.delivery.rules import rubric as rubric_rules
from peixun.training.models import Cohort, Course


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%H:%M", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker (ISO value whatever the language)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _aware(day, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


class LessonForm(StyledForm):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start = forms.TimeField(label=_("Starts"), widget=TimeInput())
    end = forms.TimeField(label=_("Ends"), widget=TimeInput())
    cohort: "forms.ModelChoiceField[Cohort]" = forms.ModelChoiceField(
        label=_("Class"), queryset=None, required=False, empty_label=_("Every class")
    )
    course: "forms.ModelChoiceField[Course]" = forms.ModelChoiceField(
        label=_("Course"), queryset=None, required=False, empty_label=_("No one course")
    )
    trainer = forms.CharField(label=_("Trainer"), max_length=100, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), max_length=500, required=False, assume_scheme="https")

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = project.cohorts.all()
        cast(forms.ModelChoiceField, self.fields["course"]).queryset = project.courses.all()

    def clean(self):
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The lesson must end after it starts."))
        if not data.get("place") and not data.get("online_url"):
            self.add_error("place", _("Give a place or an online link."))
        return data

    def starts_at(self) -> datetime:
        return _aware(self.cleaned_data["day"], self.cleaned_data["start"])

    def ends_at(self) -> datetime:
        return _aware(self.cleaned_data["day"], self.cleaned_data["end"])

    @staticmethod
    def initial_for(lesson) -> dict:
        start, end = timezone.localtime(lesson.starts_at), timezone.localtime(lesson.ends_at)
        return {
            "topic": lesson.topic,
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "cohort": lesson.cohort_id,
            "course": lesson.course_id,
            "trainer": lesson.trainer,
            "place": lesson.place,
            "online_url": lesson.online_url,
        }


APPROVER_CHOICES = [
    ("", _("(no step)")),
    (leave_rules.TUTOR, _("The class tutor")),
    (leave_rules.SCHOOL, _("The school's training coordinator")),
    (leave_rules.SCHOOL_ROLE + "cadre", _("A school cadre (e.g. 年级主任)")),
    (leave_rules.SCHOOL_ROLE + "principal", _("The principal (e.g. 分管校长)")),
    (leave_rules.ORGANISER, _("The project's staff")),
]


class SettingsForm(StyledForm):
    code_period = forms.IntegerField(
        label=_("Check-in code changes every (seconds)"), min_value=10, max_value=300
    )
    opens_before = forms.IntegerField(
        label=_("Check-in opens (minutes before the start)"), min_value=0, max_value=240
    )
    late_after = forms.IntegerField(
        label=_("Late after (minutes past the start)"), min_value=0, max_value=240
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for index in range(leave_rules.MAX_STEPS):
            self.fields[f"step{index}"] = forms.ChoiceField(
                label=_("Step %(n)s") % {"n": index + 1}, choices=APPROVER_CHOICES, required=index == 0
            )
            self.fields[f"label{index}"] = forms.CharField(
                label=_("Name of this step (optional)"),
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("e.g. grade head")}),
            )
        style_fields(self)

    def chain(self) -> list[dict]:
        return [
            {"approver": self.cleaned_data[f"step{i}"], "label": self.cleaned_data[f"label{i}"]}
            for i in range(leave_rules.MAX_STEPS)
            if self.cleaned_data.get(f"step{i}")
        ]

    @staticmethod
    def initial_for(found) -> dict:
        initial = {
            "code_period": found.code_period,
            "opens_before": found.opens_before,
            "late_after": found.late_after,
        }
        for index, step in enumerate(found.chain):
            initial[f"step{index}"] = step.approver
            initial[f"label{index}"] = step.label
        return initial


class LeaveForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LeaveKind.choices)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("To"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return data


class DecideForm(StyledForm):
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


RUBRIC_ERRORS = {
    "no_points": _("Line %(line)s: write the criterion, a colon and its points, e.g. 内容完整：40."),
    "bad_points": _("Line %(line)s: the points must be a positive number with at most one decimal."),
    "duplicate": _("Line %(line)s: this criterion is already listed; give each criterion once."),
    "too_many": _("A rubric has at most 12 criteria: merge some."),
}


class AssignmentForm(forms.ModelForm):
    rubric = forms.CharField(
        label=_("Rubric (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "内容完整：40\n联系实际：40\n书写规范：20"}),
        help_text=_(
            "One criterion a line with its points; the points must add up to the maximum score. "
            "The grader then gives points per criterion and the score is their sum. Leave blank "
            "for a single score."
        ),
    )

    class Meta:
        model = Assignment
        fields = [
            "title",
            "kind",
            "course",
            "description",
            "required",
            "min_chars",
            "due_at",
            "accepts_text",
            "accepts_files",
            "max_score",
            "late_policy",
            "late_penalty",
            "late_until",
        ]
        widgets = {
            "due_at": DateTimeInput(),
            "late_until": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        # The model's "title" is shared in the catalog with a person's title (职称).
        labels = {"title": _("Assignment title")}

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        course = cast(forms.ModelChoiceField, self.fields["course"])
        course.queryset = project.courses.all()
        course.empty_label = _("The whole project")
        if self.instance.pk and self.instance.rubric:
            self.initial["rubric"] = rubric_rules.as_text(self.instance.rubric)
        style_fields(self)

    def clean_rubric(self) -> list[dict]:
        try:
            return rubric_rules.parse(self.cleaned_data.get("rubric") or "")
        except rubric_rules.RubricError as error:
            raise forms.ValidationError(RUBRIC_ERRORS[error.code] % {"line": error.line}) from None

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        criteria, maximum = cleaned.get("rubric"), cleaned.get("max_score")
        if criteria and maximum is not None and rubric_rules.maximum(criteria) != maximum:
            self.add_error(
                "rubric",
                _("The points of the criteria add up to %(sum)s, not to the maximum score %(max)s.")
                % {"sum": rubric_rules.maximum(criteria), "max": maximum},
            )
        return cleaned


class SubmitForm(StyledForm):
    text = forms.CharField(label=_("Your text"), required=False, widget=forms.Textarea(attrs={"rows": 12}))
    # The view reads request.FILES.getlist("files"); the service checks each file's bytes.
    files = forms.Field(  # type: ignore[assignment]  # a field named files: the form metaclass moves it to base_fields, BaseForm.files stays the uploads
        label=_("Files (PDF, Word, images; up to 5, 10 MB each)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg,.webp"}),
    )

    def __init__(self, *args, assignment: Assignment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not assignment.accepts_text:
            del self.fields["text"]
        if not assignment.accepts_files:
            del self.fields["files"]


class GradeForm(StyledForm):
    score = forms.DecimalField(label=_("Score"), max_digits=5, decimal_places=1, min_value=0, required=False)
    comment = forms.CharField(
        label=_("Comment"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


MARK_CHOICES = AttendanceStatus.choices
