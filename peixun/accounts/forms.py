import logging
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from peixun.orgs.models import GrantRole

security_log = logging.getLogger("peixun.security")


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username, mobile phone or ID number"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "class": "form-control"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )
    error_messages = {
        "invalid_login": _("The account or password is wrong. Please check and try again."),
        "inactive": _("This account is disabled."),
        "initial_password_expired": _(
            "This initial password has expired. Please ask your school's training coordinator for a new one."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        """An initial password left unchanged past its expiry no longer signs in (ADR 0033). Said
        only to whoever typed the right password, so it tells a stranger nothing."""
        super().confirm_login_allowed(user)
        if user.initial_password_expired():
            security_log.info("login refused: initial password expired: user=%s", user.pk)
            raise forms.ValidationError(
                self.error_messages["initial_password_expired"], code="initial_password_expired"
            )


class GrantForm(forms.Form):
    """A role over an org, the org picked from the list or given by its code (deep orgs)."""

    role = forms.ChoiceField(label=_("Role"), choices=GrantRole.choices)
    org = forms.IntegerField(label=_("Organisation"), required=False)
    org_code = forms.CharField(label=_("or organisation code"), max_length=32, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("org") and not (data.get("org_code") or "").strip():
            raise forms.ValidationError(_("Choose an organisation or give its code."))
        return data


class ProvisionForm(forms.Form):
    org = forms.IntegerField(label=_("Organisation"))
