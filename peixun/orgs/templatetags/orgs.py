"""Template filters of the org tree's vocabulary."""

from django import template

from peixun.orgs.models import PersonRole

register = template.Library()


@register.filter
def role_labels(codes) -> str:
    """A person's role codes as their labels, joined with 、 (unknown codes shown as they are)."""
    labels = dict(PersonRole.choices)
    return "、".join(str(labels.get(code, code)) for code in codes or [])
