"""Template filters shared by every page: dates as 2026年9月1日, hours to one decimal, an audit row's
changes on one line. Filters of one app's vocabulary live in that app (`{% load orgs %}` …)."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from peixun.lib import dates, money

register = template.Library()


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


@register.filter
def yuan(value: object) -> str:
    """An amount in yuan with two decimals and thousands separators: 12,345.50."""
    return money.format_yuan(value)


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
def zh_iso(value) -> str:
    """An ISO date string (as certificate fields keep them) as 2026年9月1日; '' when empty."""
    try:
        return dates.format_date_zh(date.fromisoformat(str(value))) if value else ""
    except ValueError:
        return str(value)


@register.filter
def hours(value) -> str:
    """Credit hours (学时) to one decimal: 12 → "12.0"."""
    if value is None or value == "":
        return ""
    return dates.format_hours(value)


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


@register.filter
def get_item(mapping, key):
    """mapping[key], or None (for dicts keyed by id in templates)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
