"""Editing a project keeps what it does not show as changed (issue 13): a course's tags survive the
Edit page saved as it was filled in, and can be changed there from the closed list."""

from decimal import Decimal

import pytest
from django.urls import reverse

from peixun.testing.htmlforms import form_data
from peixun.training.models import Course
from peixun.training.services import projects as project_services
from peixun.training.services.projects import CourseData

pytestmark = pytest.mark.django_db


def _draft(world):
    return project_services.create_project(
        organiser=world.county_a,
        actor=world.centre_staff,
        fields={
            "title": "2026年班主任专题培训",
            "project_type": "head_teacher",
            "level": "county",
            "category": "knowledge_skills",
            "mode": "concentrated",
            "hours_credited": Decimal("30"),
            "tags": ["head_teacher_topic"],
        },
        courses=[
            CourseData("班级管理", Decimal("20"), "knowledge_skills", tags=("head_teacher_topic",)),
            CourseData("师德修养", Decimal("10"), "ethics_literacy", tags=("ethics",)),
        ],
    )


def test_saving_the_edit_page_as_it_was_filled_in_keeps_every_courses_tags(client, world):
    project = _draft(world)
    client.force_login(world.centre_staff)
    url = reverse("training:project-edit", args=[project.pk])
    data = form_data(client.get(url).content.decode(), "project-form")
    data["title"] = "2026年班主任专题培训（修订）"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.title == "2026年班主任专题培训（修订）"
    assert [(c.name, c.tags) for c in Course.objects.filter(project=project)] == [
        ("班级管理", ["head_teacher_topic"]),
        ("师德修养", ["ethics"]),
    ]


def test_a_courses_tags_are_changed_on_the_edit_page_from_the_closed_list(client, world):
    project = _draft(world)
    client.force_login(world.centre_staff)
    url = reverse("training:project-edit", args=[project.pk])
    body = client.get(url).content.decode()
    assert 'name="courses-1-tags"' in body
    data = form_data(body, "project-form")
    data["courses-1-tags"] = ["ethics", "prescribed"]
    assert client.post(url, data).status_code == 302
    assert Course.objects.get(project=project, name="师德修养").tags == ["ethics", "prescribed"]
