"""Forms of the certificate pages: a template (with its seal image), revocation, and the public
lookup by number and check code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from peixun.certificates.models import CertificateKind, CertificateTemplate
from peixun.core.forms import StyledForm, style_fields


class TemplateForm(forms.ModelForm):
    seal_file = forms.FileField(label=_("Seal image (PNG with a transparent background)"), required=False)

    class Meta:
        model = CertificateTemplate
        fields = ["name", "kind", "title", "body", "issuer", "region", "active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "body": _(
                "Leave empty for the usual wording. Placeholders: {name} the holder, {project} the "
                "training, {organiser} the organiser, {start} and {end} its dates, {hours} the hours, "
                "{band} the grade"
            ),
            "title": _("Leave empty for the kind's title, e.g. 合格证书."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        if self.instance.pk is None:
            # A new template is a 合格证书 unless chosen otherwise (RULES E2), never 优秀学员.
            self.fields["kind"].initial = CertificateKind.PASS
        style_fields(self)


class RevokeForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for revoking"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class LookupForm(StyledForm):
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 320312-2026-000001")}),
    )
    check = forms.CharField(
        label=_("Check code"),
        max_length=20,
        help_text=_("Printed beside the number on the certificate."),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. ABCD-2345"), "autocomplete": "off"}),
    )
