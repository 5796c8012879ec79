"""Template tags of delivery: the leave requests waiting for the user, shown in the inbox, and small
filters for its pages."""

from django import template

from peixun.delivery.services.leave import waiting_for

register = template.Library()


@register.inclusion_tag("delivery/_inbox_leave.html", takes_context=True)
def leave_waiting(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"waiting": waiting_for(user) if user is not None else [], "request": request}


@register.filter
def get_item(mapping, key):
    """mapping[key], or None (for dicts keyed by id in templates)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def zh_iso(value) -> str:
    """An ISO date string (as certificate fields keep them) as 2026年9月1日; '' when empty."""
    from datetime import date

    from peixun.lib.dates import format_date_zh

    try:
        return format_date_zh(date.fromisoformat(str(value))) if value else ""
    except ValueError:
        return str(value)
