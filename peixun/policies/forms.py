"""Forms of the policy pages: a policy document (typed, pasted or uploaded), the same document
built in a form (docs/decisions/0043-forms-for-policies-and-schemes.md), and a what-if run.

The form only builds the document — the mapping a YAML text of it gives — and hands it to the one
parser (`parse_policy`); the parser's problems are put back on the fields they name."""

import re
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.core.forms import DateInput, StyledForm, style_fields
from peixun.lib import uploads
from peixun.policies.describe import ROLE_WORDS, SECTION_WORDS, STATUS_WORDS, TITLE_WORDS
from peixun.policies.rules import Policy, codes
from peixun.policies.rules.document import (
    MAX_DOCUMENT_CHARS,
    Credits,
    Exemption,
    NewTeachers,
    Period,
    Required,
    Rule,
    parse_policy,
)
from peixun.policies.rules.presets import preset, preset_codes

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
    upload = forms.FileField(label=_("…or import a file (YAML)"), required=False)
    effective_from = forms.DateField(label=_("In force from"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    filename = ""

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
        self.filename = uploads.safe_filename(str(upload.name))[:100]
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


# --- The policy as a form -----------------------------------------------------------------------

HUNDRED = Decimal(100)
PERIOD_CHOICES = [
    ("cycle", _("A cycle of several years")),
    ("calendar_year", _("Each calendar year")),
    ("school_year", _("Each school year")),
]
ROUNDING_CHOICES = [("down", _("Rounded down")), ("half_up", _("Rounded half up"))]
PER_CHOICES = [("period", _("Over the whole period")), ("year", _("In each year"))]
WHO_CHOICES = [
    (_("Title"), [(f"title:{code}", word) for code, word in TITLE_WORDS.items()]),
    (_("Role"), [(f"role:{code}", word) for code, word in ROLE_WORDS.items()]),
    (_("Section"), [(f"section:{code}", word) for code, word in SECTION_WORDS.items()]),
]
WHO_FIELDS = {"title": "by_title", "role": "by_role", "section": "by_section"}


def _checks(label, choices, **kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=list(choices),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        **kwargs,
    )


def _hours(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, max_digits=7, decimal_places=1, **kwargs)


def _percent(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_value=100, max_digits=6, decimal_places=2
    )


class PolicyForm(StyledForm):
    name = forms.CharField(label=_("Policy name"), max_length=100)
    code = forms.CharField(
        label=_("Short code"),
        max_length=40,
        help_text=_("Lowercase letters, digits and hyphens, e.g. city-2026; it names the policy in files."),
    )
    source = forms.CharField(label=_("Source document"), required=False, max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    include = _checks(_("Include the rules of a preset"), ())
    period_kind = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES)
    period_years = forms.IntegerField(label=_("Years in a cycle"), required=False)
    period_anchor = forms.DateField(label=_("The first cycle starts on"), required=False, widget=DateInput())
    period_start_month = forms.IntegerField(label=_("The school year starts in month"), required=False)
    required_hours = _hours(_("Required hours for everyone"))
    hours_per_credit = forms.DecimalField(label=_("Hours per credit"), max_digits=6, decimal_places=2)
    rounding = forms.ChoiceField(label=_("Rounding of credits"), choices=ROUNDING_CHOICES)
    places = forms.IntegerField(label=_("Decimal places of credits"))
    prorate_new_teachers = forms.BooleanField(
        label=_("A teacher hired during the period owes a share for the years in post"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["include"].choices = [(code, preset(code).name) for code in preset_codes()]  # type: ignore[attr-defined]
        self.fields["include"].widget.attrs["class"] = "form-check-input"
        self.fields["required_hours"].required = True


class RequiredForm(forms.Form):
    who = forms.ChoiceField(label=_("Who"), choices=WHO_CHOICES)
    hours = _hours(_("Required hours"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)
        self.fields["hours"].required = True


class RuleForm(forms.Form):
    label = forms.CharField(label=_("Requirement"), max_length=40)
    source = forms.CharField(label=_("Source"), required=False, max_length=200)
    categories = _checks(_("Categories"), codes.CATEGORIES.items())
    levels = _checks(_("Levels"), codes.LEVELS.items())
    level_at_least = forms.ChoiceField(
        label=_("Or this level and above"), choices=[("", "—"), *codes.LEVELS.items()], required=False
    )
    modes = _checks(_("Modes"), codes.MODES.items())
    tags = _checks(_("Tags"), codes.TAGS.items())
    not_tags = _checks(_("Except tags"), codes.TAGS.items())
    min_hours = _hours(_("At least (hours)"))
    min_share = _percent(_("…or at least (% of the total)"))
    max_hours = _hours(_("At most counted (hours)"))
    max_share = _percent(_("…or at most (% of the total)"))
    per = forms.ChoiceField(label=_("The most is counted"), choices=PER_CHOICES, required=False)
    prorate = forms.BooleanField(
        label=_("Shrinks for a teacher hired during the period"), required=False, initial=True
    )
    titles = _checks(_("Only for titles"), TITLE_WORDS.items())
    sections = _checks(_("Only for sections"), SECTION_WORDS.items())
    roles = _checks(_("Only for roles"), ROLE_WORDS.items())
    hired_within_years = forms.IntegerField(label=_("Only for those hired within (years)"), required=False)
    id = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"


class ExemptionForm(forms.Form):
    label = forms.CharField(label=_("Exemption"), max_length=40)
    source = forms.CharField(label=_("Source"), required=False, max_length=200)
    statuses = _checks(_("People whose status is"), STATUS_WORDS.items())
    retiring_within_years = forms.IntegerField(label=_("Or retiring within (years)"), required=False)
    retiring_by_period_end = forms.BooleanField(label=_("Or retiring before the period ends"), required=False)
    retiring_before = forms.DateField(
        label=_("Or retiring before (cut-off date)"), required=False, widget=DateInput()
    )
    rules = _checks(_("Only these requirements are excused (none: the whole requirement)"), ())
    reduce_total = forms.BooleanField(label=_("The required total drops accordingly"), required=False)
    id = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, rule_choices: list[tuple[str, str]] = (), **kwargs) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)
        self.fields["statuses"].widget.attrs["class"] = "form-check-input"
        self.fields["rules"].widget.attrs["class"] = "form-check-input"
        self.fields["rules"].choices = list(rule_choices)  # type: ignore[attr-defined]


RequiredFormSet = forms.formset_factory(RequiredForm, extra=0, can_delete=True, max_num=30)
RuleFormSet = forms.formset_factory(RuleForm, extra=0, can_delete=True, max_num=40)
ExemptionFormSet = forms.formset_factory(ExemptionForm, extra=0, can_delete=True, max_num=20)


class VersionForm(StyledForm):
    """Where and from when a draft applies, beside the document."""

    org = forms.TypedChoiceField(label=_("Applies to"), coerce=int)
    effective_from = forms.DateField(label=_("In force from"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, orgs: list[tuple[int, str]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if orgs is None:
            del self.fields["org"]
        else:
            cast(forms.ChoiceField, self.fields["org"]).choices = orgs


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _share(percent: Decimal) -> int | float:
    return _plain(percent / HUNDRED)


def _pct(share: Decimal | None) -> Decimal | None:
    """A share as a percent written plainly (10, not 1E+1)."""
    return None if share is None else Decimal(format((share * HUNDRED).normalize(), "f"))


class NotInForm(ValueError):
    """The document uses fields the form does not show (edit it as text)."""


def initial(document: dict[str, Any]) -> tuple[dict[str, Any], list[dict], list[dict], list[dict]]:
    """The form's, the required totals', the rules' and the exemptions' initial values from a
    policy document (English keys; its own rules, not the included presets'). NotInForm when a
    part of it cannot be read on its own."""
    try:
        period = Period.model_validate(document.get("period") or {})
        credits = Credits.model_validate(document.get("credits") or {})
        required = Required.model_validate(document.get("required") or {})
        rules = [Rule.model_validate(item) for item in document.get("rules") or []]
        exemptions = [Exemption.model_validate(item) for item in document.get("exemptions") or []]
        new_teachers = NewTeachers.model_validate(document.get("new_teachers") or {})
    except (ValueError, TypeError, AttributeError):
        raise NotInForm from None
    fields = {
        "name": document.get("name", ""),
        "code": document.get("code", ""),
        "source": document.get("source", ""),
        "description": document.get("description", ""),
        "include": list(document.get("include") or []),
        "period_kind": period.kind,
        "period_years": period.years,
        "period_anchor": period.anchor,
        "period_start_month": period.start_month,
        "required_hours": required.hours,
        "hours_per_credit": credits.hours_per_credit,
        "rounding": credits.rounding,
        "places": credits.places,
        "prorate_new_teachers": new_teachers.prorate,
    }
    totals = [
        {"who": f"{kind}:{code}", "hours": hours}
        for kind, field in WHO_FIELDS.items()
        for code, hours in getattr(required, field).items()
    ]
    rule_rows = [
        {
            "id": rule.id,
            "label": rule.label,
            "source": rule.source,
            "categories": list(rule.select.categories),
            "levels": list(rule.select.levels),
            "level_at_least": rule.select.level_at_least or "",
            "modes": list(rule.select.modes),
            "tags": list(rule.select.tags),
            "not_tags": list(rule.select.not_tags),
            "min_hours": rule.min_hours,
            "min_share": _pct(rule.min_share),
            "max_hours": rule.max_hours,
            "max_share": _pct(rule.max_share),
            "per": rule.per,
            "prorate": rule.prorate,
            "titles": list(rule.applies_to.titles),
            "sections": list(rule.applies_to.sections),
            "roles": list(rule.applies_to.roles),
            "hired_within_years": rule.applies_to.hired_within_years,
        }
        for rule in rules
    ]
    exemption_rows = [
        {
            "id": item.id,
            "label": item.label,
            "source": item.source,
            "statuses": list(item.statuses),
            "retiring_within_years": item.retiring_within_years,
            "retiring_by_period_end": item.retiring_by_period_end,
            "retiring_before": item.retiring_before,
            "rules": list(item.rules),
            "reduce_total": item.reduce_total,
        }
        for item in exemptions
    ]
    return fields, totals, rule_rows, exemption_rows


def _text(value: Any) -> str | list[str]:
    if value is None:
        return ""
    if value is True:
        return "on"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value)


def as_post(document: dict[str, Any]) -> dict[str, Any]:
    """The POST data of the form filled with a document (the round trip, and tests)."""
    fields, totals, rules, exemptions = initial(document)
    data: dict[str, Any] = {name: _text(value) for name, value in fields.items() if value is not False}
    for prefix, rows in (("required", totals), ("rules", rules), ("exemptions", exemptions)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            for name, value in row.items():
                if value is not False:
                    data[f"{prefix}-{index}-{name}"] = _text(value)
    return data


_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _rows(formset) -> list[tuple[int, dict[str, Any]]]:
    return [
        (index, form.cleaned_data)
        for index, form in enumerate(formset.forms)
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def document(form: PolicyForm, totals, rules, exemptions) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The policy document the valid forms describe (what a YAML text of it parses to), and the
    form index of each rule and exemption (to put a problem back on its row)."""
    data = form.cleaned_data
    doc: dict[str, Any] = {"code": data["code"], "name": data["name"]}
    for name in ("source", "description"):
        if data.get(name):
            doc[name] = data[name]
    if data.get("include"):
        doc["include"] = list(data["include"])
    period: dict[str, Any] = {"kind": data["period_kind"]}
    if data["period_kind"] == "cycle":
        period["years"] = data.get("period_years")
        period["anchor"] = data.get("period_anchor")
    elif data["period_kind"] == "school_year" and data.get("period_start_month"):
        period["start_month"] = data["period_start_month"]
    doc["period"] = period
    doc["credits"] = {
        "hours_per_credit": _plain(data["hours_per_credit"]),
        "rounding": data["rounding"],
        "places": data["places"],
    }
    required: dict[str, Any] = {"hours": _plain(data["required_hours"])}
    for _index, row in _rows(totals):
        kind, code = row["who"].split(":", 1)
        required.setdefault(WHO_FIELDS[kind], {})[code] = _plain(row["hours"])
    doc["required"] = required
    places: dict[str, list[int]] = {"rules": [], "exemptions": []}
    rule_docs = []
    for index, row in _rows(rules):
        rule: dict[str, Any] = {
            "id": row["id"] if _ID.match(row.get("id") or "") else f"rule{index + 1}",
            "label": row["label"],
        }
        if row.get("source"):
            rule["source"] = row["source"]
        applies = {name: list(row[name]) for name in ("sections", "titles", "roles") if row.get(name)}
        if row.get("hired_within_years") is not None:
            applies["hired_within_years"] = row["hired_within_years"]
        if applies:
            rule["applies_to"] = applies
        select: dict[str, Any] = {
            name: list(row[name])
            for name in ("categories", "tags", "not_tags", "levels", "modes")
            if row.get(name)
        }
        if row.get("level_at_least"):
            select["level_at_least"] = row["level_at_least"]
        if select:
            rule["select"] = select
        for name in ("min_hours", "max_hours"):
            if row.get(name) is not None:
                rule[name] = _plain(row[name])
        for name in ("min_share", "max_share"):
            if row.get(name) is not None:
                rule[name] = _share(row[name])
        if row.get("per") == "year":
            rule["per"] = "year"
        if not row.get("prorate"):
            rule["prorate"] = False
        rule_docs.append(rule)
        places["rules"].append(index)
    if rule_docs:
        doc["rules"] = rule_docs
    if data.get("prorate_new_teachers"):
        doc["new_teachers"] = {"prorate": True}
    exemption_docs = []
    for index, row in _rows(exemptions):
        item: dict[str, Any] = {
            "id": row["id"] if _ID.match(row.get("id") or "") else f"exemption{index + 1}",
            "label": row["label"],
        }
        if row.get("source"):
            item["source"] = row["source"]
        if row.get("statuses"):
            item["statuses"] = list(row["statuses"])
        if row.get("retiring_within_years") is not None:
            item["retiring_within_years"] = row["retiring_within_years"]
        if row.get("retiring_by_period_end"):
            item["retiring_by_period_end"] = True
        if row.get("retiring_before"):
            item["retiring_before"] = row["retiring_before"].isoformat()
        if row.get("rules"):
            item["rules"] = list(row["rules"])
        if row.get("reduce_total"):
            item["reduce_total"] = True
        exemption_docs.append(item)
        places["exemptions"].append(index)
    if exemption_docs:
        doc["exemptions"] = exemption_docs
    return doc, places


def _included_rules(include) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for code in include or []:
        if code in preset_codes():
            found.extend((rule.id, f"{rule.label}（{preset(code).name}）") for rule in preset(code).rules)
    return found


def rule_choices(data, rules: list[dict]) -> list[tuple[str, str]]:
    """(id, label) of each requirement an exemption may name: the rows of the form (posted or
    initial) and those of the included presets."""
    if data is None:
        own = [(row["id"], row["label"]) for row in rules]
        return own
    own = []
    for index in range(min(_count(data.get("rules-TOTAL_FORMS")), 40)):
        if data.get(f"rules-{index}-DELETE") or not data.get(f"rules-{index}-label"):
            continue
        rule_id = data.get(f"rules-{index}-id") or ""
        own.append((rule_id if _ID.match(rule_id) else f"rule{index + 1}", data[f"rules-{index}-label"]))
    return own + _included_rules(data.getlist("include") if hasattr(data, "getlist") else data.get("include"))


def _count(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


def bind(data, document_: dict[str, Any] | None):
    """The policy form and its three formsets, bound to `data` or filled from a document (rows
    bound to data are compared with no initial: a row left as it was is still a row)."""
    if data is not None:
        choices = rule_choices(data, [])
        return (
            PolicyForm(data),
            RequiredFormSet(data, prefix="required"),
            RuleFormSet(data, prefix="rules"),
            ExemptionFormSet(data, prefix="exemptions", form_kwargs={"rule_choices": choices}),
        )
    try:
        fields, totals, rules, exemptions = initial(document_ or {})
    except NotInForm:  # a text the form cannot show: the page offers the text view
        fields, totals, rules, exemptions = {"include": []}, [], [], []
    choices = rule_choices(None, rules) + _included_rules(fields["include"])
    return (
        PolicyForm(initial=fields),
        RequiredFormSet(initial=totals, prefix="required"),
        RuleFormSet(initial=rules, prefix="rules"),
        ExemptionFormSet(initial=exemptions, prefix="exemptions", form_kwargs={"rule_choices": choices}),
    )


def representable(document_: dict[str, Any]) -> bool:
    """Whether the form shows every field of the document: filled with it, it builds the same
    policy (a field the form lacks — a gender, an exemption naming rules … — is edited as text)."""
    try:
        original: Policy = parse_policy(document_)
        forms_ = bind(as_post(document_), None)
    except (NotInForm, ValueError):
        return False
    if not all(item.is_valid() for item in forms_):
        return False
    try:
        return parse_policy(document(*forms_)[0]) == original
    except ValueError:
        return False


_FORM_FIELDS = {
    "name": "name",
    "code": "code",
    "include": "include",
    "period": "period_kind",
    "period.years": "period_years",
    "period.anchor": "period_anchor",
    "period.start_month": "period_start_month",
    "required.hours": "required_hours",
    "credits.hours_per_credit": "hours_per_credit",
    "credits.places": "places",
}
_PLACE = re.compile(r"^(rules|exemptions)\[(\d+)\](?:\.(?:select|applies_to))?(?:\.(\w+))?")


def attach(problems: list[tuple[str, str]], places: dict[str, list[int]], form, rules, exemptions) -> None:
    """Put each problem of the parser on the field it names (the row's own field in a formset)."""
    for place, message in problems:
        found = _PLACE.match(place)
        if found:
            group, index, name = found.group(1), int(found.group(2)), found.group(3)
            formset = rules if group == "rules" else exemptions
            if index < len(places[group]):
                row = formset.forms[places[group][index]]
                field = name if name in row.fields else None
                if field is None or field not in row.errors:
                    row.add_error(field, message)
            continue
        base = re.sub(r"\[\d+\]$", "", place)
        field_name = _FORM_FIELDS.get(place) or _FORM_FIELDS.get(base)
        if field_name and field_name not in form.errors:
            form.add_error(field_name, message)
