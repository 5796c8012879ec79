"""A trainee's result under a scheme (no Django): each component's score, the weighted total, the
hard rules, each course's outcome, pass or fail with the reasons, and the hours passing grants.

`evaluate(scheme, facts)` is a pure function of the scheme and what happened — attendance marks,
coursework, imported outside results, manual scores — so a result can be recomputed the moment an
input changes and always says why (RULES D1–D8, A11).

Reasons are codes with parameters (course and task names), worded in the reader's language by the
app (peixun.assessment.wording).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from peixun.assessment.rules import scheme as S
from peixun.delivery.rules import attendance as A

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Mark:
    """One lesson of this trainee, held or still to come (cancelled lessons are left out): its
    course (None for project-wide) and the status ('' while not marked)."""

    course_id: int | None
    status: str


@dataclass(frozen=True)
class Work:
    """One coursework task for this trainee: whether it counts as submitted (in time or accepted
    late, long enough), its graded score as a percentage of the task's maximum (None until
    graded), and whether it is still open (work not yet due is not missing yet)."""

    title: str
    required: bool
    submitted: bool
    percent: Decimal | None = None
    course_id: int | None = None
    open: bool = False  # not due yet: not handed in is not missing yet

    @property
    def missing(self) -> bool:
        return self.required and not self.submitted and not self.open


@dataclass(frozen=True)
class CourseInfo:
    id: int
    name: str
    required: bool
    assessed: bool
    hours: Decimal


@dataclass(frozen=True)
class Facts:
    marks: tuple[Mark, ...] = ()
    work: tuple[Work, ...] = ()
    online_minutes: int | None = None
    discussions: int | None = None
    exam: Decimal | None = None
    manual: Mapping[str, Decimal] = field(default_factory=dict)
    courses: tuple[CourseInfo, ...] = ()
    project_hours: Decimal = Decimal(0)


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    components: Mapping[str, Decimal | None]
    total: Decimal
    passed: bool
    reasons: tuple[Reason, ...]
    attendance_rate: Decimal
    coursework: Decimal | None
    courses: Mapping[int, bool]
    pending: tuple[str, ...]  # component keys still waiting for an input
    band_value: Decimal | None
    hours: tuple[tuple[int | None, Decimal], ...]  # (course id or None for the project, hours)

    @property
    def hours_total(self) -> Decimal:
        return sum((hours for _course, hours in self.hours), Decimal(0))


def _q(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, ROUND_HALF_UP)


def _ratio(value: Decimal, scale: Decimal) -> Decimal:
    return min(HUNDRED, max(Decimal(0), value * HUNDRED / scale))


def _average(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


OK = "ok"
PENDING = "pending"
NOT_APPLICABLE = "n/a"


def coursework_score(work: tuple[Work, ...], which: str) -> tuple[Decimal | None, str]:
    """(score, state) of the tasks `which` selects. A required task not submitted counts 0; an
    optional one counts once submitted (none done of the optional extension counts 0); a
    submitted task not yet graded leaves the score pending. Without any such task the component
    does not apply."""
    chosen = [
        w
        for w in work
        if which == S.COURSEWORK
        or (which == S.COURSEWORK_REQUIRED and w.required)
        or (which == S.COURSEWORK_OPTIONAL and not w.required)
    ]
    if not chosen:
        return None, NOT_APPLICABLE
    values: list[Decimal] = []
    pending = False
    for task in chosen:
        if not task.submitted:
            if task.missing:
                values.append(Decimal(0))
            elif task.required:
                pending = True
            continue
        if task.percent is None:
            pending = True
            continue
        values.append(task.percent)
    if pending:
        return _average(values), PENDING
    if not values:
        return (Decimal(0), OK) if which == S.COURSEWORK_OPTIONAL else (None, NOT_APPLICABLE)
    return _average(values), OK


def _given(raw: Decimal | None, scale: Decimal) -> tuple[Decimal | None, str, Decimal | None]:
    return (_ratio(raw, scale), OK, raw) if raw is not None else (None, PENDING, None)


def _component(
    component: S.Component, facts: Facts, rate: Decimal
) -> tuple[Decimal | None, str, Decimal | None]:
    """(score 0–100, state, raw value on the component's own scale). A pending input counts 0
    until it comes; a component with nothing to assess in the project (no lessons, no tasks)
    does not apply and its weight goes to the others."""
    source = component.source
    if source == S.ATTENDANCE:
        return (rate, OK, rate) if facts.marks else (None, NOT_APPLICABLE, None)
    if source in (S.COURSEWORK, S.COURSEWORK_REQUIRED, S.COURSEWORK_OPTIONAL):
        score, state = coursework_score(facts.work, source)
        return score, state, score
    if source == S.EXAM:
        return _given(
            facts.exam if facts.exam is not None else facts.manual.get(component.key), component.max
        )
    if source == S.ONLINE_TIME:
        minutes = Decimal(facts.online_minutes) if facts.online_minutes is not None else None
        return _given(minutes, component.target or HUNDRED)
    if source == S.DISCUSSION:
        posts = Decimal(facts.discussions) if facts.discussions is not None else None
        return _given(posts, component.target or HUNDRED)
    return _given(facts.manual.get(component.key), component.max)


def _absence_reason(marks: list[Mark], planned: int, rules: S.HardRules, course: str = "") -> Reason | None:
    share = rules.absence_share
    if share is None or planned <= 0:
        return None
    tally = A.Tally.of((m.status for m in marks), planned)
    absences = tally.absences(rules.leave_counts_as_absence)
    if A.over_limit(absences, planned, share):
        params = {"absences": str(absences), "planned": str(planned), "share": str(share)}
        if course:
            params["course"] = course
        return Reason("absent_over_limit", params)
    return None


def _course_outcomes(scheme: S.Scheme, facts: Facts) -> tuple[dict[int, bool], list[Reason]]:
    outcomes: dict[int, bool] = {}
    reasons: list[Reason] = []
    for course in facts.courses:
        if not course.assessed:
            outcomes[course.id] = True
            continue
        marks = [m for m in facts.marks if m.course_id == course.id]
        failed = _absence_reason(marks, len(marks), scheme.hard_rules, course.name) is not None
        work = tuple(w for w in facts.work if w.course_id == course.id)
        if scheme.hard_rules.required_work and any(w.missing for w in work):
            failed = True
        score, state = coursework_score(work, S.COURSEWORK)
        if state == OK and score is not None and score < scheme.pass_mark:
            failed = True
        outcomes[course.id] = not failed
        if failed and course.required and scheme.hard_rules.required_courses:
            reasons.append(Reason("course_failed", {"course": course.name}))
    return outcomes, reasons


def _round_down_half(hours: Decimal) -> Decimal:
    return (hours * 2).to_integral_value(ROUND_DOWN) / 2


def grant(
    scheme: S.Scheme, facts: Facts, passed: bool, courses: Mapping[int, bool], rate: Decimal
) -> tuple[tuple[int | None, Decimal], ...]:
    """The hours passing grants: nothing on a fail (RULES A11), else the project's hours or each
    passed course's, prorated by attendance if the scheme says so."""
    if not passed:
        return ()
    factor = rate / HUNDRED if scheme.hours.prorate == "attendance" else Decimal(1)
    if scheme.hours.mode == "project":
        hours = _round_down_half(facts.project_hours * factor)
        return ((None, hours),) if hours > 0 else ()
    granted: list[tuple[int | None, Decimal]] = []
    for course in facts.courses:
        if courses.get(course.id):
            hours = _round_down_half(course.hours * factor)
            if hours > 0:
                granted.append((course.id, hours))
    return tuple(granted)


def evaluate(scheme: S.Scheme, facts: Facts) -> Outcome:
    marks = list(facts.marks)
    tally = A.Tally.of((m.status for m in marks), len(marks))
    rate = tally.rate()
    components: dict[str, Decimal | None] = {}
    raws: dict[str, Decimal | None] = {}
    pending: list[str] = []
    weighted = Decimal(0)
    weights = Decimal(0)
    for component in scheme.components:
        score, state, raw = _component(component, facts, rate)
        components[component.key] = _q(score) if score is not None else None
        raws[component.key] = raw
        if state == NOT_APPLICABLE:
            continue
        if state == PENDING:
            pending.append(component.key)
        weights += component.weight
        weighted += (score or Decimal(0)) * component.weight
    total = weighted / weights if weights else Decimal(0)
    total = _q(total)

    reasons: list[Reason] = []
    rules = scheme.hard_rules
    absence = _absence_reason(marks, len(marks), rules)
    if absence is not None:
        reasons.append(absence)
    if rules.required_work:
        missing = [w.title for w in facts.work if w.missing]
        if missing:
            reasons.append(Reason("work_missing", {"titles": "、".join(missing)}))
    courses, course_reasons = _course_outcomes(scheme, facts)
    reasons.extend(course_reasons)
    exam_component = next((c for c in scheme.components if c.source == S.EXAM), None)
    exam_raw = (
        facts.exam if facts.exam is not None else (raws.get(exam_component.key) if exam_component else None)
    )
    if rules.min_exam_score is not None and (exam_raw is None or exam_raw < rules.min_exam_score):
        reasons.append(
            Reason("exam_below_minimum", {"score": str(exam_raw or 0), "minimum": str(rules.min_exam_score)})
        )
    if rules.min_online_minutes is not None and (facts.online_minutes or 0) < rules.min_online_minutes:
        reasons.append(
            Reason(
                "online_below_minimum",
                {"minutes": str(facts.online_minutes or 0), "minimum": str(rules.min_online_minutes)},
            )
        )
    if total < scheme.pass_mark:
        reasons.append(Reason("below_pass_mark", {"total": str(total), "pass_mark": str(scheme.pass_mark)}))
    passed = not reasons
    coursework, _state = coursework_score(facts.work, S.COURSEWORK)
    band_value = total if scheme.bands.basis == "total" else raws.get(scheme.bands.basis)
    return Outcome(
        components=components,
        total=total,
        passed=passed,
        reasons=tuple(reasons),
        attendance_rate=rate,
        coursework=_q(coursework) if coursework is not None else None,
        courses=courses,
        pending=tuple(pending),
        band_value=band_value,
        hours=grant(scheme, facts, passed, courses, rate),
    )


def tutor_score(scheme: S.Scheme, own: Decimal | None, class_average: Decimal | None) -> Decimal | None:
    """RULES D5: own work and the class average, weighted (None until both are known)."""
    if own is None or class_average is None:
        return None
    weight = scheme.tutor.own_weight
    return _q(own * weight + class_average * (1 - weight))
