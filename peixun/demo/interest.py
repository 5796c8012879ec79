"""The demo's student interest groups: the county's current term with the seed's rules, two groups
at the demo school with their members and a few sessions — the mathematics group's deliverables
complete, the physics group's missing its plan, a test and one session's homework and register —
so the subsidy page shows a full and a reduced subsidy, each line explained."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from peixun.interest import services
from peixun.interest.models import Application, ApplicationStatus, Student
from peixun.orgs.models import GrantRole, Org, Person, PersonStatus

GIVEN = "子涵浩然欣怡梓萱宇轩一诺思远雨桐嘉怡俊杰"
FAMILY = "王李张刘陈杨黄赵吴周"


def _term_dates(today: date) -> tuple[str, date, date]:
    if today.month >= 9 or today.month == 1:
        year = today.year if today.month >= 9 else today.year - 1
        return f"{year}年秋季学期", date(year, 9, 1), date(year + 1, 1, 20)
    return f"{today.year}年春季学期", date(today.year, 2, 20), date(today.year, 7, 10)


def seed_interest(*, school: Org, county: Org, today: date) -> None:
    users = get_user_model().objects
    author = users.filter(grants__role=GrantRole.BUREAU_ADMIN).first() or users.order_by("pk").first()
    tutors = list(Person.objects.filter(org=school, status=PersonStatus.ACTIVE).order_by("pk")[:2])
    if author is None or len(tutors) < 2:
        return
    name, starts_on, ends_on = _term_dates(today)
    term = services.save_term(
        term=None,
        org=county,
        data={
            "name": name,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "min_size": 20,
            "max_size": 30,
            "max_groups_per_student": 2,
            "hours_per_session": Decimal("2.0"),
            "plan_deduction": Decimal("2.0"),
            "test_deduction": Decimal("2.0"),
            "yuan_per_hour": Decimal("50.00"),
        },
        actor=author,
    )
    students = Student.objects.bulk_create(
        Student(
            school=school,
            org_path=school.path,
            name=FAMILY[n % len(FAMILY)] + GIVEN[(2 * n) % len(GIVEN) : (2 * n) % len(GIVEN) + 2],
            grade="七年级",
            class_name=f"{n // 10 + 1}班",
        )
        for n in range(26)
    )
    groups = []
    for (title, subject), tutor in zip(
        (("七年级数学兴趣小组", "数学"), ("七年级物理兴趣小组", "物理")), tutors, strict=True
    ):
        groups.append(
            services.create_group(
                school=school, term=term, name=title, subject=subject, capacity=24, tutor=tutor, actor=author
            )
        )
    maths, physics = groups
    for group, chosen in ((maths, students[:24]), (physics, students[4:26])):
        Application.objects.bulk_create(
            Application(
                group=group,
                student=student,
                score=Decimal(60 + (n * 7) % 40),
                status=ApplicationStatus.SELECTED,
            )
            for n, student in enumerate(chosen)
        )
    first = max(starts_on, today - timedelta(days=28))
    maths_data = {"has_plan": True, "textbook": "初中数学奥赛教程", "tests_planned": 2, "tests_held": 2}
    physics_data = {"has_plan": False, "textbook": "初中物理竞赛辅导", "tests_planned": 2, "tests_held": 1}
    for group, data in ((maths, maths_data), (physics, physics_data)):
        services.save_deliverables(group=group, data=data, files={}, actor=author)
        members = list(Student.objects.filter(applications__group=group))
        for week in range(3):
            complete = not (group is physics and week == 1)
            services.save_lesson(
                group=group,
                lesson=None,
                data={
                    "held_on": first + timedelta(days=7 * week),
                    "topic": f"第{week + 1}讲",
                    "has_lesson_plan": True,
                    "has_homework": complete,
                    "has_register": complete,
                },
                present=members if complete else [],
                files={},
                actor=author,
            )
