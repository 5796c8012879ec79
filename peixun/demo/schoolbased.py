"""The demo's school-based training: the county's prescribed topics for this school year and the
demo school's draft plan (one prescribed line, one of the school's own), so the pages show them."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from peixun.orgs.models import GrantRole, Org, Person
from peixun.schoolbased import services


def seed_schoolbased(*, school: Org, county: Org, today: date) -> None:
    users = get_user_model().objects
    author = users.filter(grants__role=GrantRole.BUREAU_ADMIN).first() or users.order_by("pk").first()
    coordinator = users.filter(grants__role=GrantRole.SCHOOL_COORDINATOR).first() or author
    if author is None or coordinator is None:
        return
    year = today.year if today.month >= 9 else today.year - 1
    district = services.publish_year(
        org=county, school_year=year, deadline=date(year + 1, 7, 15), actor=author
    )
    topics = [
        services.add_topic(
            district_year=district,
            title=title,
            category=category,
            level="school",
            planned_hours=hours,
            actor=author,
        )
        for title, category, hours in (
            ("师德师风专题学习", "ethics_literacy", Decimal(30)),
            ("新课标解读与教学设计", "knowledge_skills", Decimal(40)),
        )
    ]
    plan = services.create_plan(school=school, school_year=year, actor=coordinator)
    leader = Person.objects.filter(org=school).order_by("pk").first()
    start = date(year, 9, 15)
    services.save_line(
        plan=plan,
        actor=coordinator,
        topic=topics[0],
        title=topics[0].title,
        category=topics[0].category,
        level="school",
        planned_hours=Decimal(30),
        starts_on=start,
        ends_on=date(year, 12, 20),
        leader=leader,
        budget=Decimal(2000),
    )
    services.save_line(
        plan=plan,
        actor=coordinator,
        title="青年教师课堂观察与研讨",
        category="practice",
        level="school",
        planned_hours=Decimal(40),
        starts_on=start,
        ends_on=date(year + 1, 6, 30),
        leader=leader,
        budget=Decimal(3000),
    )
