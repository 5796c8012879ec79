"""Forms of the org tree and people pages. Filters are GET forms that never fail: an unknown
value is dropped rather than reported, so a stale link still shows a list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from peixun.core.pagination import PAGE_SIZES
from peixun.orgs.models import PersonRole, PersonStatus, Section, Title


def _with_blank(choices) -> list:
    return [("", _("All")), *choices]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("Name, pinyin, initials, ID or phone"),
            }
        ),
    )
    org = forms.IntegerField(label=_("Organisation"), required=False, min_value=1)
    section = forms.ChoiceField(label=_("Section"), required=False, choices=_with_blank(Section.choices))
    subject = forms.CharField(label=_("Subject"), required=False, max_length=20)
    title = forms.ChoiceField(label=_("Title"), required=False, choices=_with_blank(Title.choices))
    role = forms.ChoiceField(label=_("Role"), required=False, choices=_with_blank(PersonRole.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_with_blank(PersonStatus.choices))
    per_page = forms.TypedChoiceField(
        label=_("Per page"),
        required=False,
        coerce=int,
        choices=[(size, size) for size in PAGE_SIZES],
        empty_value=PAGE_SIZES[0],  # type: ignore[arg-type]  # coerced to int: the default is an int too
    )

    FILTER_FIELDS = ("q", "org", "section", "subject", "title", "role", "status", "per_page")

    def cleaned(self) -> dict:
        """The valid values; invalid ones are dropped (a filter never answers with an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.FILTER_FIELDS if name not in self.errors}
