"""Template filters shared by every page: dates as 2026年9月1日, hours to one decimal."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from peixun.lib import dates

register = template.Library()


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


@register.filter
def zh_date(value: date | datetime | None) -> str:
    """2026年9月1日; a datetime is shown as its local date. Empty for None."""
    if value is None or value == "":
        return ""
    return dates.format_date_zh(_local_date(value))


@register.filter
def zh_month_day(value: date | datetime | None) -> str:
    """9月1日 (a datetime's local date), for compact column heads. Empty for None."""
    if value is None or value == "":
        return ""
    day = _local_date(value)
    return f"{day.month}月{day.day}日"


@register.filter
def zh_datetime(value: datetime | None) -> str:
    """2026年9月1日 14:05 in the server's time zone (Asia/Shanghai)."""
    if value is None or value == "":
        return ""
    return dates.format_datetime_zh(value)


@register.filter
def hours(value) -> str:
    """Credit hours (学时) to one decimal: 12 → "12.0"."""
    if value is None or value == "":
        return ""
    return dates.format_hours(value)


@register.filter
def role_labels(codes) -> str:
    """A person's role codes as their labels, joined with 、 (unknown codes shown as they are)."""
    from peixun.orgs.models import PersonRole

    labels = dict(PersonRole.choices)
    return "、".join(str(labels.get(code, code)) for code in codes or [])


@register.filter
def tag_labels(codes) -> str:
    """Tag codes of credit entries in words where the vocabulary knows them (师德教育 for ethics)."""
    from peixun.policies.rules.codes import KNOWN_TAGS

    return "、".join(KNOWN_TAGS.get(code, code) for code in codes or [])


@register.filter
def action_label(action: str) -> str:
    """An audit action code as its label."""
    from peixun.audit.events import ACTIONS

    return str(ACTIONS.get(action, action))


@register.filter
def changes_summary(changes) -> str:
    """An audit row's changes ({field: [before, after]} or plain values) on one line; times stored
    with their offset (UTC) are shown in local time, dates as 2026年9月1日."""
    if not changes:
        return ""
    if not isinstance(changes, dict):
        return str(changes)
    parts = []
    for key, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:  # a [before, after] pair
            before, after = ("—" if item in (None, "") else dates.format_stamp(item) for item in value)
            parts.append(f"{key}: {before} → {after}")
        else:
            parts.append(f"{key}: {dates.format_stamp(value)}")
    return "; ".join(parts)
