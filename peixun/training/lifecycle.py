"""The lifecycle's hook: the steps other apps take when a project moves (ADR 0023).

The table of moves is peixun.training.rules.lifecycle; training makes each move
(`services.projects.transition_project`) and then runs the steps registered for it, in their order.
The apps that must act register in their `AppConfig.ready()` — training never imports them:

    assess  10 delivery     close the remaining lessons
            20 assessment   recompute the results
    close   10 assessment   recompute the results
            15 assessment   refuse while a result is provisional (work to grade, not yet due …)
            20 assessment   post the hours to the ledger
            30 certificates revoke the certificates no longer supported

The steps run inside the move's transaction, after the new status is saved and before the audit row
and the notices; each is called as `step(project=…, actor=…, request=…)`. A step that fails stops
the move: `StepFailedError` names the step and where to put it right, and the whole move — the
status, what earlier steps wrote — is rolled back, so a project is never left between two states.
Side effects outside the database belong in `transaction.on_commit`.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peixun.core.exceptions import DomainError
from peixun.core.hooks import Registry
from peixun.training.exceptions import StepFailedError
from peixun.training.models import ProjectStatus
from peixun.training.rules import lifecycle as table

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    """One app's part of a move: what it runs, what it does and where to fix it, in words."""

    run: Callable[..., object]
    does: str | Promise  # "recompute the results"
    fix_at: str | Promise  # "the project's assessment scheme"


STEPS: dict[str, Registry[Step]] = {action: Registry(f"project {action}") for action in table.TRANSITIONS}


def register_step(
    transition: str, order: int, run: Callable[..., object], *, name: str, does, fix_at
) -> None:
    """Run `run(project=…, actor=…, request=…)` at place `order` whenever a project makes the
    `transition` (an action of the table)."""
    if transition not in STEPS:
        raise ValueError(f"no transition {transition!r} in the lifecycle table")
    STEPS[transition].add(Step(run, does, fix_at), order=order, name=name)


def steps(transition: str) -> list[Step]:
    return STEPS[transition].entries()


def run_steps(*, project, transition: str, before: str, actor, request=None) -> None:
    """Run the steps of `transition` for `project` (already saved in its new state), in order.
    Call inside the move's transaction: a failure raises StepFailedError and rolls it all back."""
    for step in steps(transition):
        try:
            step.run(project=project, actor=actor, request=request)
        except DomainError as error:
            raise _failed(project, before, step, error) from error
        except Exception as error:
            logger.exception("lifecycle step failed: project=%s transition=%s", project.pk, transition)
            raise _failed(project, before, step, _("An unexpected error occurred; it was logged.")) from error


def _failed(project, before: str, step: Step, reason) -> StepFailedError:
    # Every part is put into words when the message is shown, in the reader's language. A refusal
    # that knows where it is put right (its `fix`: the tag repair page for a tag off the list)
    # says so instead of the step's usual place, with the link.
    fix = getattr(reason, "fix", None)
    error = StepFailedError(
        target=ProjectStatus(project.status).label,
        step=step.does,
        reason=reason,
        where=fix.where if fix is not None else step.fix_at,
        status=ProjectStatus(before).label,
    )
    error.fix = fix
    return error
