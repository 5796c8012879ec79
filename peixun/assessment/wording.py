"""The reasons of a result in words, in the reader's language: the pure rules return codes with
parameters (peixun.assessment.rules.scoring.Reason), worded here when shown."""

from django.utils.translation import gettext_lazy as _

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
