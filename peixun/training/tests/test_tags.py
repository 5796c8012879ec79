"""A project's tags come from the closed list (issue 13): picked by their Chinese labels, refused
otherwise at the first step, and a project with a tag off the list is not submitted."""

from decimal import Decimal

import pytest
from django.urls import reverse

from peixun.testing.factories import make_project
from peixun.training import services
from peixun.training.exceptions import ProjectTagsUnknownError, UnknownTagError
from peixun.training.forms import ProjectForm
from peixun.training.models import Course, Project
from peixun.training.services import projects as project_services
from peixun.training.services.projects import CourseData
from peixun.training.tests.test_views import form_data

pytestmark = pytest.mark.django_db


def _create(world, tags, course_tags=()):
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
            "tags": tags,
        },
        courses=[CourseData("班级管理", Decimal("30"), "knowledge_skills", tags=tuple(course_tags))],
    )


def test_a_tag_typed_as_a_word_is_refused_at_creation_with_a_message_naming_the_field(world):
    with pytest.raises(UnknownTagError) as caught:
        _create(world, ["班主任"])
    assert str(caught.value).startswith("标签：“班主任”不在标签列表中")
    assert "班主任专题" in str(caught.value)
    assert not Project.objects.exists()


def test_a_course_tag_off_the_list_is_refused_too(world):
    with pytest.raises(UnknownTagError):
        _create(world, ["ethics"], course_tags=["informatics"])
    assert not Project.objects.exists()


def test_a_project_saved_under_the_old_head_teacher_code_gets_the_tag_of_the_list(world):
    project = _create(world, ["head_teacher", "ethics"])
    assert project.tags == ["ethics", "head_teacher_topic"]


def test_an_edit_refuses_a_tag_off_the_list_and_changes_nothing(world):
    project = _create(world, ["ethics"])
    with pytest.raises(UnknownTagError):
        project_services.update_project(project=project, actor=world.centre_staff, fields={"tags": ["师德"]})
    project.refresh_from_db()
    assert project.tags == ["ethics"]


def test_a_project_with_a_tag_off_the_list_is_not_submitted_until_the_tag_is_picked(world):
    project = make_project(world.county_a, status="draft", created_by=world.centre_staff)
    Project.objects.filter(pk=project.pk).update(tags=["班主任"])  # typed before the list was closed
    with pytest.raises(ProjectTagsUnknownError) as caught:
        services.move_project(project=project, action="submit", actor=world.centre_staff)
    message = str(caught.value)
    assert "“班主任”" in message and "编辑" in message and "标签" in message
    project.refresh_from_db()
    assert project.status == "draft"
    project_services.update_project(
        project=project, actor=world.centre_staff, fields={"tags": ["head_teacher_topic"]}
    )
    services.move_project(project=project, action="submit", actor=world.centre_staff)
    project.refresh_from_db()
    assert project.status == "submitted"


def test_a_course_tag_off_the_list_also_stops_the_submission(world):
    project = make_project(world.county_a, status="draft", created_by=world.centre_staff)
    Course.objects.filter(project=project).update(tags=["xinxi"])
    with pytest.raises(ProjectTagsUnknownError):
        services.move_project(project=project, action="submit", actor=world.centre_staff)


def test_the_form_offers_the_tags_as_a_choice_with_chinese_labels_and_no_free_text(world):
    form = ProjectForm(orgs=Project.objects.none(), organisers=None, creating=False)
    field = form.fields["tags"]
    assert dict(field.choices)["head_teacher_topic"] == "班主任专题"
    assert "tags_text" not in form.fields
    html = str(form["tags"])
    assert "<select" in html and "multiple" in html and "班主任专题" in html


def test_creating_a_project_through_the_page_stores_the_picked_tags_and_refuses_a_typed_one(client, world):
    client.force_login(world.centre_staff)
    response = client.post(reverse("training:project-create"), form_data(world, tags=["班主任"]))
    assert response.status_code == 200
    assert not Project.objects.exists()
    assert "班主任 不在可用的选项中" in response.content.decode()
    client.post(reverse("training:project-create"), form_data(world, tags=["head_teacher_topic"]))
    assert Project.objects.get().tags == ["head_teacher_topic"]
