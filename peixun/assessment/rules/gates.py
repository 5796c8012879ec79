"""The gates of a result (no Django): every condition that can fail a trainee, each with its state
— passed (通过), failed (未通过) or pending (待定) — and the reason that applied, as a code with
parameters worded by the app (peixun.assessment.wording). RULES D2, D8, E1, D10;
docs/decisions/0038-leave-and-gates.md.

A gate fails only when nothing still to come can change it: absences already over the limit,
required work past its due date and not handed in, a total that stays below the pass mark even if
everything still to come got full marks. While it can still go either way it is pending. A result
is then

- failed (不合格) as soon as one gate has failed;
- provisional (暂定) while a gate is pending or any input is still to come — lessons not yet marked,
  work to hand in (待提交) or to grade (待评分), scores to enter — and it says which;
- passed (合格) only when every input is in and every gate has passed.

The ethics veto (师德一票否决, D10) is a gate of the awards alone (优秀学员): it never fails a pass,
and it is read when the result is shown, since a veto may be recorded after the result.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Protocol

from peixun.assessment.rules import scheme as S
from peixun.delivery.rules import attendance as A

PASSED = "passed"
FAILED = "failed"
PENDING = "pending"
STATES = (PASSED, FAILED, PENDING)
PROVISIONAL = "provisional"  # a result's status while something is still to come
RESULT_STATUSES = (PASSED, FAILED, PROVISIONAL)

# The gates, in the order they are shown.
ABSENCE = "absence"
COURSEWORK = "coursework"
REQUIRED_COURSES = "required_courses"
EXAM_MINIMUM = "exam_minimum"
ONLINE_MINIMUM = "online_minimum"
PASS_MARK = "pass_mark"  # noqa: S105  # a gate code, not a password
ETHICS = "ethics"
ORDER = (ABSENCE, COURSEWORK, REQUIRED_COURSES, EXAM_MINIMUM, ONLINE_MINIMUM, PASS_MARK, ETHICS)

# Where one piece of coursework stands.
GRADED = "graded"
TO_GRADE = "to_grade"  # 待评分: handed in, not graded yet
TO_SUBMIT = "to_submit"  # 待提交: not handed in, and its due date has not passed
MISSING = "missing"  # 缺交: required, not handed in, due date passed
SKIPPED = "skipped"  # optional, not handed in, due date passed

# What a provisional result is waiting for (codes of `waiting` reasons).
LESSONS_UNMARKED = "lessons_unmarked"
WORK_TO_GRADE = "work_to_grade"
WORK_TO_SUBMIT = "work_to_submit"
SCORE_MISSING = "score_missing"

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Gate:
    """One condition of the result: its state, the reason that applied, and the details (each
    task, each course) when there are several."""

    code: str
    state: str
    reason: Reason
    items: tuple[Reason, ...] = ()
    award_only: bool = False  # fails an award (优秀学员), never the pass


class Task(Protocol):
    """One piece of coursework as the gates read it (scoring.Work)."""

    @property
    def title(self) -> str: ...

    @property
    def required(self) -> bool: ...

    @property
    def state(self) -> str: ...

    @property
    def due_on(self) -> str: ...


def one(value: Decimal | Fraction | int) -> str:
    """A number with one decimal, as every figure is shown (4.0, 8.3)."""
    decimal = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else Decimal(value)
    )
    return str(decimal.quantize(ONE_PLACE, ROUND_HALF_UP))


def percent(value: Decimal) -> str:
    """A weight as written: 20, 12.5 (no trailing zeros)."""
    return format(value.quantize(ONE_PLACE, ROUND_HALF_UP).normalize(), "f")


def _titles(tasks: Sequence[Task]) -> str:
    return "、".join(task.title for task in tasks)


# --- The gates ---------------------------------------------------------------------------------


def absence(statuses: Sequence[str], rules: S.HardRules, course: str = "") -> Gate | None:
    """RULES D2: absent from more than `share` of the lessons fails. Every lesson missed counts,
    approved personal and sick leave included (unless the scheme excuses leave); official leave
    counts as attended; a lesson not yet marked can still go either way. None without the rule."""
    share = rules.absence_share
    if share is None:
        return None
    planned = len(statuses)
    tally = A.Tally.of(statuses, planned)
    leave_counts = rules.leave_counts_as_absence
    absences = tally.absences(leave_counts)
    unmarked = planned - tally.marked
    params = {
        "absences": str(absences),
        "leave": str(tally.leave_personal + tally.leave_sick if leave_counts else 0),
        "planned": str(planned),
        "share": str(share),
        "limit": one(planned * share),
        "unmarked": str(unmarked),
    }
    if course:
        params["course"] = course
    if planned == 0:
        return Gate(ABSENCE, PASSED, Reason("absence_no_lessons", params))
    if A.over_limit(absences, planned, share):
        return Gate(ABSENCE, FAILED, Reason("absent_over_limit", params))
    if absences + unmarked > A.absence_limit(planned, share):
        return Gate(ABSENCE, PENDING, Reason("absence_open", params))
    return Gate(ABSENCE, PASSED, Reason("absence_within", params))


def task_reason(task: Task, course: str = "") -> Reason:
    params = {"title": task.title, "due": task.due_on}
    if not task.required:
        params["optional"] = "1"
    if course:
        params["course"] = course
    return Reason(f"task_{task.state}", params)


def coursework(tasks: Sequence[Task], course: str = "") -> Gate:
    """RULES D2: required work missing fails — only once its due date has passed (缺交); before it
    the work is 待提交, and work handed in but not graded is 待评分, neither of them missing."""
    extra = {"course": course} if course else {}
    items = tuple(task_reason(task, course) for task in tasks)
    required = [task for task in tasks if task.required]
    missing = [task for task in required if task.state == MISSING]
    if missing:
        return Gate(COURSEWORK, FAILED, Reason("work_missing", {"titles": _titles(missing), **extra}), items)
    to_submit = [task for task in required if task.state == TO_SUBMIT]
    if to_submit:
        reason = Reason(WORK_TO_SUBMIT, {"titles": _titles(to_submit), **extra})
        return Gate(COURSEWORK, PENDING, reason, items)
    if not required:
        return Gate(COURSEWORK, PASSED, Reason("work_none", extra), items)
    return Gate(COURSEWORK, PASSED, Reason("work_complete", {"count": str(len(required)), **extra}), items)


@dataclass(frozen=True)
class CourseOutcome:
    """Where one course stands: passed, failed or pending, and why (reasons naming the course)."""

    id: int
    name: str
    required: bool
    state: str
    reasons: tuple[Reason, ...] = ()


def course(
    *,
    id: int,
    name: str,
    required: bool,
    statuses: Sequence[str],
    tasks: Sequence[Task],
    low: Decimal | None,
    high: Decimal | None,
    rules: S.HardRules,
    pass_mark: Decimal,
) -> CourseOutcome:
    """An assessed course passes when its own lessons keep within the absence limit, none of its
    required work is missing (when the scheme requires work) and its coursework average — between
    `low` and `high` while some is still to come — reaches the pass mark."""
    checks: list[Gate] = []
    attendance = absence(statuses, rules, name) if statuses else None
    if attendance is not None:
        checks.append(attendance)
    if rules.required_work and tasks:
        checks.append(coursework(tasks, name))
    if low is not None and high is not None:
        if high < pass_mark:
            score = one(high) if low == high else f"≤ {one(high)}"
            reason = Reason(
                "course_below_pass_mark", {"course": name, "score": score, "pass_mark": str(pass_mark)}
            )
            checks.append(Gate(PASS_MARK, FAILED, reason))
        elif low < pass_mark:
            checks.append(Gate(PASS_MARK, PENDING, Reason("course_score_pending", {"course": name})))
    state = _worst(gate.state for gate in checks)
    return CourseOutcome(id, name, required, state, tuple(g.reason for g in checks if g.state != PASSED))


def required_courses(outcomes: Sequence[CourseOutcome]) -> Gate:
    """RULES E1, C10: every required course passed."""
    chosen = [outcome for outcome in outcomes if outcome.required]
    failed = [outcome for outcome in chosen if outcome.state == FAILED]
    pending = [outcome for outcome in chosen if outcome.state == PENDING]
    items = tuple(
        reason
        for outcome in chosen
        for reason in (outcome.reasons or (Reason("course_passed", {"course": outcome.name}),))
    )
    if failed:
        return Gate(REQUIRED_COURSES, FAILED, Reason("course_failed", {"course": _names(failed)}), items)
    if pending:
        return Gate(REQUIRED_COURSES, PENDING, Reason("courses_pending", {"courses": _names(pending)}), items)
    if not chosen:
        return Gate(REQUIRED_COURSES, PASSED, Reason("courses_none"), items)
    return Gate(REQUIRED_COURSES, PASSED, Reason("courses_passed", {"courses": _names(chosen)}), items)


def _names(outcomes: Sequence[CourseOutcome]) -> str:
    return "、".join(outcome.name for outcome in outcomes)


def exam_minimum(score: Decimal | None, minimum: Decimal) -> Gate:
    """RULES D8: an exam below the minimum fails; no exam score yet is pending."""
    params = {"minimum": str(minimum)}
    if score is None:
        return Gate(EXAM_MINIMUM, PENDING, Reason("exam_pending", params))
    params["score"] = str(score)
    if score < minimum:
        return Gate(EXAM_MINIMUM, FAILED, Reason("exam_below_minimum", params))
    return Gate(EXAM_MINIMUM, PASSED, Reason("exam_at_least", params))


def online_minimum(minutes: int | None, minimum: int) -> Gate:
    """RULES D3: online learning below the minimum fails; nothing imported yet is pending."""
    params = {"minimum": str(minimum)}
    if minutes is None:
        return Gate(ONLINE_MINIMUM, PENDING, Reason("online_pending", params))
    params["minutes"] = str(minutes)
    if minutes < minimum:
        return Gate(ONLINE_MINIMUM, FAILED, Reason("online_below_minimum", params))
    return Gate(ONLINE_MINIMUM, PASSED, Reason("online_at_least", params))


def pass_mark(total: Decimal | None, low: Decimal, high: Decimal, mark: Decimal) -> Gate:
    """The total against the pass mark. While inputs are still to come the total lies between
    `low` (all of them zero, every unmarked lesson missed) and `high` (full marks): below the mark
    even at best fails, at the mark even at worst passes, anything else is pending."""
    params = {"pass_mark": str(mark)}
    if total is not None:
        params["total"] = str(total)
    if total is not None and low == high:
        if total < mark:
            return Gate(PASS_MARK, FAILED, Reason("below_pass_mark", params))
        return Gate(PASS_MARK, PASSED, Reason("total_at_least", params))
    if high < mark:
        return Gate(PASS_MARK, FAILED, Reason("below_pass_mark_at_best", {**params, "best": one(high)}))
    if low >= mark:
        return Gate(PASS_MARK, PASSED, Reason("pass_mark_assured", {**params, "least": one(low)}))
    return Gate(PASS_MARK, PENDING, Reason("total_pending", params))


def ethics(vetoed: bool, year: int | None = None) -> Gate:
    """RULES D10: a failed ethics review in the project's year blocks 优秀学员, not the pass."""
    params = {"year": str(year)} if year is not None else {}
    if vetoed:
        return Gate(ETHICS, FAILED, Reason("ethics_vetoed", params), award_only=True)
    return Gate(ETHICS, PASSED, Reason("ethics_clear", params), award_only=True)


# --- The result ---------------------------------------------------------------------------------


def _worst(states: Iterable[str]) -> str:
    seen = set(states)
    if FAILED in seen:
        return FAILED
    if PENDING in seen:
        return PENDING
    return PASSED


def waiting(unmarked: int, tasks: Sequence[Task], missing_scores: Sequence[str]) -> tuple[Reason, ...]:
    """What a result still waits for, in words: lessons not marked, work to grade, work to hand in
    before its due date, scores not entered (component labels)."""
    found: list[Reason] = []
    if unmarked:
        found.append(Reason(LESSONS_UNMARKED, {"count": str(unmarked)}))
    to_grade = [task for task in tasks if task.state == TO_GRADE]
    if to_grade:
        found.append(Reason(WORK_TO_GRADE, {"titles": _titles(to_grade), "count": str(len(to_grade))}))
    to_submit = [task for task in tasks if task.state == TO_SUBMIT]
    if to_submit:
        found.append(Reason(WORK_TO_SUBMIT, {"titles": _titles(to_submit), "count": str(len(to_submit))}))
    if missing_scores:
        found.append(
            Reason(SCORE_MISSING, {"labels": "、".join(missing_scores), "count": str(len(missing_scores))})
        )
    return tuple(found)


def status_of(gates: Sequence[Gate], still_to_come: Sequence[Reason]) -> str:
    """failed when a gate of the pass has failed; provisional while a gate is pending or anything
    is still to come; passed otherwise."""
    state = _worst([gate.state for gate in gates if not gate.award_only])
    if state == FAILED:
        return FAILED
    if state == PENDING or still_to_come:
        return PROVISIONAL
    return PASSED


def attendance_note(statuses: Sequence[str], rules: S.HardRules, weight_share: Decimal) -> Reason | None:
    """How the attendance score came about, and what leave did to it: the rate is the lessons
    attended over the lessons held (official leave attended). Personal and sick leave are lessons
    not attended — each costs 100 ÷ lessons held points of the attendance score, and that times
    the component's share of the total — unless the scheme excuses leave (those lessons are left
    out). `weight_share` is the attendance component's share of the total (0.2 for 20 %)."""
    tally = A.Tally.of(statuses, len(statuses))
    if not tally.marked:
        return None
    leave_counts = rules.leave_counts_as_absence
    counted = tally.counted(leave_counts)
    leave = tally.leave_personal + tally.leave_sick
    per_lesson = HUNDRED / counted if counted else Decimal(0)
    params = {
        "rate": str(tally.rate(leave_counts)),
        "held": str(tally.marked),
        "counted": str(counted),
        "attended": str(tally.attended),
        "absent": str(tally.absent),
        "leave": str(leave),
        "official": str(tally.leave_official),
        "per_lesson": one(per_lesson),
        "per_total": one(per_lesson * weight_share),
        "weight": percent(weight_share * HUNDRED),
    }
    if not leave:
        return Reason("attendance_plain", params)
    if leave_counts:
        params["lost"] = one(per_lesson * leave)
        params["lost_total"] = one(per_lesson * leave * weight_share)
        return Reason("attendance_leave_counts", params)
    return Reason("attendance_leave_excused", params)


# --- The rules as written, for the scheme page --------------------------------------------------


def rules_of(scheme: S.Scheme) -> tuple[Reason, ...]:
    """Every gate the scheme can fail a trainee by, and how leave and missing inputs are treated,
    as reasons to word on the scheme page."""
    rules = scheme.hard_rules
    found: list[Reason] = []
    leave = "1" if rules.leave_counts_as_absence else "0"
    if rules.absence_share is not None:
        found.append(Reason("rule_absence", {"share": str(rules.absence_share), "leave": leave}))
    if any(component.source == S.ATTENDANCE for component in scheme.components):
        attendance = next(c for c in scheme.components if c.source == S.ATTENDANCE)
        found.append(Reason("rule_leave_score", {"leave": leave, "weight": percent(attendance.weight)}))
    if rules.required_work:
        found.append(Reason("rule_work"))
    if rules.required_courses:
        share = str(rules.absence_share) if rules.absence_share is not None else ""
        found.append(
            Reason(
                "rule_courses",
                {
                    "pass_mark": str(scheme.pass_mark),
                    "share": share,
                    "work": "1" if rules.required_work else "0",
                },
            )
        )
    if rules.min_exam_score is not None:
        found.append(Reason("rule_exam_minimum", {"minimum": str(rules.min_exam_score)}))
    if rules.min_online_minutes is not None:
        found.append(Reason("rule_online_minimum", {"minimum": str(rules.min_online_minutes)}))
    found.append(Reason("rule_pass_mark", {"pass_mark": str(scheme.pass_mark)}))
    found.append(Reason("rule_ethics"))
    found.append(Reason("rule_provisional"))
    return tuple(found)
