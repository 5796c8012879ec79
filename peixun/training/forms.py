"""Forms of the training pages. The project form keeps its target rules, courses, budget lines and
trainers together; on an error every value typed comes back (and the page script keeps a copy in
the browser until the form is saved, so nothing is lost on a closed tab either)."""

import re
from datetime import date
from typing import cast

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from peixun.core.forms import DateInput, validate_person_name
from peixun.lib import uploads
from peixun.orgs.models import Gender, Org, PersonRole, Section, Title
from peixun.policies.rules import codes
from peixun.training.models import (
    ApprovalChain,
    BudgetKind,
    Category,
    EnrolmentMode,
    ExemptionReason,
    Level,
    Mode,
    PrizeRank,
    Project,
    ProjectStatus,
    ProjectType,
    QuotaMode,
    TrainerRole,
)
from peixun.training.services.projects import (
    ATTACHMENT_KINDS,
    MAX_ATTACHMENT_BYTES,
    PROJECT_FIELDS,
    BudgetData,
    CourseData,
    TrainerData,
)

SEPARATORS = re.compile(r"[、,，;；\s]+")


def split_words(text: str) -> list[str]:
    return [word for word in dict.fromkeys(SEPARATORS.split(text or "")) if word]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


ANY = _("Any")


def _blank(choices, label=ANY) -> list:
    return [("", label), *choices]


class ProjectForm(forms.ModelForm):
    """The project with its target rules. `organiser` is chosen only when creating."""

    organiser: "forms.ModelChoiceField[Org]" = forms.ModelChoiceField(
        label=_("Organiser"), queryset=None, required=True
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        choices=list(codes.TAGS.items()),
        required=False,
        help_text=_("Pick from the list; hold Ctrl (or Cmd) to pick several."),
    )
    audience: "forms.ModelMultipleChoiceField[Org]" = forms.ModelMultipleChoiceField(
        label=_("Audience"), queryset=None, required=True
    )
    excluded_orgs: "forms.ModelMultipleChoiceField[Org]" = forms.ModelMultipleChoiceField(
        label=_("Excluded organisations"), queryset=None, required=False
    )
    # Target rules
    t_sections = forms.MultipleChoiceField(label=_("Sections"), choices=Section.choices, required=False)
    t_subjects = forms.CharField(
        label=_("Subjects"),
        required=False,
        max_length=200,
        help_text=_("Separated by 、 or commas; each teacher enrols in one of them."),
    )
    t_titles = forms.MultipleChoiceField(label=_("Titles"), choices=Title.choices, required=False)
    t_roles = forms.MultipleChoiceField(label=_("Roles (any of)"), choices=PersonRole.choices, required=False)
    t_gender = forms.ChoiceField(label=_("Gender"), choices=_blank(Gender.choices), required=False)
    t_min_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=16, max_value=70)
    t_max_age_male = forms.IntegerField(
        label=_("Maximum age, men"), required=False, min_value=16, max_value=70
    )
    t_max_age_female = forms.IntegerField(
        label=_("Maximum age, women"), required=False, min_value=16, max_value=70
    )
    t_age_reference = forms.DateField(
        label=_("Ages taken on"),
        required=False,
        widget=DateInput(),
        help_text=_("31 December of the project's year when empty."),
    )
    t_age_limits_mandatory_only = forms.BooleanField(
        label=_("Older people may still enrol by choice"), required=False
    )
    t_exclude_trained_level = forms.ChoiceField(
        label=_("Exclude those already trained at"),
        choices=_blank(Level.choices, _("Nobody")),
        required=False,
    )
    t_exclude_trained_type = forms.ChoiceField(
        label=_("… in a project of type"), choices=_blank(ProjectType.choices), required=False
    )
    t_exclude_trained_years = forms.IntegerField(
        label=_("… in the last years"), required=False, min_value=1, max_value=10, initial=5
    )
    t_exclude_prize_level = forms.ChoiceField(
        label=_("Exclude prize winners at"), choices=_blank(Level.choices, _("Nobody")), required=False
    )
    t_exclude_prize_ranks = forms.MultipleChoiceField(
        label=_("… with the prizes"), choices=PrizeRank.choices, required=False
    )
    t_exclude_prize_years = forms.IntegerField(
        label=_("… in the last years"), required=False, min_value=1, max_value=10, initial=5
    )
    attachment = forms.FileField(
        label=_("Implementation plan (document)"),
        required=False,
        help_text=_("PDF, Word (.docx), Excel (.xlsx) or an image, at most 20 MB."),
    )

    TARGET_FIELDS = (
        "sections",
        "subjects",
        "titles",
        "roles",
        "gender",
        "min_age",
        "max_age_male",
        "max_age_female",
        "age_reference",
        "age_limits_mandatory_only",
        "exclude_trained_level",
        "exclude_trained_type",
        "exclude_trained_years",
        "exclude_prize_level",
        "exclude_prize_ranks",
        "exclude_prize_years",
    )

    class Meta:
        model = Project
        # What the services accept, but tags (picked from the closed list) and target rules.
        fields = [name for name in PROJECT_FIELDS if name not in ("tags", "targets")]
        widgets = {
            "enrol_opens_at": DateTimeInput(),
            "enrol_closes_at": DateTimeInput(),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "quota_release_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, organisers=None, orgs=None, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organiser"]).queryset = organisers
        cast(forms.ModelMultipleChoiceField, self.fields["audience"]).queryset = orgs
        cast(forms.ModelMultipleChoiceField, self.fields["excluded_orgs"]).queryset = orgs
        if not creating:
            del self.fields["organiser"]
        for name in ("enrol_opens_at", "enrol_closes_at"):
            cast(forms.DateTimeField, self.fields[name]).input_formats = [
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M",
                "%Y-%m-%d %H:%M:%S",
            ]
        project = self.instance
        if project.pk:
            self.fields["audience"].initial = list(project.audience.all())
            self.fields["excluded_orgs"].initial = list(project.excluded_orgs.all())
            self.fields["tags"].initial = [
                tag for tag in codes.canonical_tags(project.tags) if tag in codes.TAGS
            ]
            unknown = codes.unknown_tags(project.tags)
            if unknown:
                self.fields["tags"].help_text = _(
                    "“%(tags)s” is not on the list and will be dropped: pick the tags it meant."
                ) % {"tags": "、".join(unknown)}
            for name in self.TARGET_FIELDS:
                value = (project.targets or {}).get(name)
                if name == "subjects" and value:
                    value = "、".join(value)
                if value not in (None, "", []):
                    self.fields[f"t_{name}"].initial = value
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
                widget.attrs.setdefault("size", "5")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    attachment_data = b""

    def clean_attachment(self):
        """The document's bytes, checked here so a refused file stops the form before anything is
        saved (peixun.lib.uploads: told by its bytes, no macros, no zip bomb, at most 20 MB)."""
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        data = upload.read(MAX_ATTACHMENT_BYTES + 1)
        try:
            uploads.check_upload(
                data, upload.name or "", kinds=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES
            )
        except uploads.UploadError as error:
            raise forms.ValidationError(error.message, code="upload") from None
        self.attachment_data = data
        return upload

    def clean(self):
        data = super().clean() or {}
        opens, closes = data.get("enrol_opens_at"), data.get("enrol_closes_at")
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if opens and closes and closes <= opens:
            self.add_error("enrol_closes_at", _("The window must close after it opens."))
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        if closes and starts and closes.date() > starts:
            self.add_error("enrol_closes_at", _("Enrolment must close by the first day."))
        capacity, minimum = data.get("capacity"), data.get("min_size")
        if capacity is not None and minimum is not None and minimum > capacity:
            self.add_error("min_size", _("The minimum size cannot exceed the capacity."))
        hours = data.get("hours_credited")
        if hours is not None and (hours * 2) % 1:
            self.add_error("hours_credited", _("Hours go in steps of 0.5."))
        if data.get("enrolment_mode") == EnrolmentMode.MANDATORY and data.get("quota_mode") not in (
            None,
            "",
            QuotaMode.NONE,
        ):
            self.add_error(
                "quota_mode", _("A mandatory project enrols everyone eligible: it has no school quotas.")
            )
        upload = data.get("attachment")
        if upload is not None and upload.size > 20 * 1024 * 1024:
            self.add_error("attachment", _("The document may be at most 20 MB."))
        return data

    def project_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name in data}
        fields["tags"] = list(data.get("tags") or [])
        targets = {}
        for name in self.TARGET_FIELDS:
            value = data.get(f"t_{name}")
            if name == "subjects":
                value = split_words(value or "")
            if isinstance(value, date):
                value = value.isoformat()
            if value not in (None, "", [], False):
                targets[name] = list(value) if isinstance(value, list | tuple) else value
        fields["targets"] = targets
        return fields


class TagRepairForm(forms.Form):
    """The tags a project gets in place of tags off the list (the 标签修复 page)."""

    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        choices=list(codes.TAGS.items()),
        widget=forms.CheckboxSelectMultiple,
    )


class CourseForm(forms.Form):
    name = forms.CharField(label=_("Course"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=6, decimal_places=1)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    assessed = forms.BooleanField(label=_("Assessed"), required=False, initial=True)
    mode = forms.ChoiceField(
        label=_("Mode"), choices=_blank(Mode.choices, _("As the project")), required=False
    )
    # A course's own tags, from the closed list; shown (and sent back) so that saving the project
    # keeps them (issue 13: an edit used to drop them).
    tags = forms.MultipleChoiceField(label=_("Tags"), choices=list(codes.TAGS.items()), required=False)

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if (hours * 2) % 1:
            raise forms.ValidationError(_("Hours go in steps of 0.5."))
        return hours


class BudgetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetKind.choices)
    item = forms.CharField(label=_("Item"), max_length=200)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=12, decimal_places=2)


class TrainerForm(forms.Form):
    # Suggested from the trainer pool (the page's datalist, peixun.training.hooks.trainer_suggestions).
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"list": "trainer-suggestions", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=TrainerRole.choices)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=100, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)


def _styled(form_class):
    class Styled(form_class):  # type: ignore[valid-type,misc]  # a subclass of the form class given
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                css = (
                    "form-check-input"
                    if isinstance(field.widget, forms.CheckboxInput)
                    else (
                        "form-select form-select-sm"
                        if isinstance(field.widget, forms.Select)
                        else "form-control form-control-sm"
                    )
                )
                field.widget.attrs.setdefault("class", css)

    Styled.__name__ = form_class.__name__
    return Styled


CourseFormSet = formset_factory(_styled(CourseForm), extra=0, can_delete=True, min_num=1, validate_min=True)
BudgetFormSet = formset_factory(_styled(BudgetForm), extra=0, can_delete=True)
TrainerFormSet = formset_factory(_styled(TrainerForm), extra=0, can_delete=True)


def kept(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def courses_from(formset) -> list[CourseData]:
    return [
        CourseData(
            d["name"],
            d["hours"],
            d["category"],
            d.get("required", False),
            d.get("assessed", False),
            d.get("mode") or "",
            tuple(d.get("tags") or ()),
        )
        for d in kept(formset)
    ]


def budget_from(formset) -> list[BudgetData]:
    return [BudgetData(d["kind"], d["item"], d["amount"]) for d in kept(formset)]


def trainers_from(formset) -> list[TrainerData]:
    return [
        TrainerData(d["name"], d["role"], d.get("affiliation", ""), d.get("topic", "")) for d in kept(formset)
    ]


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(ProjectStatus.choices, _("All"))
    )
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_blank(Level.choices, _("All")))
    mode = forms.ChoiceField(label=_("Mode"), required=False, choices=_blank(Mode.choices, _("All")))

    def cleaned(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in self.fields if name not in self.errors}


class ExemptionForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=ExemptionReason.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class PlanForm(forms.Form):
    org: "forms.ModelChoiceField[Org]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    title = forms.CharField(
        label=_("Plan name"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["org"]).queryset = orgs


class PlanItemForm(forms.Form):
    title = forms.CharField(label=_("Project name"), max_length=200)
    project_type = forms.ChoiceField(label=_("Type"), choices=ProjectType.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial="county")
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    planned_trainees = forms.IntegerField(label=_("Trainees"), min_value=0)
    planned_hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=6, decimal_places=1)
    planned_budget = forms.DecimalField(
        label=_("Budget (yuan)"), min_value=0, max_digits=12, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm",
            )


__all__ = ["ApprovalChain", "ProjectForm"]
