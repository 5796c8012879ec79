"""The gates of a result, without a database: each condition that can fail a trainee with its state
(passed / failed / pending) and reason; a result failed as soon as a gate fails for good,
provisional while anything is still to come, passed only when all is in (issue 13, defect 4)."""

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from peixun.assessment.rules import gates, presets, scheme, scoring
from peixun.assessment.rules.scoring import CourseInfo, Facts, Mark, Work
from peixun.delivery.rules.attendance import Tally

HEAD = presets.preset("head-teacher")
DEFAULT = presets.preset("attendance-coursework")
RULES = HEAD.hard_rules
EXCUSED = RULES.model_copy(update={"leave_counts_as_absence": False})


def marks(*statuses, course=None):
    return tuple(Mark(course, status) for status in statuses)


def states(outcome):
    return {gate.code: gate.state for gate in outcome.gates}


# --- The absence limit (RULES D2) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "state", "code", "absences", "leave"),
    [
        (["present"] * 8 + ["absent"] * 4, gates.PASSED, "absence_within", "4", "0"),
        (["present"] * 7 + ["absent"] * 4 + ["leave_personal"], gates.FAILED, "absent_over_limit", "5", "1"),
        (["present"] * 8 + ["leave_sick"] * 4, gates.PASSED, "absence_within", "4", "4"),
        (["present"] * 7 + ["leave_official"] * 5, gates.PASSED, "absence_within", "0", "0"),
        (["present"] * 6 + ["absent"] * 3 + [""] * 3, gates.PENDING, "absence_open", "3", "0"),
        (["present"] * 6 + ["absent"] * 5 + [""], gates.FAILED, "absent_over_limit", "5", "0"),
        ([""] * 12, gates.PENDING, "absence_open", "0", "0"),
        (["present"] * 11 + [""], gates.PASSED, "absence_within", "0", "0"),
    ],
)
def test_leave_is_missed_class_and_the_gate_fails_only_when_nothing_can_change_it(
    statuses, state, code, absences, leave
):
    gate = gates.absence(statuses, RULES)
    assert gate is not None
    assert (gate.state, gate.reason.code) == (state, code)
    assert gate.reason.params["absences"] == absences and gate.reason.params["leave"] == leave
    assert gate.reason.params["limit"] == "4.0" and gate.reason.params["planned"] == "12"


def test_a_scheme_that_excuses_leave_leaves_it_out_of_the_limit_and_the_rate():
    gate = gates.absence(["present"] * 2 + ["leave_personal"] * 4, EXCUSED)
    assert gate is not None and gate.state == gates.PASSED and gate.reason.params["absences"] == "0"
    tally = Tally.of(["present", "present", "absent", "leave_sick"], 4)
    assert tally.rate() == D("50.0") and tally.rate(leave_counts=False) == D("66.7")


def test_without_an_absence_rule_there_is_no_gate():
    assert gates.absence(["absent"] * 3, RULES.model_copy(update={"max_absence_share": None})) is None


# --- Coursework ----------------------------------------------------------------------------------


DUE = datetime(2026, 9, 1, 14, tzinfo=UTC)


@pytest.mark.parametrize(
    ("work", "state", "code"),
    [
        (
            (Work("反思", True, False, open=True, due=DUE, due_on="2026-09-01"),),
            gates.PENDING,
            "work_to_submit",
        ),
        ((Work("反思", True, False),), gates.FAILED, "work_missing"),
        ((Work("反思", True, True),), gates.PASSED, "work_complete"),  # handed in, to grade: not missing
        ((Work("拓展", False, False),), gates.PASSED, "work_none"),
        ((), gates.PASSED, "work_none"),
    ],
)
def test_work_is_missing_only_past_its_due_date(work, state, code):
    gate = gates.coursework(work)
    assert (gate.state, gate.reason.code) == (state, code)
    assert [item.code for item in gate.items] == [f"task_{w.state}" for w in work]


@pytest.mark.parametrize(
    ("work", "expected"),
    [
        (Work("a", True, True, D(80)), gates.GRADED),
        (Work("a", True, True), gates.TO_GRADE),
        (Work("a", True, False, open=True), gates.TO_SUBMIT),
        (Work("a", True, False), gates.MISSING),
        (Work("a", False, False), gates.SKIPPED),
        (Work("a", False, False, open=True), gates.TO_SUBMIT),
    ],
)
def test_each_piece_of_work_has_one_state(work, expected):
    assert work.state == expected


# --- The pass mark, with bounds while inputs are still to come ---------------------------------------


@pytest.mark.parametrize(
    ("total", "low", "high", "state", "code"),
    [
        (D(72), D(72), D(72), gates.PASSED, "total_at_least"),
        (D(55), D(55), D(55), gates.FAILED, "below_pass_mark"),
        (None, D(20), D(55), gates.FAILED, "below_pass_mark_at_best"),
        (None, D(61), D(90), gates.PASSED, "pass_mark_assured"),
        (None, D(30), D(90), gates.PENDING, "total_pending"),
        (D(70), D(50), D(80), gates.PENDING, "total_pending"),  # so far, with lessons not marked
    ],
)
def test_the_pass_mark_fails_only_if_even_full_marks_for_the_rest_stay_below_it(
    total, low, high, state, code
):
    gate = gates.pass_mark(total, low, high, D(60))
    assert (gate.state, gate.reason.code) == (state, code)


# --- The result's status ----------------------------------------------------------------------------


def gate(state, award_only=False):
    return gates.Gate("x", state, gates.Reason("r"), award_only=award_only)


@pytest.mark.parametrize(
    ("found", "waiting", "status"),
    [
        ([gate(gates.PASSED), gate(gates.PASSED)], (), gates.PASSED),
        ([gate(gates.PASSED), gate(gates.PENDING)], (), gates.PROVISIONAL),
        ([gate(gates.FAILED), gate(gates.PENDING)], (gates.Reason("work_to_grade"),), gates.FAILED),
        ([gate(gates.PASSED)], (gates.Reason("lessons_unmarked"),), gates.PROVISIONAL),
        ([gate(gates.PASSED), gate(gates.FAILED, award_only=True)], (), gates.PASSED),
    ],
)
def test_failed_as_soon_as_a_gate_fails_provisional_while_anything_is_to_come(found, waiting, status):
    assert gates.status_of(found, waiting) == status


def test_the_ethics_veto_blocks_awards_only():
    vetoed = gates.ethics(True, 2026)
    assert vetoed.state == gates.FAILED and vetoed.award_only and vetoed.reason.params == {"year": "2026"}
    assert gates.ethics(False).state == gates.PASSED


# --- Whole results -----------------------------------------------------------------------------------


def test_ungraded_work_is_to_grade_with_no_total_and_no_fail():
    facts = Facts(marks=marks("present", "present"), work=(Work("反思", True, True),), manual={"work": D(10)})
    outcome = scoring.evaluate(HEAD, facts)
    # Graded at 0 it would fail (100×.2 + 0×.3 + 10×.5 = 25); graded at 100 it cannot pass either
    # (55): the pass mark has failed for good. With the work at 100 and a better manual score the
    # same ungraded work leaves it open.
    assert outcome.status == gates.FAILED and states(outcome)["pass_mark"] == gates.FAILED
    assert outcome.total is None and outcome.components["coursework"] is None
    open_ = scoring.evaluate(HEAD, Facts(marks=facts.marks, work=facts.work, manual={"work": D(60)}))
    assert open_.status == gates.PROVISIONAL and open_.reasons == () and open_.total is None
    assert [r.code for r in open_.waiting] == ["work_to_grade"] and open_.band_value is None


def test_work_not_yet_due_keeps_the_result_provisional_until_its_due_date():
    work = (Work("学习笔记", True, False, open=True, due=DUE, due_on="2026-09-01"),)
    outcome = scoring.evaluate(HEAD, Facts(marks=marks("present"), work=work, manual={"work": D(90)}))
    assert outcome.status == gates.PROVISIONAL and not outcome.passed and outcome.hours == ()
    assert states(outcome)["coursework"] == gates.PENDING and outcome.recheck_at == DUE
    assert [r.code for r in outcome.waiting] == ["work_to_submit"]
    late = scoring.evaluate(HEAD, Facts(marks=marks("present"), work=(Work("学习笔记", True, False),)))
    assert late.status == gates.FAILED and late.reasons[0].code == "work_missing"


def test_everything_in_and_every_gate_passed_is_a_pass():
    facts = Facts(
        marks=marks(*["present"] * 11, "leave_personal"),
        work=(Work("反思", True, True, D(80)),),
        manual={"work": D(90)},
        project_hours=D(30),
    )
    outcome = scoring.evaluate(HEAD, facts)
    assert outcome.status == gates.PASSED and outcome.passed and outcome.hours == ((None, D(30)),)
    assert [gate.code for gate in outcome.gates] == ["absence", "coursework", "required_courses", "pass_mark"]
    assert all(gate.state == gates.PASSED for gate in outcome.gates)


def test_leave_lowers_the_attendance_score_as_a_missed_lesson_and_the_note_says_by_how_much():
    facts = Facts(
        marks=marks(*["present"] * 11, "leave_personal"),
        work=(Work("反思", True, True, D(80)),),
        manual={"work": D(90)},
    )
    outcome = scoring.evaluate(HEAD, facts)
    assert outcome.attendance_rate == D("91.7")
    (note,) = outcome.notes
    assert note.code == "attendance_leave_counts"
    assert (note.params["per_lesson"], note.params["per_total"], note.params["lost"]) == ("8.3", "1.7", "8.3")
    excused = scheme.parse_scheme(
        presets.preset_text("head-teacher").replace(
            "leave_counts_as_absence: true", "leave_counts_as_absence: false"
        )
    )
    outcome = scoring.evaluate(excused, facts)
    assert outcome.attendance_rate == D("100.0") and outcome.notes[0].code == "attendance_leave_excused"


def test_one_leave_in_a_short_required_course_fails_that_course_and_the_gate_says_so():
    courses = (CourseInfo(1, "家校沟通", True, True, D(6)), CourseInfo(2, "班级管理", True, True, D(18)))
    facts = Facts(
        marks=marks("present", "leave_personal", course=1) + marks(*["present"] * 4, course=2),
        courses=courses,
    )
    outcome = scoring.evaluate(DEFAULT, facts)
    found = {gate.code: gate for gate in outcome.gates}
    assert found["absence"].state == gates.PASSED  # 1 of 6 lessons: within the project's limit
    course_gate = found["required_courses"]
    assert course_gate.state == gates.FAILED and course_gate.reason.params == {"course": "家校沟通"}
    item = course_gate.items[0]
    assert item.code == "absent_over_limit" and item.params["course"] == "家校沟通"
    assert (item.params["leave"], item.params["limit"]) == ("1", "0.7")
    assert outcome.status == gates.FAILED and outcome.courses == {1: False, 2: True}


def test_a_course_waiting_for_grades_is_pending_not_failed():
    courses = (CourseInfo(1, "必修一", True, True, D(10)),)
    facts = Facts(
        marks=marks("present", course=1), work=(Work("作业", True, True, None, 1),), courses=courses
    )
    outcome = scoring.evaluate(DEFAULT, facts)
    assert states(outcome)["required_courses"] == gates.PENDING and outcome.status == gates.PROVISIONAL


def test_minimums_wait_for_their_input():
    remote = presets.preset("remote-all-or-nothing")
    outcome = scoring.evaluate(remote, Facts(discussions=10))
    assert states(outcome)["exam_minimum"] == gates.PENDING
    assert states(outcome)["online_minimum"] == gates.PENDING
    assert outcome.status == gates.PROVISIONAL and outcome.total is None


def test_nothing_to_score_yet_is_provisional_not_a_fail():
    outcome = scoring.evaluate(DEFAULT, Facts())
    assert outcome.status == gates.PROVISIONAL and states(outcome)["pass_mark"] == gates.PENDING


# --- The rules as written ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", presets.codes())
def test_every_preset_states_each_gate_it_can_fail_by(code):
    parsed = presets.preset(code)
    written = [reason.code for reason in gates.rules_of(parsed)]
    rules = parsed.hard_rules
    assert ("rule_absence" in written) is (rules.absence_share is not None)
    assert ("rule_work" in written) is rules.required_work
    assert ("rule_courses" in written) is rules.required_courses
    assert ("rule_exam_minimum" in written) is (rules.min_exam_score is not None)
    assert ("rule_online_minimum" in written) is (rules.min_online_minutes is not None)
    assert {"rule_pass_mark", "rule_ethics", "rule_provisional"} <= set(written)
    has_attendance = any(c.source == "attendance" for c in parsed.components)
    assert ("rule_leave_score" in written) is has_attendance
