"""Moving a project to assessment from delivery's confirmation page: the lessons not yet held are
cancelled first when the organiser chooses so (each audited), then the move is made — in one
transaction, so a refused move cancels nothing. Without that choice the lifecycle step refuses the
move while lessons are ahead (peixun.delivery.steps): a lesson not held never counts as an absence."""

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

from peixun.accounts.models import User
from peixun.delivery.services.lessons import cancel_lessons_ahead
from peixun.training.models import Project
from peixun.training.services import move_project


@transaction.atomic
def move_to_assessment(
    *,
    project: Project,
    actor: User,
    cancel_lesson_ids: Iterable[int] = (),
    request: HttpRequest | None = None,
) -> Project:
    """Cancel the lessons shown as not yet held (those of `cancel_lesson_ids`), then move the
    project to assessment. Refused (LessonsAheadError, nothing written) when a lesson is still ahead."""
    ids = list(cancel_lesson_ids)
    if ids:
        cancel_lessons_ahead(project=project, lesson_ids=ids, actor=actor, request=request)
    return move_project(project=project, action="assess", actor=actor, request=request)
