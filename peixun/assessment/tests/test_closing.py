"""Closing a project posts each passing trainee's hours to the ledger in the same transaction
(RULES A11): nothing for a fail, nothing new on a second run, a reversal and a new entry after a
reopen changed a result."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from peixun.assessment import services
from peixun.assessment.exceptions import ResultsProvisionalError
from peixun.assessment.models import HoursPosting, Result
from peixun.audit.models import AuditEvent
from peixun.delivery.models import Attendance
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.tests.helpers import lessons_past, running_project
from peixun.ledger.models import CreditEntry
from peixun.training.services import move_project

pytestmark = pytest.mark.django_db


def mark_all(running, lessons, status="present", except_for=()):
    for lesson in lessons:
        for enrolment in running.enrolments:
            if enrolment.pk in except_for:
                continue
            attendance_services.mark(
                lesson=lesson, enrolment=enrolment, status=status, actor=running.tutor_user
            )


def test_closing_posts_hours_for_those_who_pass_and_nothing_for_a_fail(world):
    running = running_project(world, size=3)
    lessons = lessons_past(running.project, 3)
    failing = running.enrolments[2]
    mark_all(running, lessons, except_for={failing.pk})
    move_project(project=running.project, action="assess", actor=world.county_admin)
    # The lessons closed when assessment began: the third teacher is absent from all three.
    assert Attendance.objects.filter(enrolment=failing, status="absent").count() == 3
    move_project(project=running.project, action="close", actor=world.county_admin)

    entries = CreditEntry.objects.filter(source_ref=f"project:{running.project.pk}")
    assert sorted(entries.values_list("person_id", flat=True)) == sorted(p.pk for p in running.teachers[:2])
    assert {entry.hours for entry in entries} == {Decimal("24.0")}
    assert not entries.filter(person=failing.person).exists()
    assert Result.objects.get(enrolment=failing).passed is False
    assert AuditEvent.objects.filter(action="hours_posted", target_id=str(running.project.pk)).count() == 1


def test_posting_again_posts_nothing_new(world):
    running = running_project(world, size=2)
    mark_all(running, lessons_past(running.project, 2))
    move_project(project=running.project, action="assess", actor=world.county_admin)
    move_project(project=running.project, action="close", actor=world.county_admin)
    before = CreditEntry.objects.count()
    summary = services.post_hours(project=running.project, actor=world.county_admin)
    assert (summary.posted, summary.reversed, summary.unchanged) == (0, 0, 2)
    assert CreditEntry.objects.count() == before


def test_reopening_and_failing_a_trainee_reverses_their_hours_and_a_change_reposts(world):
    running = running_project(world, size=2, hours_credited=Decimal("24"))
    lessons = lessons_past(running.project, 3)
    mark_all(running, lessons)
    project = running.project
    move_project(project=project, action="assess", actor=world.county_admin)
    move_project(project=project, action="close", actor=world.county_admin)
    first, second = running.enrolments
    move_project(project=project, action="reopen", actor=world.county_admin, reason="考勤登记有误")
    # The register is corrected: the second trainee missed every lesson.
    for lesson in lessons:
        attendance_services.mark(lesson=lesson, enrolment=second, status="absent", actor=world.county_admin)
    move_project(project=project, action="close", actor=world.county_admin)

    entries = CreditEntry.objects.filter(person=second.person, source_ref=f"project:{project.pk}")
    assert sorted(entry.hours for entry in entries) == [Decimal("-24.0"), Decimal("24.0")]
    assert entries.filter(reverses__isnull=False).count() == 1
    assert not HoursPosting.objects.filter(enrolment=second, active=True).exists()
    assert CreditEntry.objects.filter(person=first.person, source_ref=f"project:{project.pk}").count() == 1


def test_a_new_scheme_version_that_changes_the_hours_reverses_and_posts_a_new_revision(world):
    running = running_project(world, size=1)
    mark_all(running, lessons_past(running.project, 3))
    project = running.project
    move_project(project=project, action="assess", actor=world.county_admin)
    move_project(project=project, action="close", actor=world.county_admin)
    move_project(project=project, action="reopen", actor=world.county_admin, reason="按出勤折算学时")
    text = services.selectors.current_version(project).text.replace("prorate: none", "prorate: attendance")
    services.save_version(project=project, text=text, actor=world.county_admin)
    # One lesson of three is now marked absent (not more than a third): 66.7 % of 24 hours,
    # rounded down to the half hour.
    lesson = project.lessons.order_by("starts_at").first()
    attendance_services.mark(
        lesson=lesson, enrolment=running.enrolments[0], status="absent", actor=world.county_admin
    )
    move_project(project=project, action="close", actor=world.county_admin)
    postings = HoursPosting.objects.filter(enrolment=running.enrolments[0]).order_by("revision")
    assert [(p.revision, p.hours, p.active) for p in postings] == [
        (1, Decimal("24.0"), False),
        (2, Decimal("16.0"), True),
    ]
    assert CreditEntry.objects.filter(person=running.teachers[0]).count() == 3


def test_lessons_not_marked_become_absent_when_they_close(world):
    running = running_project(world, size=2)
    (lesson,) = lessons_past(running.project, 1)
    attendance_services.mark(
        lesson=lesson, enrolment=running.enrolments[0], status="present", actor=running.tutor_user
    )
    assert attendance_services.close_due_lessons(timezone.now()) == 1
    assert set(Attendance.objects.filter(lesson=lesson).values_list("status", flat=True)) == {
        "present",
        "absent",
    }
    assert attendance_services.close_due_lessons(timezone.now()) == 0


def test_the_results_page_says_why_the_project_cannot_close_yet_and_the_close_is_still_refused(world, client):
    running = running_project(world, size=3)
    lessons = lessons_past(running.project, 3)
    mark_all(running, lessons)
    move_project(project=running.project, action="assess", actor=world.county_admin)
    client.force_login(world.county_admin)
    url = reverse("assessment:results", args=[running.project.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="close-blocked"' not in page
    assert re.search(r'data-testid="close-project" data-confirm', page)

    Result.objects.filter(enrolment=running.enrolments[0]).update(status="provisional")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "1 个结果仍为暂定" in page
    assert 'href="?filter=provisional"' in page
    assert re.search(r'data-testid="close-project" disabled', page)
    # The service keeps its own refusal (the close recomputes first, then refuses what is still
    # provisional).
    with pytest.raises(ResultsProvisionalError):
        services.require_final_results(running.project)
