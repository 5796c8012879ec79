"""A project never locks at closing because of a tag (issue 13): the close rolls back with a Chinese
message, the project is listed on 标签修复, is repaired there and then closes with its hours."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from peixun.audit.models import AuditEvent
from peixun.delivery.tests.helpers import lessons_past, running_project
from peixun.ledger.models import CreditEntry
from peixun.testing.factories import make_project
from peixun.training.exceptions import StepFailedError
from peixun.training.models import Course, Project
from peixun.training.services import move_project

from .test_closing import mark_all

pytestmark = pytest.mark.django_db


def _assessing_with_a_typed_tag(world):
    running = running_project(world, size=2)
    mark_all(running, lessons_past(running.project, 2))
    move_project(project=running.project, action="assess", actor=world.county_admin)
    Project.objects.filter(pk=running.project.pk).update(tags=["班主任x"])  # typed before the list
    return running.project


def test_a_close_that_fails_on_a_tag_rolls_back_says_what_to_fix_and_closes_once_repaired(client, world):
    project = _assessing_with_a_typed_tag(world)
    with pytest.raises(StepFailedError) as caught:
        move_project(project=project, action="close", actor=world.county_admin)
    message = str(caught.value)
    assert "未知的标签：班主任x" in message and "仍为「考核中」，没有任何改动" in message
    project.refresh_from_db()
    assert project.status == "assessing"
    assert not CreditEntry.objects.exists()

    client.force_login(world.county_admin)
    detail = client.get(reverse("training:project-detail", args=[project.pk])).content.decode()
    assert "“班主任x”不在标签列表中" in detail and reverse("training:tag-repair") in detail
    page = client.get(reverse("training:tag-repair")).content.decode()
    assert project.title in page and "班主任x" in page and "班主任专题" in page
    response = client.post(
        reverse("training:tag-repair"), {"project": project.pk, "tags": ["head_teacher_topic"]}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.tags == ["head_teacher_topic"]
    assert AuditEvent.objects.filter(action="project_tags_repaired", target_id=str(project.pk)).exists()
    assert f'id="project-{project.pk}"' not in client.get(reverse("training:tag-repair")).content.decode()

    move_project(project=project, action="close", actor=world.county_admin)
    project.refresh_from_db()
    assert project.status == "closed"
    entries = CreditEntry.objects.filter(source_ref=f"project:{project.pk}")
    assert entries.count() == 2 and all(entry.tags == ["head_teacher_topic"] for entry in entries)


def test_the_repair_page_lists_only_projects_in_scope_and_answers_404_for_others(client, world):
    near = make_project(world.county_a, status="running", title="近处项目")
    far = make_project(world.other_city, status="running", title="远处项目")
    Project.objects.filter(pk__in=[near.pk, far.pk]).update(tags=["师德x"])
    client.force_login(world.centre_staff)
    page = client.get(reverse("training:tag-repair")).content.decode()
    assert "近处项目" in page and "远处项目" not in page
    response = client.post(reverse("training:tag-repair"), {"project": far.pk, "tags": ["ethics"]})
    assert response.status_code == 404
    far.refresh_from_db()
    assert far.tags == ["师德x"]


def test_the_repair_page_refuses_an_empty_choice_or_a_code_off_the_list(client, world):
    project = make_project(world.county_a, status="running")
    Project.objects.filter(pk=project.pk).update(tags=["师德x"])
    client.force_login(world.centre_staff)
    for tags in ([], ["师德x"]):
        response = client.post(reverse("training:tag-repair"), {"project": project.pk, "tags": tags})
        assert response.status_code == 200
        project.refresh_from_db()
        assert project.tags == ["师德x"]


def test_the_data_migration_maps_typed_words_and_old_codes_and_leaves_the_rest_idempotently(world):
    migration = importlib.import_module("peixun.training.migrations.0005_tags_to_the_closed_list")
    typed = make_project(world.county_a, status="running")
    old = make_project(world.county_a, status="running")
    odd = make_project(world.county_a, status="running")
    Project.objects.filter(pk=typed.pk).update(tags=["班主任", "师德"])
    Project.objects.filter(pk=old.pk).update(tags=["head_teacher"])
    Project.objects.filter(pk=odd.pk).update(tags=["信息技术", "见习期"])
    Course.objects.filter(project=old).update(tags=["班主任专题培训"])
    for _ in range(2):
        migration.forwards(django_apps, None)
        assert Project.objects.get(pk=typed.pk).tags == ["ethics", "head_teacher_topic"]
        assert Project.objects.get(pk=old.pk).tags == ["head_teacher_topic"]
        assert Project.objects.get(pk=odd.pk).tags == ["probation", "信息技术"]
        assert Course.objects.get(project=old).tags == ["head_teacher_topic"]
