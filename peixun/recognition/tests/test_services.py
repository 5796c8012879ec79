from datetime import date
from decimal import Decimal

import pytest

from peixun.audit.models import AuditEvent
from peixun.ledger.models import CreditEntry
from peixun.recognition import selectors, services
from peixun.recognition.exceptions import (
    DuplicateCertificateError,
    DuplicateOverrideRequiredError,
    NotAllowedError,
    ReasonRequiredError,
)
from peixun.recognition.models import ProjectRule, Status
from peixun.recognition.tests.factories import declaration_data, declare
from peixun.testing.factories import give_hours, make_project
from peixun.training.models import EnrolmentMode
from peixun.training.services.enrolment import plan_mandatory

pytestmark = pytest.mark.django_db


def _through(world, declaration, **bureau):
    services.review(declaration=declaration, step="school", approve=True, actor=world.coordinator_a1)
    return services.review(
        declaration=declaration, step="bureau", approve=True, actor=world.county_admin, **bureau
    )


def test_approved_by_school_then_bureau_posts_the_hours_once_as_recognition(world):
    declaration = declare(world.teacher_a1, world.teacher_user)
    assert declaration.status == Status.PENDING_SCHOOL
    declaration = _through(world, declaration)
    assert declaration.status == Status.APPROVED
    entry = CreditEntry.objects.get(person=world.teacher_a1)
    assert (entry.hours, entry.source, entry.level, entry.title) == (
        Decimal("12.0"),
        "recognition",
        "national",
        "新课标解读与教学设计",
    )
    assert entry.idempotency_key == f"recognition:{declaration.pk}"
    # A second click finds it approved: refused, nothing posted again.
    with pytest.raises(NotAllowedError):
        services.review(declaration=declaration, step="bureau", approve=True, actor=world.county_admin)
    assert CreditEntry.objects.filter(person=world.teacher_a1).count() == 1
    assert [s.after for s in declaration.steps.all()] == ["pending_school", "pending_bureau", "approved"]
    assert (
        AuditEvent.objects.filter(action="recognition_reviewed", target_id=str(declaration.pk)).count() == 2
    )


def test_returned_with_a_reason_corrected_and_resubmitted_or_withdrawn(world):
    declaration = declare(world.teacher_a1, world.teacher_user)
    with pytest.raises(ReasonRequiredError):
        services.review(declaration=declaration, step="school", approve=False, actor=world.coordinator_a1)
    services.review(
        declaration=declaration, step="school", approve=False, note="证书看不清", actor=world.coordinator_a1
    )
    declaration.refresh_from_db()
    assert (declaration.status, declaration.school_note) == (Status.RETURNED, "证书看不清")
    services.resubmit(
        declaration=declaration,
        data=declaration_data(hours=Decimal("10")),
        proof=None,
        actor=world.teacher_user,
    )
    declaration.refresh_from_db()
    assert (declaration.status, declaration.hours, declaration.has_proof) == (
        Status.PENDING_SCHOOL,
        Decimal("10.0"),
        True,
    )
    services.withdraw(declaration=declaration, actor=world.teacher_user)
    declaration.refresh_from_db()
    assert declaration.status == Status.WITHDRAWN
    with pytest.raises(NotAllowedError):
        services.review(declaration=declaration, step="school", approve=True, actor=world.coordinator_a1)


def test_a_duplicate_needs_an_override_and_the_same_approved_certificate_is_refused(world):
    first = _through(world, declare(world.teacher_a1, world.teacher_user))
    # Same course, overlapping dates, another certificate number: approved only with a reason.
    second = declare(
        world.teacher_a1, world.teacher_user, certificate_no="ZH2026-0002", starts_on=date(2026, 3, 20)
    )
    services.review(declaration=second, step="school", approve=True, actor=world.coordinator_a1)
    assert [f.kind for f in selectors.duplicates(second)] == ["same_course"]
    with pytest.raises(DuplicateOverrideRequiredError):
        services.review(declaration=second, step="bureau", approve=True, actor=world.county_admin)
    second.refresh_from_db()
    assert second.status == Status.PENDING_BUREAU
    services.review(
        declaration=second, step="bureau", approve=True, actor=world.county_admin, override="两期不同的课程"
    )
    assert CreditEntry.objects.filter(person=world.teacher_a1).count() == 2
    # Someone else's declaration with the approved certificate number: never approved.
    third = declare(world.teacher_a2, None, course="别的课程", certificate_no=first.certificate_no.lower())
    services.review(declaration=third, step="school", approve=True, actor=world.coordinator_a1)
    with pytest.raises(DuplicateCertificateError):
        services.review(
            declaration=third, step="bureau", approve=True, actor=world.county_admin, override="x"
        )
    assert not CreditEntry.objects.filter(person=world.teacher_a2).exists()


def test_hours_imported_from_a_platform_for_the_same_course_are_shown_beside_it(world):
    give_hours(
        world.teacher_a1, 12, title="新课标解读与教学设计", earned_on=date(2026, 3, 31), source="direct"
    )
    declaration = declare(world.teacher_a1, world.teacher_user)
    found = selectors.duplicates(declaration)
    assert [(f.kind, f.entry.title) for f in found] == [("in_ledger", "新课标解读与教学设计")]


def test_a_project_that_says_so_leaves_out_teachers_with_recognised_city_level_training(world):
    project = make_project(world.county_a, project_type="all_staff", enrolment_mode=EnrolmentMode.MANDATORY)
    _through(world, declare(world.teacher_a1, world.teacher_user, level="city"))
    everyone = {m.person_id for m in plan_mandatory(project).people}
    assert world.teacher_a1.pk in everyone
    ProjectRule.objects.create(project=project, city_level_exempts=True)
    plan = plan_mandatory(project)
    assert world.teacher_a1.pk not in {m.person_id for m in plan.people}
    assert plan.exempted == {world.teacher_a1.pk: "新课标解读与教学设计"}
