"""Demo data of quality: a few trainers in the county's pool (internal and external, one on
probation after last year's review) and the closed demo project's summary written up."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from peixun.orgs.models import Org, Person, PersonStatus
from peixun.quality import services
from peixun.quality.models import ProjectSummary


def seed_quality(*, county: Org, year: int) -> int:
    """Returns how many trainers were added."""
    staff = get_user_model().objects.filter(username__in=["centre", "admin"]).order_by("username").first()
    people = list(
        Person.objects.filter(
            org__path__startswith=county.path, status=PersonStatus.ACTIVE, org__kind="school"
        )
        .select_related("org")
        .order_by("pk")[:3]
    )
    added = []
    for person, title in zip(people, ("subject_leader", "backbone", "master"), strict=False):
        added.append(
            services.add_trainer(
                keeper=county,
                person=person,
                data={"title": title, "subjects": "语文", "sections": "小学"},
                actor=staff,
            )
        )
    for name, unit, title in (
        ("周教授", "江苏第二师范学院", "expert"),
        ("钱老师", "市教师发展中心", "other"),
    ):
        added.append(
            services.add_trainer(
                keeper=county,
                person=None,
                data={
                    "name": name,
                    "unit": unit,
                    "title": title,
                    "subjects": "班级管理",
                    "contact": "0512-6688xxxx",
                },
                actor=staff,
            )
        )
    services.review_trainer(
        trainer=added[-1],
        year=year - 1,
        course_review="内容偏理论，案例不足。",
        feedback="学员建议增加实操环节。",
        verdict="probation",
        actor=staff,
    )
    summary = ProjectSummary.objects.filter(project__organiser__path__startswith=county.path).first()
    if summary is not None:
        rows = [
            services.Expense(
                line.pk,
                line.kind,
                line.item,
                line.budgeted,
                (line.budgeted * Decimal("0.92")).quantize(Decimal("0.01")),
            )
            for line in summary.expenses.all()
        ] or [services.Expense(None, "venue", "场地与设备", Decimal("6000"), Decimal("5400"))]
        services.save_summary(
            summary=summary,
            narrative="本期班主任培训按计划完成，学员出勤良好，案例研讨环节反响积极。下期拟增加家校沟通实操演练。",
            expenses=rows,
            actor=staff,
        )
    return len(added)
