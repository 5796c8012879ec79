"""The upload form: a file, and for rosters the org the file is for."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from peixun.imports.registry import importer
from peixun.orgs.access import orgs_in_scope
from peixun.orgs.models import Org

# The target org list shows at most this many orgs of the user's scope, shallowest first; a
# bureau admin of a large city picks the city or a county and names schools in 单位代码.
MAX_ORG_OPTIONS = 300


def org_options(user) -> list[tuple[int, str]]:
    orgs = list(orgs_in_scope(user, "people.import").order_by("depth", "path")[:MAX_ORG_OPTIONS])
    if not orgs:
        return []
    top = orgs[0].depth
    orgs.sort(key=lambda org: org.path)
    return [(org.pk, f"{'— ' * (org.depth - top)}{org.name}（{org.code}）") for org in orgs]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    org = forms.TypedChoiceField(label=_("For organisation"), coerce=int, required=False)

    def __init__(self, *args, user, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if importer(kind).asks_org:
            cast(forms.ChoiceField, self.fields["org"]).choices = org_options(user)
            self.fields["org"].required = True
            self.fields["org"].help_text = _(
                "Rows may name this organisation or one under it in 单位代码; blank means this one."
            )
        else:
            del self.fields["org"]

    def target_org(self) -> Org | None:
        pk = self.cleaned_data.get("org")
        return Org.objects.get(pk=pk) if pk else None
