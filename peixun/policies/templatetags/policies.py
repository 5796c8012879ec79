"""Template filters of the policies' vocabulary."""

from django import template

from peixun.policies.rules.codes import KNOWN_TAGS, canonical_tag

register = template.Library()


@register.filter
def tag_labels(codes) -> str:
    """Tag codes of credit entries in words where the vocabulary knows them (师德教育 for ethics)."""
    return "、".join(KNOWN_TAGS.get(canonical_tag(code), code) for code in codes or [])
