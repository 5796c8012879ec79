"""Assessment services on the database: results recomputed the moment an input changes, scheme
versions pinned on results, manual and tutors' scores, and excellence from draft through public
notice and objections to final."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from peixun.assessment import services
from peixun.assessment.exceptions import (
    NoticeNotOverError,
    ObjectionNotAllowedError,
    OpenObjectionsError,
    SchemeInvalidError,
    ScoreOutOfRangeError,
    UnknownComponentError,
)
from peixun.assessment.models import ExcellenceRound, Result, TutorResult
from peixun.assessment.rules import presets
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.tests.helpers import lessons_past, running_project
from peixun.testing.factories import make_person
from peixun.training.models import Enrolment, Notice
from peixun.training.services import move_project

pytestmark = pytest.mark.django_db


def test_a_mark_recomputes_the_result_at_once(world):
    running = running_project(world, size=1)
    lessons = lessons_past(running.project, 3)
    enrolment = running.enrolments[0]
    attendance_services.mark(
        lesson=lessons[0], enrolment=enrolment, status="present", actor=world.county_admin
    )
    result = Result.objects.get(enrolment=enrolment)
    # Two lessons are not marked yet: the result is provisional, not a pass.
    assert result.attendance_rate == 100 and result.status == "provisional" and not result.passed
    attendance_services.mark(
        lesson=lessons[1], enrolment=enrolment, status="absent", actor=world.county_admin
    )
    attendance_services.mark(
        lesson=lessons[2], enrolment=enrolment, status="absent", actor=world.county_admin
    )
    result.refresh_from_db()
    assert not result.passed and result.reasons[0]["code"] == "absent_over_limit"


def test_a_grade_recomputes_and_a_new_scheme_version_is_pinned(world):
    running = running_project(world, size=1)
    lessons_past(running.project, 1)
    enrolment = running.enrolments[0]
    assignment = coursework_services.save_assignment(
        project=running.project,
        actor=world.county_admin,
        fields={"title": "反思", "kind": "reflection", "due_at": timezone.now() + timedelta(days=1)},
    )
    submission = coursework_services.submit(
        assignment=assignment, enrolment=enrolment, text="一些体会", actor=world.teacher_user
    )
    coursework_services.grade(submission=submission, score=Decimal(50), comment="", actor=running.tutor_user)
    result = Result.objects.get(enrolment=enrolment)
    assert result.components["coursework"] == "50.0" and result.version.number == 1
    version = services.save_version(
        project=running.project, text=presets.preset_text("head-teacher"), actor=world.county_admin
    )
    result.refresh_from_db()
    assert result.version == version and version.number == 2 and "work" in result.pending


def test_an_invalid_scheme_is_refused_with_its_problems(world):
    running = running_project(world, size=1)
    with pytest.raises(SchemeInvalidError) as refused:
        services.save_version(
            project=running.project, text="name: x\ncomponents: []", actor=world.county_admin
        )
    assert refused.value.problems


def test_manual_scores_are_checked_against_the_component(world):
    running = running_project(world, size=1)
    services.save_version(
        project=running.project, text=presets.preset_text("exam-practice"), actor=world.county_admin
    )
    enrolment = running.enrolments[0]
    with pytest.raises(UnknownComponentError):
        services.set_manual_score(enrolment=enrolment, key="nope", value=Decimal(1), actor=world.county_admin)
    with pytest.raises(ScoreOutOfRangeError):
        services.set_manual_score(
            enrolment=enrolment, key="practice", value=Decimal(21), actor=world.county_admin
        )
    services.set_manual_score(
        enrolment=enrolment, key="practice", value=Decimal(18), actor=world.county_admin
    )
    services.set_manual_score(enrolment=enrolment, key="exam", value=Decimal(90), actor=world.county_admin)
    result = Result.objects.get(enrolment=enrolment)
    assert result.total == Decimal("90.0")  # 90 × .8 + 18/20 × 20
    # 优秀 at most 25 % per school: a school of one has no room for it.
    assert result.band == "good"


def _scored(world, running, scores):
    for enrolment, (exam, practice) in zip(running.enrolments, scores, strict=True):
        services.set_manual_score(
            enrolment=enrolment, key="exam", value=Decimal(exam), actor=world.county_admin
        )
        services.set_manual_score(
            enrolment=enrolment, key="practice", value=Decimal(practice), actor=world.county_admin
        )
    return {r.enrolment_id: r for r in Result.objects.filter(project=running.project)}


def test_d6_practice_bands_alone_a_quarter_of_each_school_equal_practice_by_total(world):
    """RULES D6 on the database: the practice part (out of 20) decides the grade whatever the exam
    gave; 优秀 ≤ 25 % of each school; at the cap, the higher total wins the place."""
    running = running_project(world, size=8)
    other_school = [make_person(world.school_a2, f"二校{i}", section="junior") for i in range(4)]
    running.enrolments.extend(
        Enrolment.objects.create(
            project=running.project, person=person, school=person.org, status="enrolled", source="self"
        )
        for person in other_school
    )
    services.save_version(
        project=running.project, text=presets.preset_text("exam-practice"), actor=world.county_admin
    )
    scores = [
        (30, 19),  # fails overall (30 × .8 + 19 = 43), still graded on practice: 良好 after the cap
        (90, 19),  # 19 and the highest total among the 19s: the school's second place
        (70, 19),  # same practice, lower total: moves down to 良好
        (80, 15),
        (80, 14),
        (80, 12),
        (80, 11),
        (55, 20),  # 64 in all: passes, no exam pass mark
        (60, 18),
        (70, 18),  # the other school's one place: the higher total
        (65, 18),
        (90, 16),
    ]
    results = _scored(world, running, scores)
    bands_by_index = [results[e.pk].band for e in running.enrolments]
    assert bands_by_index == [
        "good",
        "excellent",
        "good",
        "good",
        "pass",
        "pass",
        "fail",
        "excellent",
        "good",
        "excellent",
        "good",
        "good",
    ]
    first = results[running.enrolments[0].pk]
    assert not first.passed and [r["code"] for r in first.reasons] == ["below_pass_mark"]
    assert results[running.enrolments[7].pk].passed


def test_d6_a_failed_trainee_with_the_best_practice_keeps_the_excellent_grade(world):
    running = running_project(world, size=4)
    services.save_version(
        project=running.project, text=presets.preset_text("exam-practice"), actor=world.county_admin
    )
    results = _scored(world, running, [(20, 20), (90, 15), (90, 13), (90, 10)])
    weak_exam = results[running.enrolments[0].pk]
    assert not weak_exam.passed and weak_exam.band == "excellent"


def test_d6_equal_practice_and_total_at_the_cap_go_by_the_public_lottery(world):
    from peixun.assessment.rules import bands
    from peixun.training.rules import lottery

    running = running_project(world, size=8)
    services.save_version(
        project=running.project, text=presets.preset_text("exam-practice"), actor=world.county_admin
    )
    results = _scored(world, running, [(80, 18)] * 8)
    winners = {e.person_id for e in running.enrolments if results[e.pk].band == "excellent"}
    seed = bands.seed_for(running.project.pk)
    drawn = sorted((e.person_id for e in running.enrolments), key=lambda p: lottery.uniform(seed, p))[:2]
    assert winners == set(drawn)
    services.recompute(project=running.project)
    again = {r.enrolment.person_id for r in Result.objects.filter(project=running.project, band="excellent")}
    assert again == winners


def test_the_tutors_score_adds_the_class_average(world):
    running = running_project(world, size=2)
    (lesson,) = lessons_past(running.project, 1)
    for enrolment in running.enrolments:
        attendance_services.mark(
            lesson=lesson, enrolment=enrolment, status="present", actor=world.county_admin
        )
    found = services.set_tutor_score(cohort=running.cohort, own_score=Decimal(80), actor=world.county_admin)
    assert found.class_average == Decimal("100.0") and found.total == Decimal("90.0")
    assert TutorResult.objects.count() == 1


def excellence_ready(world, size=10):
    running = running_project(world, size=size)
    services.save_version(
        project=running.project, text=presets.preset_text("head-teacher"), actor=world.county_admin
    )
    (lesson,) = lessons_past(running.project, 1)
    for index, enrolment in enumerate(running.enrolments):
        status = "present" if index < size - 1 else "absent"
        attendance_services.mark(lesson=lesson, enrolment=enrolment, status=status, actor=world.county_admin)
        services.set_manual_score(
            enrolment=enrolment, key="work", value=Decimal(60 + 4 * index), actor=world.county_admin
        )
    move_project(project=running.project, action="assess", actor=world.county_admin)
    running.project.refresh_from_db()
    return running


def test_excellence_from_draft_to_notice_to_final_with_an_objection(world):
    running = excellence_ready(world, size=10)
    project = running.project
    round_ = services.draft_excellence(project=project, actor=world.county_admin, share=Decimal("0.2"))
    selected = round_.selected_ids()
    assert len(selected) == 2  # 20 % of the 9 who passed, rounded half up
    round_ = services.publish_excellence(project=project, actor=world.county_admin)
    assert round_.status == "notice" and round_.notice_ends_at > timezone.now()
    with pytest.raises(ObjectionNotAllowedError):
        services.raise_objection(
            round=round_, enrolment_id=running.enrolments[-1].pk, text="不在名单上", actor=world.teacher_user
        )
    objection = services.raise_objection(
        round=round_, enrolment_id=selected[0], text="该学员作业抄袭", actor=world.teacher_user
    )
    assert Notice.objects.filter(kind="objection_raised").exists()
    with pytest.raises(NoticeNotOverError):
        services.finalise_excellence(project=project, actor=world.county_admin)
    later = timezone.now() + timedelta(days=6)
    with pytest.raises(OpenObjectionsError):
        services.finalise_excellence(project=project, actor=world.county_admin, now=later)
    services.decide_objection(
        objection=objection, actor=world.county_admin, uphold=True, response="经核实属实"
    )
    final = services.finalise_excellence(project=project, actor=world.county_admin, now=later)
    assert final.status == "final" and final.selected_ids() == selected[1:]
    assert list(Result.objects.filter(excellent=True).values_list("enrolment_id", flat=True)) == selected[1:]


def test_a_veto_recorded_during_the_notice_keeps_the_trainee_off_the_final_list(world):
    running = excellence_ready(world, size=10)
    project = running.project
    services.draft_excellence(project=project, actor=world.county_admin, share=Decimal("0.2"))
    round_ = services.publish_excellence(project=project, actor=world.county_admin)
    vetoed = round_.selected_ids()[0]
    person = running.enrolments[[e.pk for e in running.enrolments].index(vetoed)].person
    services.record_veto(person=person, year=project.year, reason="师德考核不合格", actor=world.city_admin)
    final = services.finalise_excellence(
        project=project, actor=world.county_admin, now=timezone.now() + timedelta(days=6)
    )
    assert vetoed not in final.selected_ids()
    assert ExcellenceRound.objects.get().ranking[0]["reason"] in ("vetoed", "selected")
