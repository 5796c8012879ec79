"""Interest groups' expectations for the access-matrix test (peixun/site/tests/test_access_matrix.py)
and the near and far objects: near, 东湖区's term and a group of 东湖实验小学 tutored by 李晓明 (the
teacher persona); far, 临江市's term and a group of 临江第二中学."""

from datetime import date

from peixun.interest.models import (
    Application,
    ApplicationStatus,
    DeliverableFile,
    FileKind,
    InterestGroup,
    Lesson,
    Student,
    Term,
)

VIEWERS = frozenset({"city_admin", "county_admin", "centre_staff", "coordinator_a1", "tutor_a1", "outsider"})
# Who sees a group: whoever may view its school, and its tutor (the teacher persona tutors the near one).
GROUP_READERS = VIEWERS | {"teacher_user"}
# Who keeps a group's deliverables: its tutor, and the coordinator of its school.
KEEPERS = frozenset({"coordinator_a1", "teacher_user"})
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _data(side: dict) -> dict:
    return side["interest_data"]


INTEREST_VIEWS: dict[str, dict] = {
    # A group's tutor (the near teacher) opens the home page to reach their groups.
    "interest:home": {"perm": "interest.view", "personas": GROUP_READERS},
    "interest:term-new": {"perm": "interest.settings"},
    "interest:subsidy": {"perm": "interest.view", "obj": "interest_term", "personas": GROUP_READERS},
    "interest:subsidy-export": {"perm": "interest.view", "obj": "interest_term", "personas": GROUP_READERS},
    "interest:term-edit": {"perm": "interest.settings", "obj": "interest_term"},
    "interest:school": {"perm": "interest.view", "obj": "interest_school"},
    "interest:school-export": {"perm": "interest.view", "obj": "interest_school"},
    "interest:student-add": {
        "perm": "interest.manage",
        "method": "post",
        "obj": "interest_school",
        "data": lambda side: {"name": "新同学", "grade": "七年级", "class_name": "1班"},
    },
    "interest:student-import": {"perm": "interest.manage", "obj": "interest_school"},
    "interest:group-new": {
        "perm": "interest.manage",
        "method": "post",
        "obj": "interest_school",
        "data": lambda side: {
            "term": _data(side)["term"],
            "name": "物理兴趣小组",
            "subject": "物理",
            "capacity": "25",
            "tutor": _data(side)["tutor"],
        },
    },
    "interest:group": {"perm": "interest.view", "obj": "interest_group", "personas": GROUP_READERS},
    "interest:group-export": {"perm": "interest.view", "obj": "interest_group", "personas": GROUP_READERS},
    "interest:apply": {
        "perm": "interest.manage",
        "method": "post",
        "obj": "interest_group",
        "data": lambda side: {"student": _data(side)["spare"]},
    },
    "interest:scores": {"perm": "interest.manage", "method": "post", "obj": "interest_group"},
    "interest:deliverables": {
        "perm": "interest.manage",
        "method": "post",
        "obj": "interest_group",
        "personas": KEEPERS,
        "denied": (403, 404),
        "data": lambda side: {
            "has_plan": "on",
            "textbook": "奥赛教程",
            "tests_planned": "2",
            "tests_held": "1",
        },
    },
    "interest:lesson-new": {
        "perm": "interest.manage",
        "method": "post",
        "obj": "interest_group",
        "personas": KEEPERS,
        "denied": (403, 404),
        "data": lambda side: {"held_on": "2026-10-09", "has_lesson_plan": "on"},
    },
    "interest:note": {
        "perm": "interest.manage",
        "method": "post",
        "obj": "interest_group",
        "personas": KEEPERS,
        "denied": (403, 404),
        "data": lambda side: {"student": _data(side)["member"], "text": "进步明显"},
    },
    "interest:lesson": {
        "perm": "interest.manage",
        "obj": "interest_lesson",
        "personas": KEEPERS,
        "denied": (403, 404),
    },
    "interest:file": {"perm": "interest.view", "obj": "interest_file", "personas": GROUP_READERS},
}


def _side(county, school, tutor) -> dict:
    term = Term.objects.create(
        org=county,
        org_path=county.path,
        name="2026年秋季学期",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 1, 20),
    )
    member = Student.objects.create(
        school=school, org_path=school.path, name="张小明", grade="七年级", class_name="3班"
    )
    spare = Student.objects.create(
        school=school, org_path=school.path, name="王小红", grade="七年级", class_name="3班"
    )
    group = InterestGroup.objects.create(
        term=term,
        school=school,
        org_path=school.path,
        name="数学兴趣小组",
        subject="数学",
        capacity=25,
        tutor=tutor,
    )
    Application.objects.create(group=group, student=member, score=90, status=ApplicationStatus.SELECTED)
    lesson = Lesson.objects.create(group=group, held_on=date(2026, 9, 18), has_lesson_plan=True)
    found = DeliverableFile.objects.create(
        group=group, kind=FileKind.PLAN, filename="辅导计划.pdf", content_type="application/pdf", content=PDF
    )
    return {
        "interest_term": {"pk": term.pk},
        "interest_school": {"pk": school.pk},
        "interest_group": {"pk": group.pk},
        "interest_lesson": {"pk": lesson.pk},
        "interest_file": {"pk": found.pk},
        "interest_data": {"term": term.pk, "tutor": tutor.pk, "spare": spare.pk, "member": member.pk},
    }


def interest_objects(world) -> tuple[dict, dict]:
    near = _side(world.county_a, world.school_a1, world.teacher_a1)
    far = _side(world.other_city, world.other_school, world.other_teacher)
    return near, far
