"""The demo's annual training returns: one teacher of the demo school trained abroad this year
(出国（境）培训), and another school of the county has confirmed its return, so the county's list
shows 已确认 beside 未确认 and the demo school's coordinator has one to check and confirm."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from peixun.ledger.services import post_credit
from peixun.orgs.models import GrantRole, Org, OrgKind, Person, PersonStatus
from peixun.returns import services


def seed_returns(*, school: Org, county: Org, today: date) -> None:
    users = get_user_model().objects
    teacher = Person.objects.filter(org=school, status=PersonStatus.ACTIVE).order_by("pk").first()
    if teacher is not None:
        post_credit(
            person=teacher,
            hours=40,
            category="knowledge_skills",
            level="overseas",
            mode="concentrated",
            earned_on=max(date(today.year, 1, 1), today - timedelta(days=40)),
            source="direct",
            title="中小学骨干教师赴新加坡研修",
            organiser="江苏省教育厅",
            idempotency_key="demo:returns:overseas",
        )
    other = (
        Org.objects.filter(path__startswith=county.path, kind=OrgKind.SCHOOL)
        .exclude(pk=school.pk)
        .order_by("path")
        .first()
    )
    if other is None:
        return
    actor = (
        users.filter(grants__role=GrantRole.SCHOOL_COORDINATOR, grants__org=other).first()
        or users.filter(grants__role=GrantRole.BUREAU_ADMIN).first()
    )
    if actor is not None:
        services.confirm_return(school=other, year=today.year, actor=actor)
