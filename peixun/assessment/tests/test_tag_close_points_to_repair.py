"""A close that fails on a tag off the list says to put it right on 标签修复 — not on 考核结果,
where nothing can fix it — and links straight to the project's row there (issue 13)."""

import re

import pytest
from django.urls import reverse

from peixun.delivery.tests.helpers import lessons_past, running_project
from peixun.training.exceptions import StepFailedError
from peixun.training.models import Course, Project
from peixun.training.services import move_project

from .test_closing import mark_all

pytestmark = pytest.mark.django_db


def _assessing(world):
    running = running_project(world, size=2)
    mark_all(running, lessons_past(running.project, 2))
    move_project(project=running.project, action="assess", actor=world.county_admin)
    return running.project


def test_the_refused_close_points_to_the_tag_repair_page_with_a_link_to_the_project(client, world):
    project = _assessing(world)
    Project.objects.filter(pk=project.pk).update(tags=["班主任x"])
    client.force_login(world.county_admin)
    response = client.post(reverse("training:project-move", args=[project.pk, "close"]), follow=True)
    page = response.content.decode()
    alert = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', page, re.S)
    assert alert is not None
    text = alert.group(1)
    assert "未知的标签：班主任x。" in text and "请到「标签修复」页面处理后重试" in text
    assert "考核结果" not in text
    link = (
        f'<a class="alert-link" href="{reverse("training:tag-repair")}#project-{project.pk}">前往标签修复</a>'
    )
    assert link in text
    project.refresh_from_db()
    assert project.status == "assessing"


def test_a_course_tag_off_the_list_is_caught_the_same_way_and_the_error_carries_the_fix(world):
    project = _assessing(world)
    Course.objects.create(project=project, name="专题", hours=4, category="ethics_literacy", tags=["师德x"])
    with pytest.raises(StepFailedError) as caught:
        move_project(project=project, action="close", actor=world.county_admin)
    assert "未知的标签：师德x。" in str(caught.value) and "「标签修复」页面" in str(caught.value)
    assert caught.value.fix is not None
    assert str(caught.value.fix.url) == f"{reverse('training:tag-repair')}#project-{project.pk}"
