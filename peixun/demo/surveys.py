"""The demo's satisfaction survey: the running 语文 project has a survey open, answered by most of
its trainees but not by the demo teacher, who finds it on their project page."""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from peixun.surveys import services
from peixun.surveys.models import ItemKind, SurveyTemplate, TemplateItem
from peixun.training.models import Enrolment, Project

ITEMS = [
    (ItemKind.LIKERT, "您对本次培训的总体满意度", []),
    (ItemKind.LIKERT, "课程内容与教学实际的贴合程度", []),
    (ItemKind.LIKERT, "培训组织与服务", []),
    (ItemKind.SINGLE, "课程难度", ["偏难", "适中", "偏易"]),
    (ItemKind.MULTI, "最大的收获", ["教学理念", "教学方法", "课例资源", "同伴交流"]),
    (ItemKind.TEXT, "意见和建议", []),
]
SUGGESTIONS = ["希望多安排课例研讨", "讲座时间可以再紧凑一些", "作业设计专题很实用", ""]


def seed_surveys(*, today: date, seed: int = 2026) -> int:
    """Open the survey and answer it; returns how many answered."""
    rng = random.Random(seed)
    project = Project.objects.filter(status="running", title__contains="单元整体教学").first()
    if project is None:
        return 0
    staff = get_user_model().objects.filter(username__in=["centre", "admin"]).first()
    template = SurveyTemplate.objects.create(
        org=project.organiser, name="培训项目结业满意度调查", created_by=staff
    )
    for order, (kind, text, options) in enumerate(ITEMS):
        TemplateItem.objects.create(
            template=template,
            order=order,
            kind=kind,
            text=text,
            options=options,
            required=kind in (ItemKind.LIKERT, ItemKind.SINGLE),
        )
    survey = services.open_survey(
        project=project, template=template, opens_on=today, closes_on=today + timedelta(days=7), actor=staff
    )
    teacher = get_user_model().objects.filter(username="teacher").values_list("person_id", flat=True).first()
    enrolments = list(
        Enrolment.objects.filter(project=project, status="enrolled")
        .exclude(person_id=teacher or 0)
        .select_related("person__org")
    )
    answered = 0
    for enrolment in enrolments[: max(0, len(enrolments) - 6)]:
        raw = {}
        for item in survey.items:
            key = str(item["id"])
            if item["kind"] == ItemKind.LIKERT:
                raw[key] = rng.choice("5554443")
            elif item["kind"] == ItemKind.SINGLE:
                raw[key] = rng.choice(["适中", "适中", "偏难"])
            elif item["kind"] == ItemKind.MULTI:
                raw[key] = rng.sample(item["options"], 2)
            else:
                raw[key] = rng.choice(SUGGESTIONS)
        services.submit(survey=survey, person=enrolment.person, raw=raw, actor=None)
        answered += 1
    return answered
