"""Eligibility reasons in words, in the reader's language (the pure rules give codes and values)."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peixun.audit import events
from peixun.core.templatetags.peixun import zh_date
from peixun.orgs.models import Gender, PersonRole, PersonStatus, Section, Title
from peixun.training.models import Level, MandatoryOption, PrizeRank, ProjectStatus, ProjectType
from peixun.training.rules.eligibility import Reason


def _labels(codes, choices) -> str:
    names = dict(choices)
    return "、".join(str(names.get(code, code)) for code in codes or ())


def reason_text(reason: Reason) -> str:
    p: dict[str, Any] = dict(reason.params)
    code = reason.code
    if code == "status":
        return _("Only staff in post take part (your status: %(status)s).") % {
            "status": _labels([p.get("status")], PersonStatus.choices)
        }
    if code == "org":
        return _("The project is for other schools or areas.")
    if code == "excluded_org":
        return _("Your school is excluded from this project.")
    if code == "section":
        return _("For %(allowed)s teachers only.") % {"allowed": _labels(p.get("allowed"), Section.choices)}
    if code == "subject":
        return _("For teachers of %(allowed)s only.") % {"allowed": "、".join(p.get("allowed") or ())}
    if code == "title":
        return _("For the titles %(allowed)s only.") % {"allowed": _labels(p.get("allowed"), Title.choices)}
    if code == "role":
        return _("For %(allowed)s only.") % {"allowed": _labels(p.get("allowed"), PersonRole.choices)}
    if code == "gender":
        return _("For %(allowed)s teachers only.") % {"allowed": _labels([p.get("allowed")], Gender.choices)}
    if code == "too_young":
        return _("For people aged %(limit)s or more on %(date)s (you will be %(age)s).") % {
            "limit": p.get("limit"),
            "age": p.get("age"),
            "date": zh_date(p.get("reference")),
        }
    if code == "too_old":
        if p.get("age") is None:
            return _("The project has age limits and your birth date is not on record.")
        return _("For people aged %(limit)s or less on %(date)s (you will be %(age)s).") % {
            "limit": p.get("limit"),
            "age": p.get("age"),
            "date": zh_date(p.get("reference")),
        }
    if code == "already_trained":
        return _("You were already trained at %(level)s level in %(year)s.") % {
            "level": _labels([p.get("level")], Level.choices),
            "year": p.get("year"),
        }
    if code == "prize":
        return _("Recent prize winners are excluded (%(level)s %(rank)s, %(year)s).") % {
            "level": _labels([p.get("level")], Level.choices),
            "rank": _labels([p.get("rank")], PrizeRank.choices),
            "year": p.get("year"),
        }
    return code


def reasons_text(reasons) -> list[str]:
    return [reason_text(reason) for reason in reasons]


def targets_text(t: dict) -> list[str]:
    """A project's target rules in words, one line each (besides the audience)."""
    lines = []
    if t.get("sections"):
        lines.append(_("Sections: %(v)s") % {"v": _labels(t["sections"], Section.choices)})
    if t.get("subjects"):
        lines.append(_("Subjects: %(v)s (each person enrols in one)") % {"v": "、".join(t["subjects"])})
    if t.get("titles"):
        lines.append(_("Titles: %(v)s") % {"v": _labels(t["titles"], Title.choices)})
    if t.get("roles"):
        lines.append(_("Roles: %(v)s") % {"v": _labels(t["roles"], PersonRole.choices)})
    if t.get("gender"):
        lines.append(_("Gender: %(v)s") % {"v": _labels([t["gender"]], Gender.choices)})
    if t.get("min_age"):
        lines.append(_("Aged at least %(v)s") % {"v": t["min_age"]})
    if t.get("max_age_male") or t.get("max_age_female"):
        line = _("Men up to %(men)s, women up to %(women)s years old on %(day)s") % {
            "men": t.get("max_age_male") or "—",
            "women": t.get("max_age_female") or "—",
            "day": zh_date(date.fromisoformat(t["age_reference"]))
            if t.get("age_reference")
            else _("31 December"),
        }
        if t.get("age_limits_mandatory_only"):
            line += " " + _("(older people may enrol by choice)")
        lines.append(line)
    if t.get("exclude_trained_level"):
        lines.append(
            _("Not for those trained at %(level)s level or above in the last %(years)s years%(kind)s")
            % {
                "level": _labels([t["exclude_trained_level"]], Level.choices),
                "years": t.get("exclude_trained_years") or 5,
                "kind": f" ({_labels([t['exclude_trained_type']], ProjectType.choices)})"
                if t.get("exclude_trained_type")
                else "",
            }
        )
    if t.get("exclude_prize_level"):
        lines.append(
            _("Not for winners of %(ranks)s at %(level)s level or above in the last %(years)s years")
            % {
                "ranks": _labels(t.get("exclude_prize_ranks"), PrizeRank.choices) or _("any prize"),
                "level": _labels([t["exclude_prize_level"]], Level.choices),
                "years": t.get("exclude_prize_years") or 5,
            }
        )
    return lines


# The lifecycle's moves as their buttons say them (peixun.training.rules.lifecycle.TRANSITIONS).
TRANSITION_LABELS = {
    "submit": gettext_lazy("Submit for approval"),
    "recall": gettext_lazy("Recall the submission"),
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Send back"),
    "revise": gettext_lazy("Revise"),
    "publish": gettext_lazy("Publish"),
    "open_enrolment": gettext_lazy("Open enrolment now"),
    "start": gettext_lazy("Start the training"),
    "assess": gettext_lazy("Move to assessment"),
    "close": gettext_lazy("Close"),
    "reopen": gettext_lazy("Reopen to correct results"),
    "archive": gettext_lazy("Archive"),
    "cancel": gettext_lazy("Cancel the project"),
}


def register_audit_labels() -> None:
    """The project's history and the audit log say statuses, moves and options in words."""
    events.register_value_labels("project_transition", "status", dict(ProjectStatus.choices))
    events.register_value_labels("project_transition", "action", TRANSITION_LABELS)
    events.register_value_labels("enrolments_mandatory", "option", dict(MandatoryOption.choices))
    for action in ("project_created", "project_updated"):
        events.register_field_labels({"title": gettext_lazy("Project name")}, action=action)
    events.register_field_labels({"title": gettext_lazy("Assignment title")}, action="assignment_saved")
