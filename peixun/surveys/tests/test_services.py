"""Answers once and anonymously, rates per project and trainer, reminders, and next year's
eligibility refusing and the bureau's override (RULES F1)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.surveys import selectors, services
from peixun.surveys.exceptions import (
    AlreadyAnsweredError,
    AnswersMissingError,
    BelowThresholdError,
    NotTraineeError,
)
from peixun.surveys.models import OverrideKind, Respondent, Response, Subject, Survey
from peixun.surveys.tests.factories import answers, make_template, open_survey, running_project
from peixun.testing.factories import make_person, make_project, make_user
from peixun.training.models import Cohort, Notice
from peixun.training.services import cohorts as cohort_services
from peixun.training.services import projects as project_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    people = [world.teacher_a1, world.teacher_a2, world.teacher_b1]
    project, cohort = running_project(world.county_a, people)
    survey = open_survey(project, make_template(world.county_a), actor=world.county_admin)
    return world, project, cohort, survey


def test_a_trainee_answers_once_and_the_answers_table_has_no_person(setup):
    world, _project, _cohort, survey = setup
    services.submit(survey=survey, person=world.teacher_a1, raw=answers(survey), actor=world.teacher_user)
    with pytest.raises(AlreadyAnsweredError):
        services.submit(survey=survey, person=world.teacher_a1, raw=answers(survey, likert="1"), actor=None)
    assert Respondent.objects.filter(survey=survey).count() == 1
    assert Response.objects.filter(survey=survey).count() == 1
    columns = {f.column for f in Response._meta.get_fields() if hasattr(f, "column")}
    assert columns == {"id", "survey_id", "answers"}  # no person, no time: nobody can join them
    assert selectors.survey_rate(survey).percent == 100


def test_required_answers_and_trainees_only(setup):
    world, _project, _cohort, survey = setup
    raw = answers(survey)
    raw[str(survey.items[0]["id"])] = "9"
    with pytest.raises(AnswersMissingError) as error:
        services.submit(survey=survey, person=world.teacher_a2, raw=raw, actor=None)
    assert "总体满意度" in str(error.value)
    with pytest.raises(NotTraineeError):
        services.submit(survey=survey, person=world.teacher_b2, raw=answers(survey), actor=None)
    assert not Respondent.objects.exists()


def test_rate_uses_the_templates_top_answers_and_response_rates_per_class(setup):
    world, _project, _cohort, survey = setup
    for person, likert in ((world.teacher_a1, "5"), (world.teacher_a2, "3")):
        services.submit(survey=survey, person=person, raw=answers(survey, likert=likert), actor=None)
    assert selectors.survey_rate(survey).percent == 50
    survey.top_choices = ["5", "4", "3"]
    survey.save()
    assert selectors.survey_rate(survey).percent == 100
    assert selectors.response_rates(survey) == [
        {"name": "第1班", "expected": 3, "answered": 2, "percent": 66.7}
    ]
    results = selectors.results(survey)
    assert results[1]["bars"][1] == ("适中", 2, 100)


def test_reminder_notifies_only_those_who_have_not_answered(setup):
    world, _project, _cohort, survey = setup
    b1_user = make_user("teacher_b1", person=world.teacher_b1)
    services.submit(survey=survey, person=world.teacher_a1, raw=answers(survey), actor=None)
    sent = services.remind(survey=survey, actor=world.county_admin)
    assert sent == 1
    assert list(Notice.objects.filter(kind="survey_reminder").values_list("user_id", flat=True)) == [
        b1_user.pk
    ]
    assert AuditEvent.objects.filter(action="survey_reminded").exists()


def test_a_closed_survey_refuses(setup):
    world, _project, _cohort, survey = setup
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=timezone.localdate() - timedelta(days=9), closes_on=timezone.localdate() - timedelta(days=1)
    )
    survey.refresh_from_db()
    from peixun.surveys.exceptions import SurveyClosedError

    with pytest.raises(SurveyClosedError):
        services.submit(survey=survey, person=world.teacher_a1, raw=answers(survey), actor=None)


def _last_year_trainer_survey(world, trainer, likert_values):
    last = timezone.localdate().replace(year=timezone.localdate().year - 1)
    trainees = [world.teacher_a1, world.teacher_a2, world.teacher_b1, world.teacher_b2][: len(likert_values)]
    project, _cohort = running_project(world.county_a, trainees, starts_on=last, ends_on=last)
    survey = open_survey(project, make_template(world.county_a, Subject.TRAINER, "讲师"), trainer=trainer)
    for person, likert in zip(trainees, likert_values, strict=True):
        services.submit(survey=survey, person=person, raw=answers(survey, likert=likert), actor=None)
    return project


def test_a_trainer_under_the_threshold_last_year_is_refused_until_the_bureau_overrides(world):
    trainer = make_person(world.school_a2, "孙老师", roles=["backbone"])
    _last_year_trainer_survey(world, trainer, ["5", "4", "3", "2"])  # 50 %
    year = timezone.localdate().year
    assert selectors.trainer_satisfaction([trainer.pk], year - 1)[trainer.pk].percent == 50
    project = make_project(
        world.county_a, status="running", starts_on=date(year, 12, 1), ends_on=date(year, 12, 2)
    )
    cohort = Cohort.objects.create(project=project, number=1, name="一班")
    with pytest.raises(BelowThresholdError) as error:
        cohort_services.set_tutor(cohort=cohort, person=trainer, actor=world.county_admin)
    assert "孙老师" in str(error.value) and "50.0%" in str(error.value) and "80" in str(error.value)
    assert error.value.fix is not None and f"person={trainer.pk}" in str(error.value.fix.url)
    services.grant_override(
        kind=OverrideKind.TRAINER,
        person=trainer,
        year=year,
        reason="该讲师已完成整改培训",
        actor=world.city_admin,
    )
    cohort_services.set_tutor(cohort=cohort, person=trainer, actor=world.county_admin)
    assert Cohort.objects.get(pk=cohort.pk).tutor_id == trainer.pk
    event = AuditEvent.objects.get(action="eligibility_overridden")
    assert event.changes["reason"] == "该讲师已完成整改培训"


def test_the_threshold_is_data(world):
    trainer = make_person(world.school_a2, "钱老师")
    _last_year_trainer_survey(world, trainer, ["5", "5", "5", "3"])  # 75 %
    year = timezone.localdate().year
    project = make_project(
        world.county_a, status="running", starts_on=date(year, 12, 1), ends_on=date(year, 12, 2)
    )
    cohort = Cohort.objects.create(project=project, number=1, name="一班")
    services.save_threshold(threshold=70, actor=world.city_admin)
    cohort_services.set_tutor(cohort=cohort, person=trainer, actor=world.county_admin)
    services.save_threshold(threshold=80, actor=world.city_admin)
    cohort_services.set_tutor(cohort=cohort, person=None, actor=world.county_admin)
    with pytest.raises(BelowThresholdError):
        cohort_services.set_tutor(cohort=cohort, person=trainer, actor=world.county_admin)


def test_a_project_type_under_the_threshold_is_not_approved_next_year_unless_overridden(world):
    last = timezone.localdate().replace(year=timezone.localdate().year - 1)
    last_project, _cohort = running_project(
        world.county_a, [world.teacher_a1, world.teacher_a2], starts_on=last, ends_on=last
    )
    survey = open_survey(last_project, make_template(world.county_a))
    for person, likert in ((world.teacher_a1, "2"), (world.teacher_a2, "5")):
        services.submit(survey=survey, person=person, raw=answers(survey, likert=likert), actor=None)
    year = timezone.localdate().year
    project = make_project(
        world.county_a, status="submitted", starts_on=date(year, 12, 1), ends_on=date(year, 12, 2)
    )
    with pytest.raises(BelowThresholdError) as error:
        project_services.transition_project(project=project, action="approve", actor=world.city_admin)
    assert "50.0%" in str(error.value)
    project.refresh_from_db()
    assert project.status == "submitted"
    services.grant_override(
        kind=OverrideKind.PROJECT_TYPE,
        project_type=project.project_type,
        year=year,
        reason="全员培训为上级规定任务",
        actor=world.city_admin,
    )
    project_services.transition_project(project=project, action="approve", actor=world.city_admin)
    project.refresh_from_db()
    assert project.status == "approved"


def test_the_trainer_pool_and_the_project_summary_read_the_surveys_rates(world):
    """Surveys answer quality's hooks: a trainer's and a project's rate reach the pool and the
    summary; a trainer nobody rated stays unknown."""
    from peixun.quality import selectors as quality_selectors

    project, _cohort = running_project(world.county_a, [world.teacher_a1, world.teacher_a2])
    trainer_survey = open_survey(
        project,
        make_template(world.county_a, subject=Subject.TRAINER, name="授课教师满意度"),
        actor=world.county_admin,
        trainer=world.teacher_b2,
    )
    project_survey = open_survey(project, make_template(world.county_a), actor=world.county_admin)
    for person, likert in ((world.teacher_a1, "5"), (world.teacher_a2, "2")):
        services.submit(
            survey=trainer_survey, person=person, raw=answers(trainer_survey, likert=likert), actor=None
        )
        services.submit(
            survey=project_survey, person=person, raw=answers(project_survey, likert="4"), actor=None
        )
    year = trainer_survey.year
    ratings = quality_selectors.trainer_ratings([world.teacher_b2.pk, world.teacher_b1.pk], year)
    assert set(ratings) == {world.teacher_b2.pk}
    assert ratings[world.teacher_b2.pk].percent == 50
    assert ratings[world.teacher_b2.pk].responses == 2
    assert quality_selectors.project_rating(project).percent == 100
