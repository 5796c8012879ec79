from django import forms
from django.utils.translation import gettext_lazy as _


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it goes back to the school"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the return goes back to the school.")},
    )
