"""The assessment scheme as a form (docs/decisions/0043-forms-for-policies-and-schemes.md): the
scheme's fields, its components and its grade bands as formsets (rows added and removed in the
page). The form only builds the document — the same mapping a YAML text gives — and hands it to
the one parser (`parse_scheme`), whose problems are put back on the fields they name."""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peixun.assessment.rules.scheme import LOTTERY, TOTAL, Scheme
from peixun.core.forms import StyledForm, TextFileForm, style_fields

SOURCE_CHOICES = [
    ("attendance", _("Attendance")),
    ("coursework", _("Coursework (every task)")),
    ("coursework_required", _("Required coursework")),
    ("coursework_optional", _("Optional coursework")),
    ("exam", _("Exam")),
    ("online_time", _("Time online (minutes)")),
    ("discussion", _("Discussion posts")),
    ("manual", _("Scored by hand")),
]
CAP_PER_CHOICES = [("school", _("each school")), ("cohort", _("each class")), ("project", _("the project"))]
HOURS_MODE_CHOICES = [
    ("project", _("The project's hours, all or nothing")),
    ("per_course", _("The hours of each course passed")),
]
PRORATE_CHOICES = [("none", _("No")), ("attendance", _("Scaled by the attendance rate"))]
TIES_CHOICES = [("include", _("All tied at the last place are selected")), ("exclude", _("None of them"))]
HUNDRED = Decimal(100)


def _percent_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=100, max_digits=6, decimal_places=2, **kwargs
    )


class SchemeForm(StyledForm):
    name = forms.CharField(label=_("Scheme name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    pass_mark = forms.DecimalField(label=_("Pass mark (out of 100)"), max_digits=6, decimal_places=1)
    max_absence_share = forms.CharField(
        label=_("Most absence allowed (share of lessons)"),
        required=False,
        max_length=10,
        help_text=_("A fraction or a decimal, e.g. 1/3 or 0.3; empty: no limit."),
    )
    leave_counts_as_absence = forms.BooleanField(label=_("Approved leave counts as absence"), required=False)
    required_work = forms.BooleanField(label=_("Every required task must be handed in"), required=False)
    required_courses = forms.BooleanField(label=_("Every required course must be passed"), required=False)
    min_exam_score = forms.DecimalField(
        label=_("Lowest exam mark"), required=False, max_digits=7, decimal_places=1
    )
    min_online_minutes = forms.IntegerField(label=_("Fewest minutes online"), required=False)
    hours_mode = forms.ChoiceField(label=_("Passing grants"), choices=HOURS_MODE_CHOICES)
    hours_prorate = forms.ChoiceField(label=_("Hours scaled by attendance"), choices=PRORATE_CHOICES)
    bands_basis = forms.ChoiceField(label=_("Grades are given on"), choices=())
    tie_break_1 = forms.ChoiceField(label=_("Equal scores: first by"), choices=(), required=False)
    tie_break_2 = forms.ChoiceField(label=_("then by"), choices=(), required=False)
    tie_break_3 = forms.ChoiceField(label=_("then by"), choices=(), required=False)
    excellence_share = _percent_field(_("Excellent trainees (% of those who passed)"))
    excellence_cap = _percent_field(_("At most % of each school"), required=False)
    excellence_ties = forms.ChoiceField(label=_("Ties at the last place"), choices=TIES_CHOICES)
    notice_days = forms.IntegerField(label=_("Days of public notice"))
    tutor_own_weight = _percent_field(_("A tutor's own work (% of the tutor's score)"))

    def __init__(self, *args, parts: list[tuple[str, str]] = (), **kwargs) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        basis = [(TOTAL, _("The total")), *parts]
        self.fields["bands_basis"].choices = basis  # type: ignore[attr-defined]
        ties = [("", "—"), *basis, (LOTTERY, _("A reproducible draw"))]
        for name in ("tie_break_1", "tie_break_2", "tie_break_3"):
            self.fields[name].choices = ties  # type: ignore[attr-defined]


class ComponentForm(forms.Form):
    label = forms.CharField(label=_("Part"), max_length=40)
    source = forms.ChoiceField(label=_("Scored from"), choices=SOURCE_CHOICES)
    weight = forms.DecimalField(label=_("Weight (%)"), max_digits=6, decimal_places=1)
    max = forms.DecimalField(label=_("Out of"), required=False, max_digits=7, decimal_places=1)
    target = forms.DecimalField(label=_("Full marks at"), required=False, max_digits=8, decimal_places=1)
    key = forms.CharField(label=_("Code"), required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)


class BandForm(forms.Form):
    label = forms.CharField(label=_("Grade"), max_length=20)
    min = forms.DecimalField(label=_("From (lowest score)"), max_digits=7, decimal_places=1)
    cap_share = _percent_field(_("At most (%)"), required=False)
    cap_per = forms.ChoiceField(label=_("Of"), choices=CAP_PER_CHOICES, required=False)
    code = forms.CharField(label=_("Code"), required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self, small=True)


ComponentFormSet = forms.formset_factory(ComponentForm, extra=0, can_delete=True, min_num=0, max_num=12)
BandFormSet = forms.formset_factory(BandForm, extra=0, can_delete=True, min_num=0, max_num=10)


def _plain(value: Decimal) -> int | float:
    """A number as YAML writes it plainly: 20, not '20.0' or a Decimal tag."""
    return int(value) if value == value.to_integral_value() else float(value)


def _share(percent: Decimal) -> int | float:
    return _plain(percent / HUNDRED)


def _percent(share: Decimal | None) -> Decimal | None:
    """A share as a percent written plainly (10, not 1E+1)."""
    return None if share is None else Decimal(format((share * HUNDRED).normalize(), "f"))


def initial(scheme: Scheme) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The form's, the components' and the bands' initial values from a scheme."""
    ties = [*scheme.bands.tie_break, "", "", ""]
    fields = {
        "name": scheme.name,
        "description": scheme.description,
        "pass_mark": scheme.pass_mark,
        "max_absence_share": scheme.hard_rules.max_absence_share or "",
        "leave_counts_as_absence": scheme.hard_rules.leave_counts_as_absence,
        "required_work": scheme.hard_rules.required_work,
        "required_courses": scheme.hard_rules.required_courses,
        "min_exam_score": scheme.hard_rules.min_exam_score,
        "min_online_minutes": scheme.hard_rules.min_online_minutes,
        "hours_mode": scheme.hours.mode,
        "hours_prorate": scheme.hours.prorate,
        "bands_basis": scheme.bands.basis,
        "tie_break_1": ties[0],
        "tie_break_2": ties[1],
        "tie_break_3": ties[2],
        "excellence_share": _percent(scheme.excellence.share),
        "excellence_cap": _percent(scheme.excellence.cap_per_school),
        "excellence_ties": scheme.excellence.ties,
        "notice_days": scheme.excellence.notice_days,
        "tutor_own_weight": _percent(scheme.tutor.own_weight),
    }
    components = [
        {
            "key": c.key,
            "label": c.label,
            "source": c.source,
            "weight": c.weight,
            "max": c.max,
            "target": c.target,
        }
        for c in scheme.components
    ]
    bands = [
        {
            "code": b.code,
            "label": b.label,
            "min": b.min,
            "cap_share": _percent(b.cap_share),
            "cap_per": b.cap_per,
        }
        for b in scheme.bands.levels
    ]
    return fields, components, bands


def as_post(scheme: Scheme) -> dict[str, str]:
    """The POST data of the form filled with a scheme (tests, and the round trip)."""
    fields, components, bands = initial(scheme)
    data = {name: _text(value) for name, value in fields.items() if value is not False}
    for prefix, rows in (("components", components), ("bands", bands)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = _text(value)
    return data


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "on"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def parts_of(data: Any, components: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(key, label) of each component, from the posted rows or the initial ones (the choices of
    the grade basis and the tie-break)."""
    if data is None:
        return [(row["key"], row["label"] or row["key"]) for row in components]
    parts = []
    for index in range(min(_int(data.get("components-TOTAL_FORMS")), 12)):
        if data.get(f"components-{index}-DELETE"):
            continue
        key = data.get(f"components-{index}-key") or f"part{index + 1}"
        parts.append((key, data.get(f"components-{index}-label") or key))
    return parts


def _int(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def document(form: SchemeForm, components: Any, bands: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The scheme document the valid forms describe (what a YAML text of it parses to), and where
    each of its list items came from: {"components": [form index, …], "bands.levels": […]}."""
    data = form.cleaned_data
    rows: dict[str, list[int]] = {"components": [], "bands.levels": []}
    parts = []
    for index, row in enumerate(components.forms):
        cleaned = row.cleaned_data
        if not cleaned or cleaned.get("DELETE"):
            continue
        key = cleaned.get("key") or ""
        part: dict[str, Any] = {
            "key": key if _KEY.match(key) else f"part{index + 1}",
            "source": cleaned["source"],
        }
        if cleaned.get("label"):
            part["label"] = cleaned["label"]
        part["weight"] = _plain(cleaned["weight"])
        if cleaned.get("max") is not None and cleaned["max"] != HUNDRED:
            part["max"] = _plain(cleaned["max"])
        if cleaned.get("target") is not None:
            part["target"] = _plain(cleaned["target"])
        parts.append(part)
        rows["components"].append(index)
    levels = []
    for index, row in enumerate(bands.forms):
        cleaned = row.cleaned_data
        if not cleaned or cleaned.get("DELETE"):
            continue
        code = cleaned.get("code") or ""
        level: dict[str, Any] = {
            "code": code if _KEY.match(code) else f"grade{index + 1}",
            "label": cleaned["label"],
            "min": _plain(cleaned["min"]),
        }
        if cleaned.get("cap_share") is not None:
            level["cap_share"] = _share(cleaned["cap_share"])
            level["cap_per"] = cleaned.get("cap_per") or "school"
        levels.append(level)
        rows["bands.levels"].append(index)
    hard_rules: dict[str, Any] = {
        "max_absence_share": data["max_absence_share"].strip() or None,
        "leave_counts_as_absence": data["leave_counts_as_absence"],
        "required_work": data["required_work"],
        "required_courses": data["required_courses"],
    }
    if data.get("min_exam_score") is not None:
        hard_rules["min_exam_score"] = _plain(data["min_exam_score"])
    if data.get("min_online_minutes") is not None:
        hard_rules["min_online_minutes"] = data["min_online_minutes"]
    doc: dict[str, Any] = {"name": data["name"]}
    if data.get("description"):
        doc["description"] = data["description"]
    doc["components"] = parts
    doc["hard_rules"] = hard_rules
    doc["pass_mark"] = _plain(data["pass_mark"])
    if levels:
        ties = [data[name] for name in ("tie_break_1", "tie_break_2", "tie_break_3") if data.get(name)]
        doc["bands"] = {"basis": data["bands_basis"], "tie_break": ties, "levels": levels}
    elif data["bands_basis"] != TOTAL:
        doc["bands"] = {"basis": data["bands_basis"]}
    doc["hours"] = {"mode": data["hours_mode"], "prorate": data["hours_prorate"]}
    excellence: dict[str, Any] = {"share": _share(data["excellence_share"])}
    if data.get("excellence_cap") is not None:
        excellence["cap_per_school"] = _share(data["excellence_cap"])
    excellence["ties"] = data["excellence_ties"]
    excellence["notice_days"] = data["notice_days"]
    doc["excellence"] = excellence
    doc["tutor"] = {"own_weight": _share(data["tutor_own_weight"])}
    return doc, rows


# Where a problem of the parser lands in the forms: its place's first parts name the field.
_FORM_FIELDS = {
    "name": "name",
    "description": "description",
    "pass_mark": "pass_mark",
    "hard_rules.max_absence_share": "max_absence_share",
    "hard_rules.min_exam_score": "min_exam_score",
    "hard_rules.min_online_minutes": "min_online_minutes",
    "bands.basis": "bands_basis",
    "bands.tie_break": "tie_break_1",
    "excellence.notice_days": "notice_days",
}
_PLACE = re.compile(r"^(components|bands\.levels)\[(\d+)\]\.(\w+)")


def attach(problems: list[tuple[str, str]], rows: dict[str, list[int]], form, components, bands) -> None:
    """Put each problem of the parser on the field it names (the row's own field in a formset)."""
    for place, message in problems:
        found = _PLACE.match(place)
        if found:
            group, index, name = found.group(1), int(found.group(2)), found.group(3)
            formset = components if group == "components" else bands
            forms_at = rows[group]
            if index < len(forms_at) and name in formset.forms[forms_at[index]].fields:
                row = formset.forms[forms_at[index]]
                if name not in row.errors:
                    row.add_error(name, message)
            continue
        field = _FORM_FIELDS.get(place)
        if field and field not in form.errors:
            form.add_error(field, message)


class SchemeFileForm(TextFileForm):
    max_bytes = 50_000
