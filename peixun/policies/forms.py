"""Forms of the policy pages: a policy document (typed, pasted or uploaded) and a what-if run."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.core.forms import DateInput, StyledForm
from peixun.policies.rules.document import MAX_DOCUMENT_CHARS

MAX_UPLOAD_BYTES = 200_000


class DocumentForm(StyledForm):
    org = forms.TypedChoiceField(label=_("Applies to"), coerce=int)
    text = forms.CharField(
        label=_("Policy document (YAML or JSON)"),
        required=False,
        max_length=MAX_DOCUMENT_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 22, "spellcheck": "false", "class": "form-control font-monospace policy-text"}
        ),
    )
    upload = forms.FileField(label=_("…or upload a file"), required=False)
    effective_from = forms.DateField(label=_("In force from"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, orgs: list[tuple[int, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if orgs is None:
            del self.fields["org"]
        else:
            cast(forms.ChoiceField, self.fields["org"]).choices = orgs

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 200 KB)."))
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text (save it as YAML or JSON).")) from None

    def clean(self):
        data = super().clean() or {}
        text = data.get("upload") or data.get("text") or ""
        if not text.strip() and not self.errors:
            raise forms.ValidationError(_("Type the policy document, or upload it."))
        data["document"] = text
        return data


class WhatIfForm(StyledForm):
    small = True
    org = forms.TypedChoiceField(label=_("People of"), coerce=int)
    as_of = forms.DateField(label=_("As of"), widget=DateInput())

    def __init__(self, *args, orgs: list[tuple[int, str]], **kwargs) -> None:
        kwargs.setdefault("initial", {"as_of": timezone.localdate()})
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["org"]).choices = orgs
