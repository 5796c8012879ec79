"""The form of a change request (变更申请): the project form's own fields and checks for capacity,
audience and dates (it is a ProjectForm restricted to them, so a value the project form refuses is
refused here with the same words), the class size, the classes as rows, and the reason."""

from copy import copy
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from peixun.training.forms import ProjectForm
from peixun.training.models import ChangeRequest, Project
from peixun.training.rules.changes import ClassLine
from peixun.training.services.changes import Proposal


class ChangeRequestForm(ProjectForm):
    """The terms asked for. Bound to a copy of the project (whose model checks run on it) and never
    saved: the service takes `proposal()`."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The approver reads it with the differences."),
    )

    class Meta(ProjectForm.Meta):
        fields = [
            "capacity",
            "min_size",
            "enrol_opens_at",
            "enrol_closes_at",
            "starts_on",
            "ends_on",
            "class_size",
        ]

    def __init__(self, *args, project: Project, change: ChangeRequest | None = None, **kwargs) -> None:
        if change is not None:
            kwargs["initial"] = {**initial_from(change), **kwargs.get("initial", {})}
        super().__init__(*args, instance=copy(project), **kwargs)
        for name in ("tags", "attachment"):
            del self.fields[name]
        self.fields["capacity"].help_text = _(
            "%(taken)s places are taken now: the capacity cannot go below that."
        ) % {"taken": project.places_taken}
        self.fields["audience"].help_text = _("People already enrolled keep their places.")

    def proposal(self, classes: tuple[ClassLine, ...]) -> Proposal:
        data = self.cleaned_data
        fields = self.project_fields()
        return Proposal(
            capacity=data["capacity"],
            min_size=data["min_size"],
            class_size=data["class_size"],
            enrol_opens_at=data.get("enrol_opens_at"),
            enrol_closes_at=data.get("enrol_closes_at"),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            audience=frozenset(org.pk for org in data["audience"]),
            excluded_orgs=frozenset(org.pk for org in data.get("excluded_orgs") or ()),
            targets=fields["targets"],
            classes=classes,
        )


def initial_from(change: ChangeRequest) -> dict[str, Any]:
    """The form's values from a request (a returned one, opened to be edited)."""
    values: dict[str, Any] = {name: getattr(change, name) for name in ChangeRequestForm.Meta.fields}
    values["audience"] = list(change.audience.all())
    values["excluded_orgs"] = list(change.excluded_orgs.all())
    values["reason"] = change.reason
    targets = change.targets or {}
    for name in ProjectForm.TARGET_FIELDS:
        value = targets.get(name)
        if name == "subjects" and value:
            value = "、".join(value)
        values[f"t_{name}"] = value  # None too, so the project's own rule does not show through
    return values


class ClassLineForm(forms.Form):
    """One class of the request: an existing one (`id`) under its name, or a new one."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Class name"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


ClassLineFormSet = formset_factory(ClassLineForm, extra=0, can_delete=True)


def class_lines(formset) -> tuple[ClassLine, ...]:
    """The classes kept or added, in order (a row ticked for removal is left out)."""
    return tuple(
        ClassLine(form.cleaned_data.get("id"), form.cleaned_data["name"].strip())
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("name")
    )
