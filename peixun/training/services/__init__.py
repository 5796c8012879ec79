"""Writes for training (keyword-only, typed, atomic, audited). Split by subject:
projects, enrolment, cohorts, codes, plans, clock; `move_project` is the one entry point for
lifecycle moves from pages and the API."""

from django.http import HttpRequest

from peixun.accounts.models import User
from peixun.training.models import Project
from peixun.training.services.clock import open_enrolment
from peixun.training.services.projects import transition_project


def move_project(
    *, project: Project, action: str, actor: User, reason: str = "", request: HttpRequest | None = None
) -> Project:
    """Make the lifecycle move `action` (peixun.training.rules.lifecycle) as `actor`."""
    if action == "open_enrolment":
        from peixun.training import access
        from peixun.training.exceptions import TransitionNotAllowedError

        if not access.can(actor, "training.manage", project):
            raise TransitionNotAllowedError
        return open_enrolment(project, actor=actor)
    return transition_project(project=project, action=action, actor=actor, reason=reason, request=request)
