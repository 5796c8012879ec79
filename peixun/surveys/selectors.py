"""Reads of surveys: rates (RULES F1) for a survey, a project, a project type and trainers,
results per item, response rates per class, and the surveys a trainee has still to answer.

`trainer_satisfaction(person_ids, year)` and `project_satisfaction(project)` are the figures other
apps (the trainer pool) read."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone

from peixun.surveys.models import (
    EligibilityOverride,
    ItemKind,
    Likert,
    Respondent,
    Response,
    Subject,
    Survey,
    SurveySettings,
)
from peixun.surveys.rules import satisfaction
from peixun.surveys.rules.satisfaction import Rate
from peixun.training.models import Enrolment, Project
from peixun.training.models.choices import EnrolmentStatus


def settings_row() -> SurveySettings:
    row, _created = SurveySettings.objects.get_or_create(pk=1)
    return row


def threshold():
    return settings_row().threshold


def _likert_ids(survey: Survey) -> list[str]:
    return [str(item["id"]) for item in survey.items if item["kind"] == ItemKind.LIKERT]


def _rates(surveys: QuerySet[Survey]) -> dict[int, Rate]:
    """Each survey's rate, reading its answers once."""
    surveys_by_id = {s.pk: s for s in surveys}
    if not surveys_by_id:
        return {}
    values: dict[int, list[str]] = defaultdict(list)
    for survey_id, answers in Response.objects.filter(survey_id__in=surveys_by_id).values_list(
        "survey_id", "answers"
    ):
        for item_id in _likert_ids(surveys_by_id[survey_id]):
            value = (answers or {}).get(item_id)
            if isinstance(value, str):
                values[survey_id].append(value)
    return {pk: satisfaction.rate(values[pk], s.top_choices) for pk, s in surveys_by_id.items()}


def survey_rate(survey: Survey) -> Rate:
    return _rates(Survey.objects.filter(pk=survey.pk)).get(survey.pk, Rate())


def project_satisfaction(project: Project) -> Rate:
    """The project's satisfaction: its project surveys' Likert answers together."""
    return sum(_rates(Survey.objects.filter(project=project, subject=Subject.PROJECT)).values(), Rate())


def project_type_satisfaction(project_type: str, year: int) -> Rate:
    surveys = Survey.objects.filter(project__project_type=project_type, year=year, subject=Subject.PROJECT)
    return sum(_rates(surveys).values(), Rate())


def trainer_satisfaction(person_ids, year: int) -> dict[int, Rate]:
    """Each trainer's satisfaction in `year`: their trainer and lesson surveys together; a trainer
    with no answer that year is not in the result (unknown, not zero)."""
    surveys = Survey.objects.filter(trainer_id__in=list(person_ids), year=year).exclude(
        subject=Subject.PROJECT
    )
    by_survey = {s.pk: s.trainer_id for s in surveys}
    result: dict[int, Rate] = {}
    for pk, rate in _rates(surveys).items():
        if rate.answered:
            person_id = by_survey[pk]
            if person_id is None:
                continue
            result[person_id] = result.get(person_id, Rate()) + rate
    return result


def override_exists(*, kind: str, year: int, person_id: int | None = None, project_type: str = "") -> bool:
    query = EligibilityOverride.objects.filter(kind=kind, year=year)
    if person_id is not None:
        query = query.filter(person_id=person_id)
    if project_type:
        query = query.filter(project_type=project_type)
    return query.exists()


def expected(survey: Survey) -> QuerySet[Enrolment]:
    """The trainees who answer a survey: those enrolled in its project (of the lesson's class, for
    a lesson given to one class)."""
    query = Enrolment.objects.filter(project_id=survey.project_id, status=EnrolmentStatus.ENROLLED)
    if survey.lesson is not None and survey.lesson.cohort_id:
        query = query.filter(cohort_id=survey.lesson.cohort_id)
    return query


def response_rates(survey: Survey) -> list[dict]:
    """Per class: trainees expected, answered, and the rate in percent (None for an empty class)."""
    answered = set(Respondent.objects.filter(survey=survey).values_list("person_id", flat=True))
    classes: dict[str, dict] = {}
    for person_id, cohort_name in expected(survey).values_list("person_id", "cohort__name"):
        row = classes.setdefault(cohort_name or "", {"name": cohort_name or "", "expected": 0, "answered": 0})
        row["expected"] += 1
        row["answered"] += person_id in answered
    rows = sorted(classes.values(), key=lambda r: r["name"])
    for row in rows:
        row["percent"] = round(row["answered"] * 100 / row["expected"], 1) if row["expected"] else None
    return rows


def not_answered_people(survey: Survey) -> list[int]:
    answered = Respondent.objects.filter(survey=survey).values("person_id")
    return list(expected(survey).exclude(person_id__in=answered).values_list("person_id", flat=True))


def results(survey: Survey) -> list[dict]:
    """Per item: its question, kind and, for choices, each option's count and share; for open
    answers, the texts (no one's name)."""
    answers = list(Response.objects.filter(survey=survey).values_list("answers", flat=True))
    rows = []
    for item in survey.items:
        key = str(item["id"])
        values = [a.get(key) for a in answers if a.get(key) not in (None, "", [])]
        row = {"item": item, "count": len(values)}
        if item["kind"] == ItemKind.LIKERT:
            row["bars"] = [
                (str(Likert(code).label), count, share)
                for code, count, share in satisfaction.distribution(values, list(satisfaction.LIKERT))
            ]
            row["rate"] = satisfaction.rate([v for v in values if isinstance(v, str)], survey.top_choices)
        elif item["kind"] in (ItemKind.SINGLE, ItemKind.MULTI):
            row["bars"] = satisfaction.distribution(values, list(item.get("options") or []))
        else:
            row["texts"] = [str(v) for v in values]
        rows.append(row)
    return rows


def is_open(survey: Survey, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.opens_on <= today <= survey.closes_on


def open_for(person_id: int | None, project: Project | None = None) -> list[Survey]:
    """The surveys open today that the trainee has still to answer (of one project, if given)."""
    if person_id is None:
        return []
    today = timezone.localdate()
    projects = Enrolment.objects.filter(person_id=person_id, status=EnrolmentStatus.ENROLLED).values(
        "project_id"
    )
    query = Survey.objects.filter(project_id__in=projects, opens_on__lte=today, closes_on__gte=today)
    if project is not None:
        query = query.filter(project=project)
    done = Respondent.objects.filter(person_id=person_id).values("survey_id")
    surveys = list(query.exclude(pk__in=done).select_related("project", "lesson")[:20])
    if not surveys:
        return []
    cohort_of = dict(
        Enrolment.objects.filter(person_id=person_id, status=EnrolmentStatus.ENROLLED).values_list(
            "project_id", "cohort_id"
        )
    )
    return [
        s
        for s in surveys
        if s.lesson is None or not s.lesson.cohort_id or s.lesson.cohort_id == cohort_of.get(s.project_id)
    ]


def answered_counts(surveys: list[Survey]) -> dict[int, int]:
    rows = Respondent.objects.filter(survey__in=surveys).values("survey_id").annotate(n=Count("id"))
    return {row["survey_id"]: row["n"] for row in rows}


def trainer_rows(surveys: QuerySet[Survey]) -> list[dict]:
    """Per trainer (or lesson's teacher) and year: surveys, answers and the rate."""
    surveys = surveys.exclude(subject=Subject.PROJECT)
    rates = _rates(surveys)
    grouped: dict[tuple, dict] = {}
    for s in surveys:
        key = (s.trainer_id or s.trainer_name, s.year)
        row = grouped.setdefault(key, {"name": s.trainer_name, "year": s.year, "surveys": 0, "rate": Rate()})
        row["surveys"] += 1
        row["rate"] = row["rate"] + rates.get(s.pk, Rate())
    return sorted(grouped.values(), key=lambda r: (-r["year"], r["name"]))


def project_rows(surveys: QuerySet[Survey]) -> list[dict]:
    """Per project: its project surveys' rate."""
    surveys = surveys.filter(subject=Subject.PROJECT).select_related("project")
    rates = _rates(surveys)
    grouped: dict[int, dict] = {}
    for s in surveys:
        row = grouped.setdefault(s.project_id, {"project": s.project, "year": s.year, "rate": Rate()})
        row["rate"] = row["rate"] + rates.get(s.pk, Rate())
    return sorted(grouped.values(), key=lambda r: (-r["year"], r["project"].title))


def has_answered(survey: Survey, person_id: int | None) -> bool:
    if not person_id:
        return False
    return Respondent.objects.filter(survey=survey, person_id=person_id).exists()
