"""The end of the enrolment window: the lottery is drawn, and a project below its minimum size
is cancelled."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from peixun.accounts.models import User
from peixun.training.models import EnrolmentMode, LotteryDraw, Project, ProjectStatus
from peixun.training.services.enrolment.lottery import draw_lottery
from peixun.training.services.projects import transition_project


def close_window(*, project: Project, now: datetime | None = None, actor: User | None = None) -> Project:
    """When the window closes: draw the lottery (if any), then cancel the project if fewer than its
    minimum size hold places, telling everyone concerned. Done once per project."""
    now = now or timezone.now()
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.window_closed_at is not None or project.status != ProjectStatus.ENROLLING:
            return project
        if (
            project.enrolment_mode == EnrolmentMode.LOTTERY
            and not LotteryDraw.objects.filter(project=project).exists()
        ):
            draw_lottery(project=project, actor=actor, now=now)
            project.refresh_from_db()
        Project.objects.filter(pk=project.pk).update(window_closed_at=now)
        project.window_closed_at = now
        if project.min_size and project.places_taken < project.min_size:
            reason = gettext("Only %(count)s enrolled, fewer than the minimum of %(minimum)s.") % {
                "count": project.places_taken,
                "minimum": project.min_size,
            }
            project = transition_project(
                project=project, action="cancel", actor=actor, reason=reason, check_perm=False
            )
    return project
