"""A result in words, in the reader's language: the pure rules return codes with parameters
(peixun.assessment.rules.gates.Reason, stored as {"code", "params"}), worded here when shown — the
gates with their states and reasons, what a provisional result waits for, how the attendance score
came about, and the scheme's rules as written (docs/decisions/0038-leave-and-gates.md)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peixun.assessment import selectors
from peixun.assessment.models import Result
from peixun.assessment.rules import bands as band_rules
from peixun.assessment.rules import gates
from peixun.assessment.rules import scheme as S
from peixun.assessment.rules.scheme import LOTTERY, TOTAL, Scheme
from peixun.lib.dates import format_date_zh
from peixun.training.rules import lifecycle

MESSAGES = {
    # The absence limit (RULES D2); with a course, the course's name goes first.
    "absent_over_limit": _(
        "Absent from %(absences)s of %(planned)s lessons%(leave_part)s: more than %(share)s of them "
        "(%(limit)s)."
    ),
    "absence_open": _(
        "Absent from %(absences)s of %(planned)s lessons so far%(leave_part)s, and %(unmarked)s lessons "
        "are not marked yet; more than %(share)s of them (%(limit)s) fails."
    ),
    "absence_within": _(
        "Absent from %(absences)s of %(planned)s lessons%(leave_part)s: not more than %(share)s of them "
        "(%(limit)s)."
    ),
    "absence_no_lessons": _("No lessons yet."),
    # Coursework.
    "work_missing": _("Required coursework missing (not handed in by its due date): %(titles)s."),
    "work_to_submit": _("To hand in, before the due date: %(titles)s."),
    "work_to_grade": _("To grade: %(titles)s."),
    "work_none": _("No required coursework."),
    "work_complete": _("All %(count)s pieces of required coursework handed in."),
    "task_graded": _("%(title)s: graded."),
    "task_to_grade": _("%(title)s: handed in, to grade."),
    "task_to_submit": _("%(title)s: to hand in by %(due)s."),
    "task_missing": _("%(title)s: missing, not handed in by %(due)s."),
    "task_skipped": _("%(title)s: optional, not done."),
    # Courses.
    "course_failed": _("Required course not passed: %(course)s."),
    "courses_pending": _("Required courses not decided yet: %(courses)s."),
    "courses_none": _("No required course is assessed on its own."),
    "courses_passed": _("Required courses passed: %(courses)s."),
    "course_passed": _("%(course)s: passed."),
    "course_below_pass_mark": _(
        "%(course)s: coursework average %(score)s, below the pass mark of %(pass_mark)s."
    ),
    "course_score_pending": _("%(course)s: coursework average not known yet."),
    # Minimums and the pass mark.
    "exam_pending": _("No exam score yet (minimum %(minimum)s)."),
    "exam_below_minimum": _("Exam score %(score)s is below the minimum of %(minimum)s."),
    "exam_at_least": _("Exam score %(score)s, at least %(minimum)s."),
    "online_pending": _("No online learning time imported yet (minimum %(minimum)s minutes)."),
    "online_below_minimum": _("%(minutes)s minutes of online learning, fewer than the %(minimum)s required."),
    "online_at_least": _("%(minutes)s minutes of online learning, at least the %(minimum)s required."),
    "below_pass_mark": _("Total %(total)s is below the pass mark of %(pass_mark)s."),
    "below_pass_mark_at_best": _(
        "Even with full marks for everything still to come the total is at most %(best)s, below the pass "
        "mark of %(pass_mark)s."
    ),
    "total_at_least": _("Total %(total)s, at least the pass mark of %(pass_mark)s."),
    "pass_mark_assured": _(
        "Whatever is still to come, the total is at least %(least)s, not below the pass mark of "
        "%(pass_mark)s."
    ),
    "total_pending": _("The total is known once everything is in (pass mark %(pass_mark)s)."),
    "total_nothing": _("Nothing to score yet (pass mark %(pass_mark)s)."),
    # The ethics veto (RULES D10).
    "ethics_vetoed": _(
        "Ethics veto recorded for %(year)s: cannot be chosen as an excellent trainee; passing and hours "
        "are not affected."
    ),
    "ethics_clear": _("No ethics veto."),
    # What a provisional result waits for.
    "lessons_unmarked": _("%(count)s lessons not marked yet."),
    "score_missing": _("Scores not entered yet: %(labels)s."),
    # The attendance score and leave.
    "attendance_plain": _(
        "Attendance score %(rate)s: attended %(attended)s of %(held)s lessons held (official leave counts "
        "as attended)."
    ),
    "attendance_leave_counts": _(
        "Attendance score %(rate)s: attended %(attended)s of %(held)s lessons held. As the scheme says, "
        "approved personal or sick leave (%(leave)s times) counts as a lesson not attended: each lesson "
        "missed lowers the attendance score by %(per_lesson)s points, which is %(per_total)s points of the "
        "total at the attendance weight of %(weight)s%%; the leave cost %(lost)s points of the attendance "
        "score (%(lost_total)s of the total). Leave also counts as missed class toward the absence limit."
    ),
    "attendance_leave_excused": _(
        "Attendance score %(rate)s: attended %(attended)s of %(counted)s lessons; as the scheme says, the "
        "%(leave)s lessons on approved leave are left out and do not lower it."
    ),
    # The scheme's rules as written.
    "rule_pass_mark": _("A total below the pass mark of %(pass_mark)s fails."),
    "rule_work": _(
        "Required coursework missing fails: work not handed in by its due date is missing. Before the "
        "due date it is still to hand in, and work handed in but not graded is still to grade; neither "
        "counts as missing or as zero."
    ),
    "rule_exam_minimum": _("An exam score below %(minimum)s fails."),
    "rule_online_minimum": _("Fewer than %(minimum)s minutes of online learning fails."),
    "rule_ethics": _(
        "Ethics veto: a trainee with a veto in the project's year cannot be chosen as an excellent "
        "trainee; it does not affect passing or hours."
    ),
    "rule_provisional": _(
        "A result is provisional while anything is still to come — lessons not marked, work to hand in or "
        "to grade, scores to enter — and says what. It fails as soon as a rule is broken in a way nothing "
        "still to come can change, and passes only when everything is in and every rule is met. The "
        "project closes only when no result is provisional."
    ),
}
RULE_ABSENCE = {
    "1": _(
        "Absent from more than %(share)s of the lessons fails. Every lesson missed counts as missed class, "
        "approved personal and sick leave included; official leave counts as attended; lessons cancelled "
        "or not yet held never count."
    ),
    "0": _(
        "Absent from more than %(share)s of the lessons fails; approved leave is excused and does not "
        "count; lessons cancelled or not yet held never count."
    ),
}
RULE_LEAVE_SCORE = {
    "1": _(
        "Attendance score = lessons attended ÷ lessons held × 100. Approved personal or sick leave is a "
        "lesson not attended: each one lowers the attendance score by 100 ÷ lessons held (8.3 points when "
        "12 lessons were held), and the total by that times the attendance weight of %(weight)s%%. "
        "Official leave counts as attended."
    ),
    "0": _(
        "Attendance score = lessons attended ÷ lessons to attend × 100; lessons on approved leave are left "
        "out, so leave does not lower it. Official leave counts as attended."
    ),
}
RULE_COURSES = _("Every required course must be passed: %(conditions)s.")
RULE_COURSE_ABSENCE = _("absent from at most %(share)s of its own lessons")
RULE_COURSE_WORK = _("none of its required coursework missing")
RULE_COURSE_AVERAGE = _("its coursework average at least %(pass_mark)s")
RULE_COURSES_NOTE = _("Lessons and coursework not tied to a course count for the whole project only.")
LEAVE_PART = _(" (%(leave)s of them on leave)")
COURSE_PREFIX = _("%(course)s: ")
OPTIONAL = _(" (optional)")
COURSE_NAMED = (
    "absent_over_limit",
    "absence_open",
    "absence_within",
    "work_missing",
    "work_to_submit",
    "work_none",
)

GATE_LABELS = {
    gates.ABSENCE: _("Absence limit"),
    gates.COURSEWORK: _("Required coursework"),
    gates.REQUIRED_COURSES: _("Required courses"),
    gates.EXAM_MINIMUM: _("Exam minimum"),
    gates.ONLINE_MINIMUM: _("Online learning minimum"),
    gates.PASS_MARK: _("Pass mark"),
    gates.ETHICS: _("Ethics veto (excellent trainees only)"),
}
GATE_STATES = {
    gates.PASSED: pgettext_lazy("gate", "Passed"),
    gates.FAILED: pgettext_lazy("gate", "Not passed"),
    gates.PENDING: pgettext_lazy("gate", "Pending"),
}
RESULT_STATUSES = {
    gates.PASSED: pgettext_lazy("result", "Pass"),
    gates.FAILED: pgettext_lazy("result", "Fail"),
    gates.PROVISIONAL: pgettext_lazy("result", "Provisional"),
}


class _Params(dict):
    """Parameters of a stored reason; one written by an older version may lack a key."""

    def __missing__(self, key: str) -> str:
        return ""


def _date(value: str) -> str:
    try:
        return format_date_zh(date.fromisoformat(value))
    except (TypeError, ValueError):
        return value


def _limit(params: dict[str, Any]) -> str:
    try:
        return gates.one(int(params["planned"]) * Fraction(params["share"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return ""


def reason_text(reason: dict) -> str:
    code = str(reason.get("code", ""))
    params = _Params(reason.get("params") or {})
    if code == "rule_absence":
        return str(RULE_ABSENCE.get(params["leave"] or "1", RULE_ABSENCE["1"])) % params
    if code == "rule_leave_score":
        return str(RULE_LEAVE_SCORE.get(params["leave"] or "1", RULE_LEAVE_SCORE["1"])) % params
    if code == "rule_courses":
        return _courses_rule(params)
    message = MESSAGES.get(code)
    if message is None:
        return code
    if code.startswith("absen"):
        leave = params.get("leave") or "0"
        params["leave_part"] = str(LEAVE_PART) % {"leave": leave} if leave != "0" else ""
        params["limit"] = params.get("limit") or _limit(params)
    if code.startswith("task_"):
        params["due"] = _date(params["due"])
        if params.get("optional"):
            params["title"] = f"{params['title']}{OPTIONAL}"
    try:
        text = str(message) % params
    except (TypeError, ValueError):
        text = str(message)
    if params.get("course") and code in COURSE_NAMED:
        text = str(COURSE_PREFIX) % {"course": params["course"]} + text
    return text


def _courses_rule(params: dict[str, Any]) -> str:
    conditions = []
    if params.get("share"):
        conditions.append(str(RULE_COURSE_ABSENCE) % {"share": params["share"]})
    if params.get("work") == "1":
        conditions.append(str(RULE_COURSE_WORK))
    conditions.append(str(RULE_COURSE_AVERAGE) % {"pass_mark": params.get("pass_mark", "")})
    return str(RULE_COURSES) % {"conditions": "；".join(conditions)} + " " + str(RULE_COURSES_NOTE)


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


def gate_rows(stored, *, vetoed: bool | None = None, year: int | None = None) -> list[dict[str, Any]]:
    """The gates of a stored result as rows to show: label, state (code and words), the reason
    and the details. The ethics veto is added when `vetoed` is known (it is read when shown)."""
    rows = []
    found = list(stored or [])
    if vetoed is not None:
        gate = gates.ethics(vetoed, year)
        found.append(
            {
                "code": gate.code,
                "state": gate.state,
                "reason": {"code": gate.reason.code, "params": dict(gate.reason.params)},
                "items": [],
                "award_only": True,
            }
        )
    for gate in found:
        code = gate.get("code", "")
        label = GATE_LABELS.get(code, code)
        state = gate.get("state", gates.PENDING)
        rows.append(
            {
                "code": code,
                "label": str(label),
                "state": state,
                "state_label": str(GATE_STATES.get(state, state)),
                "text": reason_text(gate.get("reason") or {}),
                "items": reasons_text(gate.get("items")),
                "award_only": bool(gate.get("award_only")),
            }
        )
    return rows


def gate_summary(row: dict[str, Any]) -> str:
    """One gate in one cell (the workbook): 通过：reason."""
    return f"{row['state_label']}：{row['text']}"


def status_text(status: str) -> str:
    return str(RESULT_STATUSES.get(status, status))


def scheme_rules(scheme) -> list[str]:
    """Every rule of the scheme that can fail a trainee, and how leave and missing inputs count."""
    return [reason_text({"code": r.code, "params": dict(r.params)}) for r in gates.rules_of(scheme)]


COMPONENT_WAITING = {
    gates.WORK_TO_GRADE: pgettext_lazy("score", "To grade"),
    gates.WORK_TO_SUBMIT: pgettext_lazy("score", "To hand in"),
    gates.SCORE_MISSING: pgettext_lazy("score", "To grade"),
    "import": pgettext_lazy("score", "To import"),
}
COURSEWORK_SOURCES = (S.COURSEWORK, S.COURSEWORK_REQUIRED, S.COURSEWORK_OPTIONAL)


def component_cells(result, scheme) -> list[dict[str, Any]]:
    """Each component of a stored result as (label, text, waiting): its score, or what it waits for
    — 待评分 (work handed in, or a score to enter), 待提交 (work not yet due), 待导入 (an outside
    platform's figure) — never a number that counted the unknown as zero; — when it does not apply."""
    pending = set(result.pending or [])
    codes = {reason.get("code") for reason in result.waiting or []}
    cells = []
    for component in scheme.components:
        value = (result.components or {}).get(component.key)
        waiting = component.key in pending
        text: object
        if waiting and component.source in COURSEWORK_SOURCES:
            text = COMPONENT_WAITING[
                gates.WORK_TO_GRADE if gates.WORK_TO_GRADE in codes else gates.WORK_TO_SUBMIT
            ]
        elif waiting and component.source in (S.ONLINE_TIME, S.DISCUSSION):
            text = COMPONENT_WAITING["import"]
        elif waiting:
            text = COMPONENT_WAITING[gates.SCORE_MISSING]
        else:
            text = value if value is not None else "—"
        cells.append(
            {
                "key": component.key,
                "label": component.label or component.key,
                "text": str(text),
                "waiting": waiting,
            }
        )
    return cells


def result_counts(rows) -> dict[str, int]:
    """How many results passed, failed and are provisional, and how many trainees have work or a
    score to grade (待评分) and work still to hand in before its due date (待提交)."""
    counts = {"passed": 0, "failed": 0, "provisional": 0, "to_grade": 0, "to_submit": 0}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
        codes = {reason.get("code") for reason in row.waiting or []}
        counts["to_grade"] += bool(codes & {gates.WORK_TO_GRADE, gates.SCORE_MISSING})
        counts["to_submit"] += gates.WORK_TO_SUBMIT in codes
    return counts


def band_label(label: str, status: str) -> str:
    """The band's label, unless it only repeats the result (不合格 beside 不合格)."""
    return "" if label == status_text(status) else label


def result_context(result: Result) -> dict:
    """What a result page shows, the staff's and the trainee's alike."""
    project = result.project
    scheme = result.version.scheme()
    vetoed = bool(selectors.vetoed_people([result.enrolment.person_id], project.year))
    labels = band_labels(scheme)
    return {
        "result": result,
        "scheme": scheme,
        "status_text": status_text(result.status),
        "gates": gate_rows(result.gates, vetoed=vetoed, year=project.year),
        "waiting": reasons_text(result.waiting),
        "notes": reasons_text(result.notes),
        "reasons": reasons_text(result.reasons),
        "cells": component_cells(result, scheme),
        "band_label": band_label(labels.get(result.band, ""), result.status),
        "final": project.status in lifecycle.FINAL,
    }
