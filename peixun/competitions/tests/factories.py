"""A competition of 东湖区 for the tests, set up and entered through the services."""

from datetime import date

from peixun.competitions import services
from peixun.testing.factories import make_person


def competition(world, **fields):
    made = services.create_competition(
        organiser=world.county_a, name="东湖区教学技能大赛", year=2026, actor=world.county_admin
    )
    for key, value in fields.items():
        setattr(made, key, value)
    made.save()
    return made


def teachers(school, count: int, *, prefix: str = "教师", section: str = "primary") -> list:
    return [
        make_person(
            school, f"{prefix}{school.code}{n}", section=section, birth_date=date(1985 + n % 10, 3, 1)
        )
        for n in range(count)
    ]


def enter_all(competition, people, actor, subject: str = "语文") -> list:
    return [services.enter(competition=competition, person=p, subject=subject, actor=actor) for p in people]
