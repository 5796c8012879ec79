"""The waitlist: free places go to the waitlisted in order, each through `take_places`."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from peixun.lib.dates import format_date_zh
from peixun.training import selectors
from peixun.training.exceptions import ProjectFullError, QuotaFullError
from peixun.training.models import Enrolment, Project
from peixun.training.rules import lifecycle
from peixun.training.services import notify
from peixun.training.services.enrolment.common import (
    S,
    admitted_status,
    record,
    stage_notice,
    teacher,
)
from peixun.training.services.enrolment.places import take_places

PROMOTION_SCAN = 500


def promote_waitlist(*, project: Project, now: datetime | None = None) -> list[Enrolment]:
    """Fill free places from the waitlist, in order, skipping people whose school has used its
    quota. With a confirmation window the place is offered (and lapses if not confirmed);
    without one the person is enrolled at once. Call inside a transaction."""
    project = Project.objects.get(pk=project.pk)
    if not project.waitlist or project.status not in lifecycle.BEFORE_ASSESSMENT or project.places_left <= 0:
        return []
    now = now or timezone.now()
    promoted: list[Enrolment] = []
    for candidate in selectors.waitlist(project)[:PROMOTION_SCAN]:
        status, stage = admitted_status(project)
        fields: dict = {"stage": stage}
        if status == S.ENROLLED and project.confirm_hours:
            status, fields["offer_expires_at"] = S.OFFERED, now + timedelta(hours=project.confirm_hours)
        # The row is flipped first (`… WHERE status = 'waitlisted'`), so two concurrent
        # withdrawals cannot promote one person twice; a refused place undoes the flip.
        try:
            with transaction.atomic():
                if not Enrolment.objects.filter(pk=candidate.pk, status=S.WAITLISTED).update(
                    status=status, updated_at=now, **fields
                ):
                    continue
                take_places(project, {candidate.school_id: 1})
        except QuotaFullError:
            continue
        except ProjectFullError:
            break
        candidate.project = project
        record(candidate, "enrolment_changed", None, status=[S.WAITLISTED, status], promoted=True)
        if status == S.OFFERED:
            deadline = timezone.localtime(fields["offer_expires_at"])
            notify.send(
                teacher(candidate),
                "place_offered",
                project=project,
                deadline=f"{format_date_zh(deadline.date())} {deadline:%H:%M}",
            )
        elif status == S.PENDING:
            stage_notice(candidate)
        else:
            notify.send(teacher(candidate), "promoted", project=project)
        promoted.append(candidate)
    return promoted
