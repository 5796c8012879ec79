"""Writes for lessons: a project's delivery settings, scheduling, editing and cancelling lessons
(closing one marks attendance: peixun.delivery.services.attendance). Every change that touches a
trainee's marks is announced on delivery.hooks.marks_changed, in its transaction."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peixun.accounts.models import User
from peixun.audit import events
from peixun.delivery import hooks
from peixun.delivery.exceptions import ChainInvalidError, LessonClosedError, ProjectLockedError
from peixun.delivery.models import (
    DeliverySettings,
    Lesson,
    LessonStatus,
)
from peixun.delivery.rules import leave as leave_rules
from peixun.training.models import Cohort, Course, Enrolment, EnrolmentStatus, Project
from peixun.training.rules import lifecycle


def settings_for(project: Project) -> DeliverySettings:
    """The project's settings, or the defaults (unsaved) when it has none."""
    found = getattr(project, "_delivery_settings", None)
    if found is None:
        found = DeliverySettings.objects.filter(project=project).first() or DeliverySettings(project=project)
        project._delivery_settings = found  # type: ignore[attr-defined]  # a per-instance cache, not a field
    return found


def require_status(project: Project, allowed: frozenset) -> None:
    if project.status not in allowed:
        raise ProjectLockedError


@transaction.atomic
def save_settings(
    *,
    project: Project,
    actor: User,
    code_period: int,
    opens_before: int,
    late_after: int,
    chain: list[dict],
    request: HttpRequest | None = None,
) -> DeliverySettings:
    try:
        steps = leave_rules.parse_chain(chain)
    except leave_rules.ChainInvalid:
        raise ChainInvalidError from None
    found, _created = DeliverySettings.objects.update_or_create(
        project=project,
        defaults={
            "code_period": code_period,
            "opens_before": opens_before,
            "late_after": late_after,
            "leave_chain": leave_rules.chain_json(steps),
        },
    )
    project._delivery_settings = found  # type: ignore[attr-defined]  # the per-instance cache of settings_for
    events.record(
        action="delivery_settings_saved",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={
            "code_period": code_period,
            "opens_before": opens_before,
            "late_after": late_after,
            "chain": found.leave_chain,
        },
        request=request,
    )
    return found


@dataclass(frozen=True)
class LessonData:
    topic: str
    starts_at: datetime
    ends_at: datetime
    cohort: Cohort | None = None
    course: Course | None = None
    trainer: str = ""
    place: str = ""
    online_url: str = ""


def _apply(lesson: Lesson, data: LessonData) -> None:
    lesson.topic = data.topic.strip()
    lesson.starts_at = data.starts_at
    lesson.ends_at = data.ends_at
    lesson.cohort = data.cohort
    lesson.course = data.course
    lesson.trainer = data.trainer.strip()
    lesson.place = data.place.strip()
    lesson.online_url = data.online_url.strip()


@transaction.atomic
def create_lesson(
    *, project: Project, data: LessonData, actor: User, request: HttpRequest | None = None
) -> Lesson:
    require_status(project, lifecycle.SCHEDULING)
    lesson = Lesson(project=project, created_by=actor if getattr(actor, "pk", None) else None)
    _apply(lesson, data)
    lesson.full_clean(exclude=["project", "created_by"])
    lesson.save()
    events.record(
        action="lesson_scheduled",
        actor=actor,
        target=lesson,
        org_path=project.organiser.path,
        changes={"topic": lesson.topic, "starts_at": lesson.starts_at.isoformat()},
        request=request,
    )
    _inputs_changed(project)
    return lesson


@transaction.atomic
def update_lesson(
    *, lesson: Lesson, data: LessonData, actor: User, request: HttpRequest | None = None
) -> Lesson:
    lesson = (
        Lesson.objects.select_for_update(no_key=True).select_related("project__organiser").get(pk=lesson.pk)
    )
    require_status(lesson.project, lifecycle.SCHEDULING)
    if lesson.status != LessonStatus.SCHEDULED:
        raise LessonClosedError
    before = {
        "topic": lesson.topic,
        "starts_at": lesson.starts_at.isoformat(),
        "ends_at": lesson.ends_at.isoformat(),
    }
    _apply(lesson, data)
    lesson.full_clean(exclude=["project", "created_by"])
    lesson.save()
    after = {
        "topic": lesson.topic,
        "starts_at": lesson.starts_at.isoformat(),
        "ends_at": lesson.ends_at.isoformat(),
    }
    events.record(
        action="lesson_changed",
        actor=actor,
        target=lesson,
        org_path=lesson.project.organiser.path,
        changes=events.diff(before, after),
        request=request,
    )
    _inputs_changed(lesson.project)
    return lesson


@transaction.atomic
def cancel_lesson(
    *, lesson: Lesson, actor: User, reason: str = "", request: HttpRequest | None = None
) -> Lesson:
    """A cancelled lesson counts for nobody; marks already taken are kept but no longer count."""
    lesson = (
        Lesson.objects.select_for_update(no_key=True).select_related("project__organiser").get(pk=lesson.pk)
    )
    require_status(lesson.project, lifecycle.SCHEDULING)
    if lesson.status == LessonStatus.CANCELLED:
        return lesson
    lesson.status = LessonStatus.CANCELLED
    lesson.save(update_fields=["status", "updated_at"])
    events.record(
        action="lesson_changed",
        actor=actor,
        target=lesson,
        org_path=lesson.project.organiser.path,
        changes={"status": ["scheduled", "cancelled"], **({"reason": reason} if reason else {})},
        request=request,
    )
    _inputs_changed(lesson.project)
    return lesson


def lessons_ahead(project: Project, *, now: datetime | None = None) -> QuerySet[Lesson]:
    """The project's lessons not yet held: scheduled and not yet begun."""
    now = now or timezone.now()
    return Lesson.objects.filter(project=project, status=LessonStatus.SCHEDULED, starts_at__gt=now).order_by(
        "starts_at", "pk"
    )


@transaction.atomic
def cancel_lessons_ahead(
    *,
    project: Project,
    lesson_ids: Iterable[int],
    actor: User,
    request: HttpRequest | None = None,
) -> int:
    """Cancel the lessons the organiser was shown as not yet held (only those, only if still
    scheduled), before moving the project to assessment; each cancellation is audited. How many."""
    wanted = {int(pk) for pk in lesson_ids}
    cancelled = 0
    for lesson in Lesson.objects.filter(project=project, pk__in=wanted, status=LessonStatus.SCHEDULED):
        cancel_lesson(
            lesson=lesson, actor=actor, reason=str(_("not held before assessment")), request=request
        )
        cancelled += 1
    return cancelled


def trainees(lesson: Lesson) -> QuerySet[Enrolment]:
    """The enrolled trainees a lesson is for: its class, or the whole project."""
    queryset = Enrolment.objects.filter(project_id=lesson.project_id, status=EnrolmentStatus.ENROLLED)
    if lesson.cohort_id:
        queryset = queryset.filter(cohort_id=lesson.cohort_id)
    return queryset


def lessons_of(enrolment: Enrolment) -> QuerySet[Lesson]:
    """The trainee's lessons, held or to come, cancelled ones left out."""
    return (
        Lesson.objects.filter(project_id=enrolment.project_id)
        .exclude(status=LessonStatus.CANCELLED)
        .filter(Q(cohort__isnull=True) | Q(cohort_id=enrolment.cohort_id))
    )


def _inputs_changed(project: Project, enrolment_ids: Iterable[int] | None = None) -> None:
    """Announce that the marks of these trainees (everyone when None) changed: assessment recomputes."""
    hooks.marks_changed.run(project=project, enrolment_ids=enrolment_ids)
