"""A term, students and groups at 东湖实验小学 for interest group tests."""

from datetime import date

from peixun.interest.models import InterestGroup, Student, Term
from peixun.testing.factories import make_person


def term(world, **rules) -> Term:
    return Term.objects.create(
        org=world.county_a,
        org_path=world.county_a.path,
        name="2026年秋季学期",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 1, 20),
        **rules,
    )


def students(world, count: int) -> list[Student]:
    school = world.school_a1
    return [
        Student.objects.create(
            school=school, org_path=school.path, name=f"学生{n}", grade="七年级", class_name="1班"
        )
        for n in range(1, count + 1)
    ]


def group(world, the_term: Term, name: str, *, tutor=None, capacity: int = 25, **fields) -> InterestGroup:
    school = world.school_a1
    return InterestGroup.objects.create(
        term=the_term,
        school=school,
        org_path=school.path,
        name=name,
        subject=name[:2],
        capacity=capacity,
        tutor=tutor or make_person(school, f"{name}老师"),
        **fields,
    )
