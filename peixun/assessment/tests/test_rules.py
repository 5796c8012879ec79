"""The pure assessment rules (no database): the scheme document and its presets, scoring with the
hard rules (RULES D1–D8), hours granted (A11), grade bands with share caps (D6), excellence
selection with vetoes, ties and school caps (E1, D10), and the tutor's score (D5)."""

from decimal import Decimal as D

import pytest

from peixun.assessment.rules import bands, excellence, presets, scheme, scoring
from peixun.assessment.rules.scoring import CourseInfo, Facts, Mark, Work
from peixun.training.rules import lottery

HEAD = presets.preset("head-teacher")


def marks(*statuses, course=None):
    return tuple(Mark(course, status) for status in statuses)


# --- The scheme document ----------------------------------------------------------------------


@pytest.mark.parametrize("code", presets.codes())
def test_every_preset_is_valid_and_its_weights_add_up_to_100(code):
    parsed = presets.preset(code)
    assert sum(c.weight for c in parsed.components) == 100


@pytest.mark.parametrize(
    ("change", "place"),
    [
        ({"components": [{"key": "a", "source": "attendance", "weight": 50}]}, ""),
        ({"components": [{"key": "a", "source": "nonsense", "weight": 100}]}, "components[0].source"),
        ({"components": [{"key": "a", "source": "online_time", "weight": 100}]}, "components[0]"),
        ({"hard_rules": {"max_absence_share": "one third"}}, "hard_rules.max_absence_share"),
        ({"bands": {"basis": "nope", "levels": [{"code": "x", "label": "x", "min": 0}]}}, ""),
        (
            {
                "bands": {
                    "levels": [{"code": "a", "label": "a", "min": 60}, {"code": "b", "label": "b", "min": 90}]
                }
            },
            "bands.levels",
        ),
    ],
)
def test_a_wrong_scheme_is_refused_with_the_place_and_a_chinese_message(change, place):
    base = {"name": "测试", "components": [{"key": "a", "source": "attendance", "weight": 100}]}
    with pytest.raises(scheme.SchemeInvalid) as refused:
        scheme.parse_scheme({**base, **change})
    places = [p for p, _m in refused.value.problems]
    assert any(p.startswith(place) for p in places), places
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for _p, m in refused.value.problems)


def test_yaml_that_does_not_parse_names_the_line():
    with pytest.raises(scheme.SchemeInvalid) as refused:
        scheme.parse_scheme("name: [unclosed")
    assert "行" in refused.value.problems[0][0]


# --- Scoring and hard rules -------------------------------------------------------------------


def test_d1_weights_attendance_coursework_and_work():
    facts = Facts(
        marks=marks("present", "present", "present", "absent"),  # 75 %
        work=(Work("反思", True, True, D(80)),),
        manual={"work": D(90)},
        project_hours=D(30),
    )
    outcome = scoring.evaluate(HEAD, facts)
    assert outcome.total == D("84.0")  # 75 × .2 + 80 × .3 + 90 × .5
    assert outcome.passed and outcome.hours == ((None, D(30)),)


@pytest.mark.parametrize(
    ("statuses", "passed"),
    [
        (("present", "present", "absent"), True),  # one of three: not more than a third
        (("present", "absent", "absent"), False),
        (("present", "leave_official", "absent"), True),  # official leave counts as present
        (("present", "leave_sick", "absent"), False),  # sick leave counts as absence
    ],
)
def test_d2_absent_from_more_than_a_third_fails_whatever_the_total(statuses, passed):
    facts = Facts(
        marks=marks(*statuses),
        work=(Work("反思", True, True, D(100)),),
        manual={"work": D(100)},
        project_hours=D(30),
    )
    outcome = scoring.evaluate(HEAD, facts)
    assert outcome.passed is passed
    assert ("absent_over_limit" in [r.code for r in outcome.reasons]) is (not passed)


def test_d2_missing_required_work_fails_and_grants_nothing():
    facts = Facts(
        marks=marks("present"),
        work=(Work("案例分析", True, False),),
        manual={"work": D(100)},
        project_hours=D(30),
    )
    outcome = scoring.evaluate(HEAD, facts)
    assert not outcome.passed and outcome.hours == ()
    assert outcome.reasons[0].code == "work_missing" and outcome.reasons[0].params["titles"] == "案例分析"


def test_inputs_still_to_come_count_zero_and_are_named_pending():
    outcome = scoring.evaluate(HEAD, Facts(marks=marks("present"), work=(Work("反思", True, True, None),)))
    assert set(outcome.pending) == {"coursework", "work"}
    assert not outcome.passed


def test_a_component_with_nothing_to_assess_gives_its_weight_to_the_others():
    default = presets.preset("attendance-coursework")
    outcome = scoring.evaluate(default, Facts(marks=marks("present", "present", "absent")))
    assert outcome.components["coursework"] is None and outcome.total == D("66.7")


def test_d6_the_exam_practice_preset_adds_no_exam_pass_mark():
    exam = presets.preset("exam-practice")
    assert exam.hard_rules.min_exam_score is None
    # 55 × .8 + 20/20 × 20 = 64: the seed grades the two parts together and sets no exam mark.
    weak_exam = scoring.evaluate(exam, Facts(exam=D(55), manual={"practice": D(20)}))
    assert weak_exam.passed and weak_exam.total == D("64.0") and weak_exam.reasons == ()
    strong = scoring.evaluate(exam, Facts(exam=D(90), manual={"practice": D(18)}))
    assert strong.passed and strong.total == D("90.0") and strong.band_value == D(18)


def test_d6_the_practice_part_is_banded_out_of_20_as_the_seed_says():
    exam = presets.preset("exam-practice")
    assert exam.bands.basis == "practice" and exam.component("practice").max == 20
    assert [(band.label, band.min) for band in exam.bands.levels] == [
        ("优秀", 18),
        ("良好", 15),
        ("合格", 12),
        ("不合格", 0),
    ]
    (excellent, *others) = exam.bands.levels
    assert (excellent.cap_share, excellent.cap_per) == (D("0.25"), "school")
    assert all(band.cap_share is None for band in others)
    assert exam.bands.tie_break == ("total", "lottery")


def test_the_head_teacher_preset_has_no_capped_band():
    assert HEAD.bands.levels == ()
    assert not any(band.cap_share is not None for band in HEAD.bands.levels)


def test_d3_a11_remote_programme_all_or_nothing():
    remote = presets.preset("remote-all-or-nothing")
    done = Facts(online_minutes=1800, discussions=10, exam=D(80), project_hours=D(60))
    assert scoring.evaluate(remote, done).hours == ((None, D(60)),)
    short = Facts(online_minutes=1000, discussions=10, exam=D(80), project_hours=D(60))
    outcome = scoring.evaluate(remote, short)
    assert (
        not outcome.passed
        and outcome.hours == ()
        and "online_below_minimum" in [r.code for r in outcome.reasons]
    )


def test_d4_required_and_optional_tasks_and_hours_per_course_passed():
    staged = presets.preset("staged-tasks")
    courses = (
        CourseInfo(1, "第一阶段", True, True, D(5)),
        CourseInfo(2, "第二阶段", True, True, D(16)),
        CourseInfo(3, "选修", False, False, D(4)),
    )
    work = (
        Work("任务一", True, True, D(90), 1),
        Work("任务二", True, True, D(70), 2),
        Work("拓展", False, False, None, 2),
    )
    outcome = scoring.evaluate(staged, Facts(work=work, courses=courses))
    assert outcome.components == {"required": D("80.0"), "optional": D("0.0")}
    assert outcome.total == D("64.0") and outcome.passed
    assert outcome.hours == ((1, D(5)), (2, D(16)), (3, D(4)))


def test_a_required_course_failed_fails_the_whole():
    courses = (CourseInfo(1, "必修一", True, True, D(10)),)
    facts = Facts(
        marks=marks("absent", "absent", "present", course=1),
        work=(),
        manual={"work": D(100)},
        courses=courses,
    )
    outcome = scoring.evaluate(HEAD, facts)
    codes = [r.code for r in outcome.reasons]
    assert "course_failed" in codes and outcome.courses == {1: False}


def test_prorated_hours_round_down_to_the_half_hour():
    prorated = scheme.parse_scheme(
        presets.preset_text("attendance-coursework").replace("prorate: none", "prorate: attendance")
    )
    outcome = scoring.evaluate(
        prorated, Facts(marks=marks("present", "present", "absent"), project_hours=D(24))
    )
    assert outcome.hours == ((None, D("16.0")),)


def test_d5_the_tutors_score_weighs_own_work_and_the_class_average():
    assert scoring.tutor_score(HEAD, D(80), D(90)) == D("85.0")
    assert scoring.tutor_score(HEAD, None, D(90)) is None


# --- Grade bands with caps (D6) ------------------------------------------------------------------


LEVELS = presets.preset("exam-practice").bands.levels


def rows(values, school=1):
    return [bands.Row(index, D(value), True, school) for index, value in enumerate(values, start=1)]


def test_excellent_is_at_most_a_quarter_of_a_school_and_the_rest_move_down_a_band():
    assigned = bands.assign(LEVELS, rows([20, 19, 18, 18, 16, 12, 10, 13]))
    assert sorted(assigned.values()).count("excellent") == 2  # floor(25 % of 8)
    assert assigned[1] == "excellent" and assigned[4] == "good"
    assert assigned[7] == "fail" and assigned[6] == "pass"


def test_without_a_tie_break_a_tie_at_the_cap_moves_down_together():
    assigned = bands.assign(LEVELS, rows([20, 19, 19, 19, 15, 14, 13, 12]))
    assert [assigned[i] for i in (1, 2, 3, 4)] == ["excellent", "good", "good", "good"]


def test_caps_count_each_school_on_its_own():
    mixed = rows([20, 20, 20, 20], school=1) + [bands.Row(i, D(20), True, 2) for i in range(5, 9)]
    assigned = bands.assign(LEVELS, mixed)
    # Four equal values per school and one place each: the tie moves down together.
    assert list(assigned.values()).count("excellent") == 0
    assert bands.assign(LEVELS, rows([20, 18, 17, 16]))[1] == "excellent"


def test_over_the_total_a_failed_trainee_gets_the_lowest_band():
    assert bands.assign(LEVELS, [bands.Row(1, D(20), False, 1)]) == {1: "fail"}


def test_d6_the_practice_band_ignores_the_exam_and_the_overall_result():
    """A trainee who failed overall (a weak exam) keeps the band their practice score earns."""
    school = [bands.Row(1, D(19), False, 1), *[bands.Row(i, D(12), True, 1) for i in range(2, 9)]]
    assigned = bands.assign(LEVELS, school, alone=True)
    assert assigned[1] == "excellent" and assigned[2] == "pass"
    assert bands.assign(LEVELS, [bands.Row(1, D(11), True, 1)], alone=True) == {1: "fail"}


def test_a_practice_score_not_given_yet_gives_no_band():
    assigned = bands.assign(LEVELS, [bands.Row(1, None, False, 1), bands.Row(2, D(16), True, 1)], alone=True)
    assert assigned == {2: "good"}


def ranked_rows(practice_and_totals, school=1, first=1):
    return [
        bands.Row(index, D(practice), True, school, total=D(total), person=100 + index)
        for index, (practice, total) in enumerate(practice_and_totals, start=first)
    ]


def test_d6_at_most_a_quarter_of_each_school_and_equal_practice_goes_by_the_total():
    # Eight trainees, two places; three share 19 behind a 20: the higher total takes the place.
    school = ranked_rows([(20, 90), (19, 70), (19, 88), (19, 80), (15, 75), (14, 70), (13, 60), (10, 50)])
    assigned = bands.assign(LEVELS, school, alone=True, tie_break=("total", "lottery"), seed="band-1")
    assert [i for i, code in assigned.items() if code == "excellent"] == [1, 3]
    assert (assigned[2], assigned[4]) == ("good", "good")
    # Another school of four has its own single place.
    other = ranked_rows([(18, 80), (18, 81), (17, 90), (12, 60)], school=2, first=9)
    both = bands.assign(LEVELS, school + other, alone=True, tie_break=("total", "lottery"), seed="band-1")
    assert [i for i, code in both.items() if code == "excellent"] == [1, 3, 10]


def test_equal_on_practice_and_total_the_public_lottery_decides_reproducibly():
    equal = ranked_rows([(20, 80)] * 8)
    draw = bands.assign(LEVELS, equal, alone=True, tie_break=("total", "lottery"), seed="band-7")
    winners = sorted(i for i, code in draw.items() if code == "excellent")
    assert len(winners) == 2  # floor(25 % of 8): never more, never fewer
    # Anyone can re-run it: the draw numbers of ADR 0022, smallest first, whatever the row order.
    expected = sorted(
        sorted(equal, key=lambda r: lottery.uniform("band-7", r.person))[:2], key=lambda r: r.id
    )
    assert winners == [row.id for row in expected]
    again = bands.assign(
        LEVELS, list(reversed(equal)), alone=True, tie_break=("total", "lottery"), seed="band-7"
    )
    assert again == draw
    # Without the lottery, those still equal at the cut move down together.
    stated = bands.assign(LEVELS, equal, alone=True, tie_break=("total",), seed="band-7")
    assert "excellent" not in stated.values()


@pytest.mark.parametrize(
    ("tie_break", "message"),
    [(["nope"], "tie_break"), (["lottery", "total"], "最后"), (["total", "total"], "重复")],
)
def test_a_tie_break_naming_something_unknown_or_out_of_order_is_refused(tie_break, message):
    text = presets.preset_text("exam-practice").replace(
        "tie_break: [total, lottery]", f"tie_break: [{', '.join(tie_break)}]"
    )
    with pytest.raises(scheme.SchemeInvalid) as refused:
        scheme.parse_scheme(text)
    assert any(message in m for _p, m in refused.value.problems), refused.value.problems
    assert scheme.parse_scheme(text.replace(f"tie_break: [{', '.join(tie_break)}]", "tie_break: [exam]"))


def test_outdated_names_what_an_earlier_preset_text_carried():
    old_exam = scheme.parse_scheme(
        presets.preset_text("exam-practice").replace(
            "required_courses: true", "required_courses: true\n  min_exam_score: 60"
        )
    )
    assert presets.outdated("exam-practice", old_exam) == (presets.EXAM_MINIMUM,)
    assert presets.outdated("exam-practice", presets.preset("exam-practice")) == ()
    old_head = scheme.parse_scheme(
        presets.preset_text("head-teacher")
        + "bands:\n  levels:\n    - {code: excellent, label: 优秀, min: 90, cap_share: 0.25}\n"
        + "    - {code: fail, label: 不合格, min: 0}\n"
    )
    assert presets.outdated("head-teacher", old_head) == (presets.CAPPED_BAND,)
    assert presets.outdated("", old_head) == ()


# --- Excellence (E1, D10) ------------------------------------------------------------------------


def candidate(id, total, attendance=100, coursework=90, school=1, passed=True, vetoed=False):
    return excellence.Candidate(id, D(total), D(attendance), D(coursework), school, passed, vetoed)


def chosen(ranked):
    return [r.id for r in ranked if r.selected]


def test_ten_percent_of_the_eligible_ranked_by_total_then_attendance_then_coursework():
    people = [candidate(i, 80 + i) for i in range(1, 19)] + [
        candidate(20, 99, attendance=90),
        candidate(21, 99, attendance=95),
    ]
    ranked = excellence.select(people, D("0.10"))
    assert chosen(ranked) == [21, 20]  # 10 % of 21, rounded half up, is 2


def test_a_vetoed_or_failing_trainee_is_never_chosen():
    ranked = excellence.select(
        [candidate(1, 99, vetoed=True), candidate(2, 98, passed=False), candidate(3, 70)], D("0.5")
    )
    assert chosen(ranked) == [3]
    reasons = {r.id: r.reason for r in ranked}
    assert reasons[1] == excellence.VETOED and reasons[2] == excellence.NOT_PASSED


@pytest.mark.parametrize(("ties", "expected"), [("include", [1, 2, 3]), ("exclude", [1])])
def test_a_tie_at_the_cut_is_taken_whole_or_left_out_whole(ties, expected):
    people = [candidate(1, 95), candidate(2, 90), candidate(3, 90)] + [candidate(i, 60) for i in range(4, 21)]
    assert chosen(excellence.select(people, D("0.10"), ties=ties)) == expected


def test_a_school_cap_passes_over_to_the_next_school():
    people = [
        candidate(1, 99, school=1),
        candidate(2, 98, school=1),
        candidate(3, 97, school=1),
        candidate(4, 90, school=2),
    ]
    people += [candidate(i, 50, school=2) for i in range(5, 9)] + [
        candidate(i, 50, school=1) for i in range(9, 13)
    ]
    ranked = excellence.select(people, D("0.25"), cap_per_school=D("0.2"))
    assert chosen(ranked) == [1, 4]  # 3 places; school 1 may take 1 of its 7 (20 %, at least one)
    assert {r.id: r.reason for r in ranked}[2] == excellence.SCHOOL_CAP


def test_work_not_yet_due_is_pending_rather_than_missing():
    facts = Facts(
        marks=marks("present"),
        work=(Work("学习笔记", True, False, None, None, True),),
        manual={"work": D(90)},
    )
    outcome = scoring.evaluate(HEAD, facts)
    assert "work_missing" not in [r.code for r in outcome.reasons]
    assert "coursework" in outcome.pending
