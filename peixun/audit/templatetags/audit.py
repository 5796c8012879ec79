"""Template filters of the audit log."""

from django import template

from peixun.audit.events import ACTIONS, field_label
from peixun.lib import dates

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """An audit action code as its label."""
    return str(ACTIONS.get(action, action))


@register.filter
def audit_changes(changes) -> str:
    """An event's changes on one line with each key as its Chinese label: `状态：草稿 → 已发布`."""
    if not changes:
        return ""
    if not isinstance(changes, dict):
        return str(changes)
    parts = []
    for key, value in changes.items():
        label = field_label(str(key))
        if isinstance(value, list | tuple) and len(value) == 2:  # a [before, after] pair
            before, after = ("—" if item in (None, "") else dates.format_stamp(item) for item in value)
            parts.append(f"{label}：{before} → {after}")
        else:
            parts.append(f"{label}：{dates.format_stamp(value)}")
    return "；".join(parts)


@register.filter
def actor_label(event) -> str:
    """Who acted: the person's name when the account has one, else the username recorded."""
    actor = event.actor
    if actor is not None:
        return actor.display_name()
    return event.actor_name
