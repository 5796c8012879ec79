"""The audit log's filter form. Like every list filter, it never fails: bad values are dropped."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from peixun.audit.events import ACTIONS
from peixun.audit.selectors import object_types
from peixun.core.forms import DateInput


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    FIELDS = ("action", "actor", "object_type", "since", "until")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", _("All")),
            *sorted(ACTIONS.items(), key=lambda item: str(item[1])),
        ]
        cast(forms.ChoiceField, self.fields["object_type"]).choices = [("", _("All")), *object_types()]

    def cleaned(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.FIELDS if name not in self.errors}
