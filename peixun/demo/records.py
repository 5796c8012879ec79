"""Demo teachers' records: qualification certificates (one due for registration soon), degrees,
a new teacher's probation and a head teacher still without the post certificate."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from peixun.orgs.models import GrantRole, Org, Person
from peixun.records import services
from peixun.records.rules.qualification import add_years

DEGREES = (
    ("college", "江海师范高等专科学校", "小学教育", 2008, False),
    ("bachelor", "江海师范学院", "汉语言文学", 2012, True),
    ("bachelor", "江海师范学院", "数学与应用数学", 2015, True),
    ("master", "华东师范大学", "课程与教学论", 2019, True),
)


def seed_records(*, school: Org, today: date) -> None:
    users = get_user_model().objects
    coordinator = users.filter(grants__role=GrantRole.SCHOOL_COORDINATOR, grants__org=school).first()
    if coordinator is None:
        return
    Org.objects.filter(pk=school.pk).update(rural=True)
    people = list(Person.objects.filter(org=school).select_related("org").order_by("pk")[:6])
    for index, person in enumerate(people[:4]):
        # The first is due within the month; the others in later years.
        issued = add_years(today + timedelta(days=25), -5) if index == 0 else date(2018 + index, 7, 1)
        services.save_qualification(
            person=person,
            data={
                "number": f"{issued.year}3207{person.pk:06d}",
                "kind": "primary",
                "subject": (person.subjects or ["语文"])[0],
                "issuer": "江海市东湖区教育局",
                "issued_on": issued,
                "registered_on": None,
            },
            actor=coordinator,
        )
        level, college, major, year, full_time = DEGREES[index]
        services.add_degree(
            person=person,
            data={
                "level": level,
                "school": college,
                "major": major,
                "awarded_on": date(year, 6, 30),
                "full_time": full_time,
            },
            actor=coordinator,
        )
    if len(people) > 4:
        services.save_probation(
            person=people[4],
            data={
                "joined_on": date(today.year - 1, 9, 1),
                "adapt": "passed",
                "qualify": "pending",
                "shape": "pending",
                "excel": "pending",
            },
            actor=coordinator,
        )
    if len(people) > 5:
        services.give_head_teacher_role(person=people[5], actor=coordinator)
