"""The API keys page: the bureau makes a key for an org in its scope (shown once) and revokes keys."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from peixun.accounts.http import SignedInRequest
from peixun.api import services
from peixun.api.access import access_key, key_orgs, keys_in_scope, require_perm
from peixun.api.models import KEY_ROLES
from peixun.core.apiscope import ACTIONS, READ_ACTIONS
from peixun.orgs.models import Org


class KeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Key name"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    org: "forms.ModelChoiceField[Org]" = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=KEY_ROLES, widget=forms.Select(attrs={"class": "form-select"})
    )
    actions = forms.MultipleChoiceField(
        label=gettext_lazy("What the key may do"),
        choices=[(code, label) for code, label in ACTIONS.items()],
        initial=list(READ_ACTIONS),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": gettext_lazy("Tick at least one action the key may take.")},
    )
    rate_limit = forms.IntegerField(
        label=gettext_lazy("Calls per minute"),
        min_value=1,
        max_value=10000,
        initial=120,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["org"]).queryset = orgs


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def key_list(request: SignedInRequest) -> HttpResponse:
    require_perm(request, "api.keys")
    orgs = key_orgs(request.user).order_by("path")[:1000]
    form = KeyForm(request.POST or None, orgs=key_orgs(request.user).order_by("path"))
    secret = None
    if request.method == "POST" and form.is_valid():
        _key, secret = services.create_api_key(actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Key made. Copy it now: it will not be shown again."))
        form = KeyForm(orgs=key_orgs(request.user).order_by("path"))
    keys = keys_in_scope(request.user).select_related("org")
    context = {"form": form, "keys": keys, "secret": secret, "orgs": orgs}
    return render(request, "api/key_list.html", context)


@login_required
@require_POST
def key_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    require_perm(request, "api.keys")
    key = access_key(request.user, pk)
    services.revoke_api_key(key=key, actor=request.user, request=request)
    messages.success(request, _("Key revoked."))
    return redirect("apikeys:list")
