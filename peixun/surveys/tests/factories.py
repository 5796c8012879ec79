"""Surveys for the tests: a template, a running project with a class and enrolled trainees, and a
survey open today — written through the services where it matters (answers)."""

from datetime import timedelta

from django.utils import timezone

from peixun.surveys import services
from peixun.surveys.models import ItemKind, Subject, SurveyTemplate, TemplateItem
from peixun.testing.factories import make_project
from peixun.training.models import Cohort, Enrolment


def make_template(org, subject=Subject.PROJECT, name="项目满意度") -> SurveyTemplate:
    template = SurveyTemplate.objects.create(org=org, name=name, subject=subject)
    TemplateItem.objects.create(template=template, order=0, kind=ItemKind.LIKERT, text="总体满意度")
    TemplateItem.objects.create(
        template=template, order=1, kind=ItemKind.SINGLE, text="课程难度", options=["偏难", "适中", "偏易"]
    )
    TemplateItem.objects.create(
        template=template,
        order=2,
        kind=ItemKind.MULTI,
        text="收获",
        options=["理念", "方法", "资源"],
        required=False,
    )
    TemplateItem.objects.create(template=template, order=3, kind=ItemKind.TEXT, text="建议", required=False)
    return template


def running_project(organiser, people, *, cohort_name="第1班", **fields):
    today = timezone.localdate()
    fields = {"starts_on": today - timedelta(days=3), "ends_on": today, **fields}
    project = make_project(organiser, status="running", **fields)
    cohort = Cohort.objects.create(project=project, number=1, name=cohort_name)
    for person in people:
        Enrolment.objects.create(
            project=project, person=person, school=person.org, status="enrolled", source="self", cohort=cohort
        )
    return project, cohort


def open_survey(project, template, actor=None, trainer=None, days=7):
    today = timezone.localdate()
    return services.open_survey(
        project=project,
        template=template,
        opens_on=today,
        closes_on=today + timedelta(days=days),
        trainer=trainer,
        actor=actor,
    )


def answers(survey, likert="5", single="适中", multi=("方法",), text="") -> dict:
    raw = {}
    for item in survey.items:
        key = str(item["id"])
        raw[key] = {"likert": likert, "single": single, "multi": list(multi), "text": text}[item["kind"]]
    return raw
