"""The reasons of a result in words, in the reader's language: the pure rules return codes with
parameters (peixun.assessment.rules.scoring.Reason), worded here when shown."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from peixun.assessment.rules import bands as band_rules
from peixun.assessment.rules.scheme import LOTTERY, TOTAL, Scheme

MESSAGES = {
    "absent_over_limit": _("Absent from %(absences)s of %(planned)s lessons: more than %(share)s of them."),
    "work_missing": _("Required coursework missing: %(titles)s."),
    "course_failed": _("Required course not passed: %(course)s."),
    "exam_below_minimum": _("Exam score %(score)s is below the minimum of %(minimum)s."),
    "online_below_minimum": _("%(minutes)s minutes of online learning, fewer than the %(minimum)s required."),
    "below_pass_mark": _("Total %(total)s is below the pass mark of %(pass_mark)s."),
}
COURSE_MESSAGE = _("%(course)s: absent from more than %(share)s of its lessons.")


def reason_text(reason: dict) -> str:
    params = dict(reason.get("params") or {})
    if reason.get("code") == "absent_over_limit" and params.get("course"):
        return str(COURSE_MESSAGE) % params
    message = MESSAGES.get(reason.get("code", ""))
    if message is None:
        return str(reason.get("code", ""))
    try:
        return str(message) % params
    except (KeyError, TypeError, ValueError):
        return str(message)


def reasons_text(reasons) -> list[str]:
    return [reason_text(reason) for reason in reasons or []]


# --- The grade bands of a scheme, for its page (RULES D6, docs/decisions/0036) -----------------

CAP_GROUP = {
    "school": _("at most %(share)s%% of each school"),
    "cohort": _("at most %(share)s%% of each class"),
    "project": _("at most %(share)s%% of the project"),
}


def _percent(share: Decimal) -> str:
    return format((share * 100).normalize(), "f")


def bands_text(scheme: Scheme, project_id: int) -> list[str]:
    """The scheme's grade bands in sentences: what they grade, the bands with their caps, and the
    order among equals when a capped band is full (the tie-break written in the scheme)."""
    levels = scheme.bands.levels
    if not levels:
        return []
    basis = scheme.bands.basis
    component = scheme.component(basis) if basis != TOTAL else None
    part = (component.label or component.key) if component is not None else ""
    lines = []
    if component is None:
        lines.append(str(_("Grades go by the total; a trainee who fails is in the lowest grade.")))
    else:
        lines.append(
            str(
                _(
                    "Grades go by %(part)s alone (out of %(max)s), whatever the other parts gave and "
                    "whether the trainee passed; until %(part)s is scored there is no grade."
                )
            )
            % {"part": part, "max": f"{component.max:g}"}
        )
    words = []
    for band in levels:
        word = f"{band.label} ≥ {band.min:g}"
        if band.cap_share is not None:
            word += "（" + str(CAP_GROUP[band.cap_per]) % {"share": _percent(band.cap_share)} + "）"
        words.append(word)
    lines.append(str(_("Grades: %(bands)s.")) % {"bands": "、".join(words)})
    if not any(band.cap_share is not None for band in levels):
        return lines
    keys = [str(_("the higher %(part)s")) % {"part": part} if part else str(_("the higher total"))]
    for item in scheme.bands.tie_break:
        if item == TOTAL:
            if part:
                keys.append(str(_("the higher total")))
        elif item == LOTTERY:
            keys.append(
                str(_("a draw from the project's public seed “%(seed)s” that anyone can re-run"))
                % {"seed": band_rules.seed_for(project_id)}
            )
        else:
            other = scheme.component(item)
            label = (other.label or other.key) if other is not None else item
            keys.append(str(_("the higher %(part)s")) % {"part": label})
    sentence = str(
        _("When a capped grade has fewer places than trainees who reach it, places go by %(keys)s.")
    ) % {"keys": str(_(", then ")).join(keys)}
    if LOTTERY not in scheme.bands.tie_break:
        sentence += " " + str(_("Trainees still equal at the cut all move down one grade."))
    lines.append(sentence)
    return lines


def band_part(scheme: Scheme) -> str:
    """The part a scheme's grades go by ("" for the total): the practice part's label for D6."""
    component = scheme.component(scheme.bands.basis) if scheme.bands.basis != TOTAL else None
    return (component.label or component.key) if component is not None else ""


def band_labels(scheme: Scheme) -> dict[str, str]:
    """{band code: label as shown beside a result}: "校本实践 优秀" when the grades go by one part
    alone, so a grade is not read as the result's."""
    part = band_part(scheme)
    return {band.code: f"{part} {band.label}" if part else band.label for band in scheme.bands.levels}
