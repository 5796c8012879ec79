"""Template filters of the audit log."""

from django import template

from peixun.audit.events import ACTIONS

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """An audit action code as its label."""
    return str(ACTIONS.get(action, action))
