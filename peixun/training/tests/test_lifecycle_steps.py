"""The lifecycle's hook (peixun.training.lifecycle): the steps other apps registered run in their
order, inside the move's transaction, and a step that fails undoes the whole move and says what to
put right and where."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from peixun.assessment.models import HoursPosting, Result
from peixun.audit.models import AuditEvent
from peixun.core.exceptions import DomainError
from peixun.delivery.models import Lesson
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.tests.helpers import lessons_past, running_project
from peixun.ledger.models import CreditEntry
from peixun.training import lifecycle
from peixun.training.exceptions import StepFailedError
from peixun.training.models import ProjectStatus
from peixun.training.services import move_project


def test_each_move_runs_the_steps_of_the_apps_that_own_them_in_this_order():
    assert lifecycle.STEPS["assess"].names() == ["delivery.close_lessons", "assessment.recompute"]
    assert lifecycle.STEPS["close"].names() == [
        "assessment.recompute",
        "assessment.require_final",
        "assessment.post_hours",
        "certificates.revoke_unqualified",
        "quality.summary",
    ]
    quiet = [action for action, registry in lifecycle.STEPS.items() if action not in ("assess", "close")]
    assert all(not lifecycle.STEPS[action].names() for action in quiet)


def test_a_step_for_a_move_the_table_does_not_know_is_refused():
    with pytest.raises(ValueError, match="no transition"):
        lifecycle.register_step("teleport", 10, lambda **kwargs: None, name="x", does="", fix_at="")


def assessing_project(world):
    """A project in assessment whose two trainees passed every lesson."""
    running = running_project(world, size=2)
    for lesson in lessons_past(running.project, 2):
        for enrolment in running.enrolments:
            attendance_services.mark(
                lesson=lesson, enrolment=enrolment, status="present", actor=world.county_admin
            )
    move_project(project=running.project, action="assess", actor=world.county_admin)
    return running.project


class SealMissingError(DomainError):
    code = "seal_missing"
    message = "The certificate seal is missing."  # type: ignore[assignment]  # a test error: not in the catalog


def seal_missing(**kwargs):
    raise SealMissingError


@pytest.mark.django_db
def test_steps_run_inside_the_move_seeing_the_new_state_after_the_earlier_steps(world):
    project = assessing_project(world)
    seen = []

    def spy(*, project, actor, request=None):
        seen.append((project.status, HoursPosting.objects.filter(project=project).count(), actor))

    with lifecycle.STEPS["close"].added(
        lifecycle.Step(spy, "watching", "nowhere"), order=25, name="test.spy"
    ):
        move_project(project=project, action="close", actor=world.county_admin)
    assert seen == [(ProjectStatus.CLOSED, 2, world.county_admin)]


@pytest.mark.django_db
def test_a_failing_step_undoes_the_whole_move_and_names_what_to_fix_and_where(world):
    project = assessing_project(world)
    entries_before = CreditEntry.objects.count()
    with (
        lifecycle.STEPS["close"].added(
            lifecycle.Step(seal_missing, "issuing the certificates", "the certificate templates"),
            order=25,
            name="test.seal",
        ),
        pytest.raises(StepFailedError) as refused,
    ):
        move_project(project=project, action="close", actor=world.county_admin)

    with translation.override("en"):
        text = str(refused.value)
    assert "issuing the certificates failed" in text
    assert "The certificate seal is missing." in text
    assert "the certificate templates" in text
    assert "“Assessing”" in text  # where the project still stands
    project.refresh_from_db()
    assert project.status == ProjectStatus.ASSESSING
    # What the earlier steps wrote went with it: no hours posted, no audit row of the move.
    assert CreditEntry.objects.count() == entries_before
    assert not HoursPosting.objects.filter(project=project).exists()
    assert not AuditEvent.objects.filter(
        action="project_transition", target_id=str(project.pk), changes__action="close"
    ).exists()


@pytest.mark.django_db
def test_a_step_that_crashes_also_leaves_the_project_where_it_was(world):
    running = running_project(world, size=1)
    lessons_past(running.project, 1)

    def crash(**kwargs):
        raise RuntimeError("boom")

    with (
        lifecycle.STEPS["assess"].added(lifecycle.Step(crash, "counting", "the results"), order=15, name="t"),
        pytest.raises(StepFailedError) as refused,
    ):
        move_project(project=running.project, action="assess", actor=world.county_admin)
    with translation.override("en"):
        assert "counting failed. An unexpected error occurred" in str(refused.value)
    running.project.refresh_from_db()
    assert running.project.status == ProjectStatus.RUNNING
    # The lessons delivery closed at step 10 are open again.
    assert not Lesson.objects.filter(project=running.project, status="closed").exists()
    assert not Result.objects.filter(project=running.project).exists()


@pytest.mark.django_db
def test_the_organiser_reads_in_chinese_why_the_project_did_not_close(client, world):
    project = assessing_project(world)
    client.force_login(world.county_admin)
    with lifecycle.STEPS["close"].added(
        lifecycle.Step(seal_missing, "issuing the certificates", "the certificate templates"),
        order=25,
        name="test.seal",
    ):
        response = client.post(reverse("training:project-move", args=[project.pk, "close"]))
    assert response.status_code == 302
    message = next(str(m) for m in get_messages(response.wsgi_request))
    assert message.startswith("项目未能转为「已结束」")
    assert "项目仍为「考核中」" in message
    project.refresh_from_db()
    assert project.status == ProjectStatus.ASSESSING
