"""Template filters of training: a project's state against the lifecycle's named sets, and a move's
label."""

from django import template

from peixun.training.rules import lifecycle
from peixun.training.wording import TRANSITION_LABELS

register = template.Library()


@register.filter
def status_in(status: str, name: str) -> bool:
    """Whether `status` is in the named set of peixun.training.rules.lifecycle (`"FINAL"` …); an
    unknown name is an error, not a silent False."""
    states = getattr(lifecycle, name)
    if not isinstance(states, frozenset):
        raise template.TemplateSyntaxError(f"{name} is not a set of states")
    return status in states


@register.filter
def transition_label(action: str) -> str:
    """A lifecycle move as its button says it."""
    return str(TRANSITION_LABELS.get(action, action))
