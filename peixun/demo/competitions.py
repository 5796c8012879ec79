"""The demo's teaching competition: the county's contest in its school round, with a dozen of the
demo school's teachers entered, so the competition pages show something."""

from datetime import date

from django.contrib.auth import get_user_model

from peixun.competitions import services
from peixun.core.exceptions import DomainError
from peixun.orgs.models import GrantRole, Org, Person


def seed_competitions(*, school: Org, county: Org, today: date) -> None:
    users = get_user_model().objects
    author = users.filter(grants__role=GrantRole.BUREAU_ADMIN).first() or users.order_by("pk").first()
    if author is None:
        return
    contest = services.create_competition(
        organiser=county, name=f"{county.name}{today.year}年教师教学技能大赛", year=today.year, actor=author
    )
    contest.stages.filter(number=1).update(deadline=date(today.year, 12, 2))
    entered = 0
    for person in Person.objects.filter(org=school, section__in=["primary", "junior"]).order_by("pk")[:40]:
        subject = next((s for s in person.subjects if s in contest.subjects), contest.subjects[0])
        try:
            services.enter(competition=contest, person=person, subject=subject, actor=author)
        except DomainError:
            continue
        entered += 1
        if entered >= 12:
            break
