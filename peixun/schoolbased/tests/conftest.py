from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from peixun.schoolbased import services
from peixun.testing.factories import adopt_preset


def school_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


@pytest.fixture
def year(world):
    """A city policy with the A14 caps, a county year with two prescribed topics."""
    adopt_preset(world.city, "school-based-24", effective_from=date(2000, 1, 1))
    sy = school_year()
    district = services.publish_year(
        org=world.county_a, school_year=sy, deadline=date(sy + 1, 7, 15), actor=world.county_admin
    )
    topics = [
        services.add_topic(
            district_year=district,
            title=title,
            category="ethics_literacy",
            level="school",
            planned_hours=hours,
            actor=world.county_admin,
        )
        for title, hours in (("师德专题", 60), ("安全教育", 40))
    ]
    return district, topics


def add_line(plan, actor, *, title="读书分享", hours=Decimal(40), topic=None, leader=None):
    start = date(plan.school_year, 9, 1)
    return services.save_line(
        plan=plan,
        actor=actor,
        title=topic.title if topic else title,
        category="knowledge_skills",
        level="school",
        planned_hours=hours,
        starts_on=start,
        ends_on=start,
        leader=leader,
        budget=Decimal(1000),
        topic=topic,
    )
