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
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from peixun.assessment.rules import gates as G
from peixun.assessment.rules import scheme as S
from peixun.assessment.rules.gates import Gate, Reason
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
    graded), and whether it is still open — its due date has not passed, so not handed in is
    待提交, not missing. `due` (aware) says when it stops being open; `due_on` is its local date
    (ISO) for the wording."""

    title: str
    required: bool
    submitted: bool
    percent: Decimal | None = None
    course_id: int | None = None
    open: bool = False
    due: datetime | None = None
    due_on: str = ""

    @property
    def missing(self) -> bool:
        return self.required and not self.submitted and not self.open

    @property
    def state(self) -> str:
        """graded, to_grade (待评分), to_submit (待提交), missing (缺交) or skipped (optional)."""
        if self.submitted:
            return G.GRADED if self.percent is not None else G.TO_GRADE
        if self.open:
            return G.TO_SUBMIT
        return G.MISSING if self.required else G.SKIPPED


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
class Outcome:
    """A trainee's result. `status` is passed, failed or provisional (gates.status_of); `passed`
    is true for passed alone. `total` is None while a component waits for an input (a number that
    counted the unknown as 0 would mislead). `reasons` are the failed gates' reasons, `waiting`
    what a provisional result still needs, `notes` explanations (the attendance score and leave)."""

    components: Mapping[str, Decimal | None]
    total: Decimal | None
    passed: bool
    reasons: tuple[Reason, ...]
    attendance_rate: Decimal
    coursework: Decimal | None
    courses: Mapping[int, bool]
    pending: tuple[str, ...]  # component keys still waiting for an input
    band_value: Decimal | None
    hours: tuple[tuple[int | None, Decimal], ...]  # (course id or None for the project, hours)
    status: str = G.PROVISIONAL
    gates: tuple[Gate, ...] = ()
    waiting: tuple[Reason, ...] = ()
    notes: tuple[Reason, ...] = ()
    recheck_at: datetime | None = None  # the next due date that turns 待提交 into 缺交

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


@dataclass(frozen=True)
class Part:
    """One component's score (0–100; None while pending or not applicable), its state, the raw
    value on its own scale, and the bounds the score can still reach (`low` with every input still
    to come at zero, `high` at full marks; both the score once everything is in)."""

    score: Decimal | None
    state: str
    raw: Decimal | None
    low: Decimal
    high: Decimal


NOTHING = Part(None, NOT_APPLICABLE, None, Decimal(0), Decimal(0))


def coursework_part(work: tuple[Work, ...], which: str) -> Part:
    """The tasks `which` selects: a required task missing counts 0; an optional one counts once
    handed in (none done of the optional extension counts 0); work handed in and not graded
    (待评分) or not yet due (待提交) leaves the score pending. Without any such task the component
    does not apply."""
    chosen = [
        w
        for w in work
        if which == S.COURSEWORK
        or (which == S.COURSEWORK_REQUIRED and w.required)
        or (which == S.COURSEWORK_OPTIONAL and not w.required)
    ]
    if not chosen:
        return NOTHING
    known: list[Decimal] = []
    open_count = 0
    for task in chosen:
        state = task.state
        if state == G.GRADED and task.percent is not None:
            known.append(task.percent)
        elif state == G.MISSING:
            known.append(Decimal(0))
        elif state in (G.TO_GRADE, G.TO_SUBMIT):
            open_count += 1
    if open_count:
        low = _average(known + [Decimal(0)] * open_count) or Decimal(0)
        high = _average(known + [HUNDRED] * open_count) or Decimal(0)
        return Part(None, PENDING, None, low, high)
    score = _average(known)
    if score is None:
        if which != S.COURSEWORK_OPTIONAL:
            return NOTHING
        score = Decimal(0)
    return Part(score, OK, score, score, score)


def coursework_score(work: tuple[Work, ...], which: str) -> tuple[Decimal | None, str]:
    part = coursework_part(work, which)
    return part.score, part.state


def _given(raw: Decimal | None, scale: Decimal) -> Part:
    if raw is None:
        return Part(None, PENDING, None, Decimal(0), HUNDRED)
    score = _ratio(raw, scale)
    return Part(score, OK, raw, score, score)


def _attendance(marks: list[Mark], rules: S.HardRules) -> tuple[Decimal, Decimal, Decimal]:
    """(rate so far, lowest, highest it can still become as the unmarked lessons are marked)."""
    tally = A.Tally.of((m.status for m in marks), len(marks))
    leave_counts = rules.leave_counts_as_absence
    rate = tally.rate(leave_counts)
    unmarked = len(marks) - tally.marked
    if not unmarked:
        return rate, rate, rate
    counted = tally.counted(leave_counts) + unmarked
    low = Decimal(tally.attended) * HUNDRED / counted
    high = Decimal(tally.attended + unmarked) * HUNDRED / counted
    return rate, low, high


def _component(component: S.Component, facts: Facts, rules: S.HardRules) -> Part:
    """The component's part. A pending input has no score until it comes; a component with nothing
    to assess in the project (no lessons, no tasks) does not apply and its weight goes to the
    others."""
    source = component.source
    if source == S.ATTENDANCE:
        if not facts.marks:
            return NOTHING
        rate, low, high = _attendance(list(facts.marks), rules)
        return Part(rate, OK, rate, low, high)
    if source in (S.COURSEWORK, S.COURSEWORK_REQUIRED, S.COURSEWORK_OPTIONAL):
        return coursework_part(facts.work, source)
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


def _course_outcomes(scheme: S.Scheme, facts: Facts) -> list[G.CourseOutcome]:
    outcomes: list[G.CourseOutcome] = []
    for course in facts.courses:
        if not course.assessed:
            outcomes.append(G.CourseOutcome(course.id, course.name, course.required, G.PASSED))
            continue
        statuses = [m.status for m in facts.marks if m.course_id == course.id]
        work = tuple(w for w in facts.work if w.course_id == course.id)
        part = coursework_part(work, S.COURSEWORK)
        bounds = (part.low, part.high) if part.state != NOT_APPLICABLE else (None, None)
        outcomes.append(
            G.course(
                id=course.id,
                name=course.name,
                required=course.required,
                statuses=statuses,
                tasks=work,
                low=bounds[0],
                high=bounds[1],
                rules=scheme.hard_rules,
                pass_mark=scheme.pass_mark,
            )
        )
    return outcomes


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
    rules = scheme.hard_rules
    marks = list(facts.marks)
    rate, _low, _high = _attendance(marks, rules) if marks else (Decimal(100), Decimal(100), Decimal(100))
    components: dict[str, Decimal | None] = {}
    raws: dict[str, Decimal | None] = {}
    pending: list[str] = []
    missing_scores: list[str] = []
    weighted = low = high = weights = Decimal(0)
    attendance_weight = Decimal(0)
    for component in scheme.components:
        part = _component(component, facts, rules)
        components[component.key] = _q(part.score) if part.score is not None else None
        raws[component.key] = part.raw
        if part.state == NOT_APPLICABLE:
            continue
        if part.state == PENDING:
            pending.append(component.key)
            if component.source not in (S.COURSEWORK, S.COURSEWORK_REQUIRED, S.COURSEWORK_OPTIONAL):
                missing_scores.append(component.label or component.key)
        if component.source == S.ATTENDANCE:
            attendance_weight += component.weight
        weights += component.weight
        weighted += (part.score or Decimal(0)) * component.weight
        low += part.low * component.weight
        high += part.high * component.weight
    total = _q(weighted / weights) if weights and not pending else None
    low = low / weights if weights else Decimal(0)
    high = high / weights if weights else Decimal(0)

    found: list[Gate] = []
    absence = G.absence([m.status for m in marks], rules)
    if absence is not None:
        found.append(absence)
    if rules.required_work:
        found.append(G.coursework(facts.work))
    course_outcomes = _course_outcomes(scheme, facts)
    if rules.required_courses:
        found.append(G.required_courses(course_outcomes))
    exam_component = next((c for c in scheme.components if c.source == S.EXAM), None)
    exam_raw = (
        facts.exam if facts.exam is not None else (raws.get(exam_component.key) if exam_component else None)
    )
    if rules.min_exam_score is not None:
        found.append(G.exam_minimum(exam_raw, rules.min_exam_score))
    if rules.min_online_minutes is not None:
        found.append(G.online_minimum(facts.online_minutes, rules.min_online_minutes))
    if weights:
        found.append(G.pass_mark(total, _q(low), _q(high), scheme.pass_mark))
    else:  # no lesson, no task, no score in the project yet: nothing to add up
        found.append(
            Gate(G.PASS_MARK, G.PENDING, Reason("total_nothing", {"pass_mark": str(scheme.pass_mark)}))
        )

    unmarked = sum(1 for m in marks if not m.status)
    still_to_come = G.waiting(unmarked, facts.work, missing_scores)
    status = G.status_of(found, still_to_come)
    passed = status == G.PASSED
    notes: list[Reason] = []
    if attendance_weight and marks and weights:
        note = G.attendance_note([m.status for m in marks], rules, attendance_weight / weights)
        if note is not None:
            notes.append(note)
    courses = {outcome.id: outcome.state == G.PASSED for outcome in course_outcomes}
    coursework = coursework_part(facts.work, S.COURSEWORK).score
    band_value = total if scheme.bands.basis == "total" else raws.get(scheme.bands.basis)
    due = [w.due for w in facts.work if w.open and not w.submitted and w.due is not None]
    return Outcome(
        components=components,
        total=total,
        passed=passed,
        reasons=tuple(gate.reason for gate in found if gate.state == G.FAILED),
        attendance_rate=rate,
        coursework=_q(coursework) if coursework is not None else None,
        courses=courses,
        pending=tuple(pending),
        band_value=band_value,
        hours=grant(scheme, facts, passed, courses, rate),
        status=status,
        gates=tuple(found),
        waiting=still_to_come,
        notes=tuple(notes),
        recheck_at=min(due) if due else None,
    )


def tutor_score(scheme: S.Scheme, own: Decimal | None, class_average: Decimal | None) -> Decimal | None:
    """RULES D5: own work and the class average, weighted (None until both are known)."""
    if own is None or class_average is None:
        return None
    weight = scheme.tutor.own_weight
    return _q(own * weight + class_average * (1 - weight))
