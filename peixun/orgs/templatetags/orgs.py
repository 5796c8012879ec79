"""Template filters of the org tree's vocabulary."""

from django import template

from peixun.orgs.access import has_perm
from peixun.orgs.models import PersonRole

register = template.Library()


@register.filter
def role_labels(codes) -> str:
    """A person's role codes as their labels, joined with 、 (unknown codes shown as they are)."""
    labels = dict(PersonRole.choices)
    return "、".join(str(labels.get(code, code)) for code in codes or [])


@register.filter
def holds(user, perm: str) -> bool:
    """Whether the user holds `perm` anywhere (orgs.access.has_perm): a link to a page the user
    could not open is not shown. `{% if request.user|holds:"quality.compare" %}`"""
    return bool(user and user.is_authenticated and has_perm(user, perm))
