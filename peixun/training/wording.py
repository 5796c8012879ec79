"""Eligibility reasons in words, in the reader's language (the pure rules give codes and values)."""

from typing import Any

from django.utils.translation import gettext as _

from peixun.core.templatetags.peixun import zh_date
from peixun.orgs.models import Gender, PersonRole, PersonStatus, Section, Title
from peixun.training.models import Level, PrizeRank
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
