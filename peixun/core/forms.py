"""Shared form helpers: Bootstrap classes on every widget, so templates render `{{ field }}`; the
check every person's name entered in a form passes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peixun.lib import uploads
from peixun.lib.names import starts_like_formula


def validate_person_name(value: str) -> None:
    """A person's name never starts with =, +, - or @ (peixun.lib.names)."""
    if starts_like_formula(value):
        raise ValidationError(
            _("A name cannot start with =, +, - or @. Please remove the symbol."), code="formula"
        )


class DateInput(forms.DateInput):
    """A browser date picker. Its value is ISO (2026-09-01) whatever the language: the localised
    form (2026年9月1日) would leave <input type=date> empty."""

    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def style_fields(form: forms.BaseForm, *, small: bool = False) -> None:
    """Give each widget its Bootstrap class (form-control, form-select, form-check-input)."""
    size = " form-control-sm" if small else ""
    select_size = " form-select-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", f"form-select{select_size}")
        else:
            widget.attrs.setdefault("class", f"form-control{size}")


class StyledForm(forms.Form):
    small = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self, small=self.small)


class TextFileForm(StyledForm):
    """One uploaded text file (a YAML document): at most `max_bytes`, UTF-8; `cleaned_data["upload"]`
    is its text and `filename` its name."""

    max_bytes = 200_000
    upload = forms.FileField(label=_("File (YAML)"))

    filename = ""

    def clean_upload(self) -> str:
        upload = self.cleaned_data["upload"]
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("The file is too large (at most %(kb)s KB). Choose a smaller file.")
                % {"kb": self.max_bytes // 1000}
            )
        raw = upload.read(self.max_bytes + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _("The file is not UTF-8 text: save it as YAML (UTF-8) and try again.")
            ) from None
        if not text.strip():
            raise ValidationError(_("The file is empty: choose the file you exported."))
        self.filename = uploads.safe_filename(str(upload.name))[:100]
        return text
