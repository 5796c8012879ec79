import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from peixun.interest.models import Lesson, Student
from peixun.interest.tests.factories import group, term

pytestmark = pytest.mark.django_db


def test_the_subsidy_page_explains_each_tutor_and_the_workbook_reads_back(client, world):
    the_term = term(world)
    maths = group(
        world, the_term, "数学小组", tutor=world.teacher_a1, has_plan=True, tests_planned=2, tests_held=1
    )
    Lesson.objects.create(
        group=maths, held_on=date(2026, 10, 9), has_lesson_plan=True, has_homework=True, has_register=True
    )
    Lesson.objects.create(group=maths, held_on=date(2026, 10, 16), has_lesson_plan=True)
    client.force_login(world.centre_staff)
    page = client.get(reverse("interest:subsidy", args=[the_term.pk])).content.decode()
    assert "李晓明" in page and "缺作业批改、学生签名的辅导登记表，本次不发补助" in page
    assert "0.0 课时" in page  # 2 for the paid session − 2 for the missing test
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("interest:subsidy-export", args=[the_term.pk])).content)
    )
    summary = [[cell.value for cell in row] for row in workbook["补助汇总"].iter_rows()]
    assert ["东湖实验小学", "李晓明", "数学小组", "0.0", "0.00"] in summary
    lines = [row[3].value for row in workbook["补助明细"].iter_rows(min_row=2)]
    assert len(lines) == 3 and any("缺1次" in text for text in lines)


def _xlsx(rows: list[list[str]]) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "学生.xlsx"
    return data


def test_a_student_list_is_previewed_with_row_errors_then_applied_once(client, world):
    client.force_login(world.coordinator_a1)
    url = reverse("interest:student-import", args=[world.school_a1.pk])
    bad = client.post(
        url, {"upload": _xlsx([["姓名", "年级", "班级"], ["张三", "七年级", "1班"], ["李四", "", "1班"]])}
    )
    assert (
        bad.status_code == 400
        and "第 3 行" in bad.content.decode()
        and "年级不能为空" in bad.content.decode()
    )
    good = [["姓名", "年级", "班级"], ["张三", "七年级", "1班"], ["李四", "七年级", "2班"]]
    preview = client.post(url, {"upload": _xlsx(good)})
    assert preview.status_code == 200 and not Student.objects.exists()
    content = preview.context["content"]
    client.post(url, {"content": content, "filename": "学生.xlsx"})
    client.post(url, {"content": content, "filename": "学生.xlsx"})
    assert sorted(Student.objects.values_list("name", flat=True)) == ["张三", "李四"]
