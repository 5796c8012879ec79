"""The forms of surveys: a template and its items, opening a survey, the threshold, an exception.
A trainee's answers are read by the answer page itself (one page of big radio buttons)."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.core.forms import DateInput, StyledForm, style_fields
from peixun.surveys.models import ItemKind, Likert, OverrideKind, Subject
from peixun.training.models.choices import ProjectType


class TemplateForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    subject = forms.ChoiceField(label=_("For"), choices=Subject.choices, initial=Subject.PROJECT)
    top_choices = forms.MultipleChoiceField(
        label=_("Answers counted as satisfied"),
        choices=Likert.choices,
        initial=[Likert.VERY_SATISFIED, Likert.SATISFIED],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The satisfaction rate is the share of these answers among all five-level answers."),
    )
    org: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Owner"), queryset=None, empty_label=None)

    def __init__(self, *args, orgs=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, initial=ItemKind.LIKERT)
    text = forms.CharField(label=_("Question"), max_length=200, required=False)
    options = forms.CharField(
        label=_("Options, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for single and multiple choice."),
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)

    def clean(self):
        data = super().clean() or {}
        options = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
        data["options"] = list(dict.fromkeys(options))
        if (
            data.get("text")
            and data.get("kind") in (ItemKind.SINGLE, ItemKind.MULTI)
            and len(data["options"]) < 2
        ):
            raise ValidationError(_("A choice question needs at least two options, one a line."))
        return data


ItemFormSet = forms.formset_factory(ItemForm, extra=3, max_num=40)


def items_from(formset) -> list[dict]:
    return [
        {
            "kind": f.cleaned_data["kind"],
            "text": f.cleaned_data["text"].strip(),
            "options": f.cleaned_data["options"],
            "required": f.cleaned_data["required"],
        }
        for f in formset.forms
        if f.cleaned_data.get("text", "").strip()
    ]


def item_initial(template) -> list[dict]:
    return [
        {"kind": i.kind, "text": i.text, "options": "\n".join(i.options or []), "required": i.required}
        for i in template.items.all()
    ]


class OpenSurveyForm(StyledForm):
    template: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Template"), queryset=None, empty_label=None
    )
    about = forms.ChoiceField(label=_("About"), required=False)
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on (last day to answer)"), widget=DateInput())

    def __init__(self, *args, templates=None, trainers=(), lessons=(), **kwargs) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {"opens_on": today, "closes_on": today + timedelta(days=7)})
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        choices: list[tuple[str, str]] = [("", str(_("The project as a whole")))]
        choices += [(f"p{person.pk}", _("Trainer: %(name)s") % {"name": person.name}) for person in trainers]
        choices += [
            (
                f"l{lesson.pk}",
                _("Lesson: %(topic)s (%(trainer)s)")
                % {"topic": lesson.topic, "trainer": lesson.trainer or "—"},
            )
            for lesson in lessons
        ]
        self.fields["about"].choices = choices  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            raise ValidationError(_("The closing date is before the opening date: correct one of them."))
        template = data.get("template")
        if template is not None and template.subject != Subject.PROJECT and not data.get("about"):
            self.add_error("about", _("This template is about a trainer or a lesson: choose which."))
        return data


class ThresholdForm(StyledForm):
    threshold = forms.DecimalField(
        label=_("Satisfaction threshold (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=1,
        help_text=_(
            "A trainer or project type under it in a year may not train, or be approved, the next year."
        ),
    )


class OverrideForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=OverrideKind.choices, widget=forms.HiddenInput)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    project_type = forms.ChoiceField(
        label=_("Project type"), choices=[("", "—"), *ProjectType.choices], required=False
    )
    year = forms.IntegerField(label=_("Year allowed"), min_value=2000, max_value=2100)
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("kind") == OverrideKind.TRAINER and not data.get("person"):
            raise ValidationError(_("Open this page from the refusal's link, which names the trainer."))
        if data.get("kind") == OverrideKind.PROJECT_TYPE and not data.get("project_type"):
            self.add_error("project_type", _("Choose the project type."))
        return data
