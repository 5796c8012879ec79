"""Projects through their services: create, edit, the lifecycle with its permissions, reasons,
audit rows and notices."""

from decimal import Decimal

import pytest

from peixun.audit.models import AuditEvent
from peixun.testing.factories import make_project
from peixun.training import services
from peixun.training.exceptions import (
    ProjectIncompleteError,
    ProjectNotEditableError,
    ReasonRequiredError,
    TransitionNotAllowedError,
)
from peixun.training.models import Notice, Project
from peixun.training.services import projects as project_services
from peixun.training.services.projects import CourseData

pytestmark = pytest.mark.django_db


def draft(world, **fields) -> Project:
    return project_services.create_project(
        organiser=world.county_a,
        actor=world.centre_staff,
        fields={
            "title": "2026年小学语文骨干教师培训",
            "project_type": "backbone",
            "level": "county",
            "category": "knowledge_skills",
            "mode": "blended",
            "hours_credited": Decimal("48"),
            **fields,
        },
        courses=[
            CourseData("课堂教学设计", Decimal("24"), "knowledge_skills"),
            CourseData("师德修养", Decimal("24"), "ethics_literacy"),
        ],
    )


def test_a_new_project_is_a_draft_aimed_at_the_organisers_area_and_audited(world):
    project = draft(world)
    assert project.status == "draft"
    assert list(project.audience.all()) == [world.county_a]
    assert [c.name for c in project.courses.all()] == ["课堂教学设计", "师德修养"]
    assert AuditEvent.objects.filter(action="project_created", target_id=str(project.pk)).exists()


def test_a_centre_project_is_aimed_at_the_area_the_centre_serves(world):
    project = project_services.create_project(
        organiser=world.centre,
        actor=world.city_admin,
        fields={
            "title": "x",
            "project_type": "other",
            "level": "city",
            "category": "practice",
            "mode": "remote",
        },
    )
    assert list(project.audience.all()) == [world.city]


def test_submission_needs_dates_and_says_what_is_missing(world):
    project = draft(world)
    with pytest.raises(ProjectIncompleteError) as error:
        services.move_project(project=project, action="submit", actor=world.centre_staff)
    assert "报名时间和培训日期" in str(error.value)  # the default language is Chinese


def complete(world) -> Project:
    project = make_project(world.county_a, status="draft", created_by=world.centre_staff)
    return project


def test_the_whole_lifecycle_with_notices_and_one_audit_row_per_move(world):
    project = complete(world)
    services.move_project(project=project, action="submit", actor=world.centre_staff)
    assert Notice.objects.filter(user=world.county_admin, kind="project_submitted").exists()
    assert Notice.objects.filter(user=world.city_admin, kind="project_submitted").exists()
    services.move_project(project=project, action="approve", actor=world.county_admin)
    assert Notice.objects.filter(user=world.centre_staff, kind="project_approved").exists()
    for action in ("publish", "open_enrolment", "start", "assess", "close", "archive"):
        services.move_project(project=project, action=action, actor=world.centre_staff)
    project.refresh_from_db()
    assert project.status == "archived"
    moves = AuditEvent.objects.filter(action="project_transition", target_id=str(project.pk))
    assert moves.count() == 8
    assert moves.first().changes["status"] == ["closed", "archived"]


def test_f2_a_project_that_was_not_approved_cannot_be_published(world):
    project = complete(world)
    with pytest.raises(TransitionNotAllowedError):
        services.move_project(project=project, action="publish", actor=world.city_admin)
    services.move_project(project=project, action="submit", actor=world.centre_staff)
    with pytest.raises(TransitionNotAllowedError):
        services.move_project(project=project, action="publish", actor=world.city_admin)


def test_only_the_bureau_approves_and_a_rejection_needs_a_reason(world):
    project = complete(world)
    services.move_project(project=project, action="submit", actor=world.centre_staff)
    with pytest.raises(TransitionNotAllowedError):
        services.move_project(project=project, action="approve", actor=world.centre_staff)
    with pytest.raises(TransitionNotAllowedError):
        services.move_project(project=project, action="approve", actor=world.outsider)
    with pytest.raises(ReasonRequiredError):
        services.move_project(project=project, action="reject", actor=world.county_admin, reason="  ")
    services.move_project(project=project, action="reject", actor=world.county_admin, reason="预算不清")
    project.refresh_from_db()
    assert (project.status, project.status_reason) == ("rejected", "预算不清")
    notice = Notice.objects.get(user=world.centre_staff, kind="project_rejected")
    assert notice.params["reason"] == "预算不清"
    services.move_project(project=project, action="revise", actor=world.centre_staff)
    project.refresh_from_db()
    assert project.status == "draft"


def test_only_drafts_and_rejected_projects_can_be_edited(world):
    project = complete(world)
    project_services.update_project(project=project, actor=world.centre_staff, fields={"title": "新标题"})
    assert AuditEvent.objects.filter(action="project_updated").first().changes["title"][1] == "新标题"
    services.move_project(project=project, action="submit", actor=world.centre_staff)
    with pytest.raises(ProjectNotEditableError):
        project_services.update_project(project=project, actor=world.centre_staff, fields={"title": "再改"})
