"""Forms of the school-based training pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from peixun.core.choices import Category, Level
from peixun.core.forms import DateInput, StyledForm, style_fields
from peixun.orgs.models import Org, Person
from peixun.schoolbased.models import (
    ActivityKind,
    EvidenceKind,
    FollowAlongTemplate,
    PlanLine,
    PrescribedTopic,
    TaskKind,
)


class YearForm(StyledForm):
    org = forms.ModelChoiceField(label=_("District"), queryset=Org.objects.none())
    school_year = forms.IntegerField(label=_("School year (first year)"), min_value=2000, max_value=2100)
    deadline = forms.DateField(label=_("Registration deadline"), widget=DateInput)

    def __init__(self, *args, orgs=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Org.objects.none()  # type: ignore[attr-defined]  # a ModelChoiceField


class TopicForm(StyledForm):
    title = forms.CharField(label=_("Topic"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.SCHOOL)
    planned_hours = forms.DecimalField(
        label=_("Planned hours"), min_value=0.5, max_digits=5, decimal_places=1
    )


class PlanCreateForm(StyledForm):
    school_year = forms.IntegerField(label=_("School year (first year)"), min_value=2000, max_value=2100)


class PlanLineForm(StyledForm):
    topic: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("District-prescribed topic"),
        queryset=PrescribedTopic.objects.none(),
        required=False,
        empty_label=_("(chosen by the school)"),
    )
    title = forms.CharField(label=_("Activity topic"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.SCHOOL)
    planned_hours = forms.DecimalField(
        label=_("Planned hours"), min_value=0.5, max_digits=5, decimal_places=1
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput)
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none(), required=False)
    budget = forms.DecimalField(
        label=_("Budget (yuan)"), min_value=0, max_digits=10, decimal_places=2, initial=0
    )

    def __init__(self, *args, topics, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["leader"].queryset = people  # type: ignore[attr-defined]  # a ModelChoiceField


class ActivityForm(StyledForm):
    line: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Plan line"), queryset=PlanLine.objects.none()
    )
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    hours = forms.DecimalField(label=_("Hours each"), min_value=0.5, max_digits=5, decimal_places=1)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, lines, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["attendees"].queryset = people  # type: ignore[attr-defined]  # a ModelChoiceField


class ManualLineForm(StyledForm):
    person = forms.ModelChoiceField(label=_("Teacher"), queryset=Person.objects.none())
    line: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Plan line"), queryset=PlanLine.objects.none()
    )
    earned_on = forms.DateField(label=_("Date"), widget=DateInput)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_digits=5, decimal_places=1)
    evidence = forms.FileField(label=_("Evidence (PDF or image, at most 5 MB)"))

    def __init__(self, *args, lines, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["person"].queryset = people  # type: ignore[attr-defined]  # a ModelChoiceField


class SchoolActivityForm(StyledForm):
    line: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Plan line"), queryset=PlanLine.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices, initial=ActivityKind.REGULAR)
    title = forms.CharField(
        label=_("Activity"), max_length=200, required=False, help_text=_("Empty: the plan line's topic.")
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput)
    place = forms.CharField(label=_("Place"), max_length=200)
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none())
    hours = forms.DecimalField(label=_("Hours each"), min_value=0.5, max_digits=5, decimal_places=1)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, lines, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["leader"].queryset = people  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["participants"].queryset = people  # type: ignore[attr-defined]  # a ModelChoiceField


class ParticipantsForm(StyledForm):
    people = forms.ModelMultipleChoiceField(
        label=_("Add teachers"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people  # type: ignore[attr-defined]  # a ModelChoiceField


class TaskForm(StyledForm):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Deadline"), widget=DateInput)


class EvidenceForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    file = forms.FileField(label=_("File (photo, PDF, Word or Excel, at most 10 MB)"))


class WorkForm(StyledForm):
    file = forms.FileField(label=_("Your work (PDF, Word, Excel or image, at most 10 MB)"))


class EntryForm(StyledForm):
    kind = forms.ChoiceField(label=_("Task"), choices=TaskKind.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(label=_("Title or note"), max_length=200)


class CheckInForm(StyledForm):
    code = forms.CharField(
        label=_("Today's six-digit code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class TemplateForm(forms.ModelForm):
    class Meta:
        model = FollowAlongTemplate
        fields = ["min_observed", "min_taught", "min_report", "min_model", "min_proposal", "daily_log"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)
