"""Time-driven moves, made by `manage.py training_tick` (run it every few minutes, see
docs/operations.md): open enrolment when the window opens, close it (lottery, minimum size) when it
closes, release unused quotas on their date, lapse unconfirmed offers, and start projects on their
first day. Each step is idempotent, so running the clock twice does nothing more."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from peixun.accounts.models import User
from peixun.training.models import EnrolmentStatus, Project, ProjectStatus, QuotaMode
from peixun.training.services import enrolment
from peixun.training.services.projects import transition_project


@dataclass
class TickReport:
    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    released: list[int] = field(default_factory=list)
    expired: int = 0
    started: list[int] = field(default_factory=list)


def open_enrolment(project: Project, *, actor: User | None = None, check_perm: bool = False) -> Project:
    """Open the window; proportional quotas are computed then, from the eligible headcounts."""
    project = transition_project(project=project, action="open_enrolment", actor=actor, check_perm=check_perm)
    if project.quota_mode == QuotaMode.PROPORTIONAL and not project.quotas.exists():
        enrolment.set_proportional_quotas(project=project, actor=actor)
    return project


def tick(now: datetime | None = None) -> TickReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = TickReport()
    for project in Project.objects.filter(status=ProjectStatus.PUBLISHED, enrol_opens_at__lte=now).filter(
        Q(enrol_closes_at__isnull=True) | Q(enrol_closes_at__gt=now)
    ):
        open_enrolment(project)
        report.opened.append(project.pk)
    for project in Project.objects.filter(
        status=ProjectStatus.ENROLLING, enrol_closes_at__lte=now, window_closed_at__isnull=True
    ):
        closed = enrolment.close_window(project=project, now=now)
        (report.cancelled if closed.status == ProjectStatus.CANCELLED else report.closed).append(project.pk)
    for project in Project.objects.filter(
        status=ProjectStatus.ENROLLING, quota_release_on__lte=today, quotas_released_at__isnull=True
    ).exclude(quota_mode=QuotaMode.NONE):
        enrolment.release_quotas(project=project, now=now)
        report.released.append(project.pk)
    for project in Project.objects.filter(
        enrolments__status=EnrolmentStatus.OFFERED, enrolments__offer_expires_at__lte=now
    ).distinct():
        report.expired += enrolment.expire_offers(project=project, now=now)
    for project in Project.objects.filter(
        status=ProjectStatus.ENROLLING, starts_on__lte=today, window_closed_at__isnull=False
    ):
        transition_project(project=project, action="start", actor=None, check_perm=False)
        report.started.append(project.pk)
    return report
