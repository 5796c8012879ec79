"""Template filters of the audit log."""

from django import template

from peixun.audit.events import ACTIONS, field_label, value_label
from peixun.audit.models import AuditEvent
from peixun.lib import dates

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """An audit action code as its label."""
    return str(ACTIONS.get(action, action))


@register.filter
def audit_changes(event_or_changes) -> str:
    """An event's changes on one line with each key as its Chinese label and each coded value in
    words (given the event; its bare `changes` keep their codes): `状态：草稿 → 已发布`."""
    action = ""
    changes = event_or_changes
    if isinstance(event_or_changes, AuditEvent):
        action, changes = event_or_changes.action, event_or_changes.changes
    if not changes:
        return ""
    if not isinstance(changes, dict):
        return str(changes)

    def shown(key: str, value: object) -> str:
        value = value_label(action, key, value)
        return "—" if value in (None, "") else dates.format_stamp(value)

    parts = []
    for key, value in changes.items():
        label = field_label(str(key), action)
        if isinstance(value, list | tuple) and len(value) == 2:  # a [before, after] pair
            parts.append(f"{label}：{shown(str(key), value[0])} → {shown(str(key), value[1])}")
        else:
            parts.append(f"{label}：{dates.format_stamp(value_label(action, str(key), value))}")
    return "；".join(parts)


@register.filter
def actor_label(event) -> str:
    """Who acted: the person's name when the account has one, else the username recorded."""
    actor = event.actor
    if actor is not None:
        return actor.display_name()
    return event.actor_name
