"""Template tags of delivery: an attendance mark as a badge.

The attendance table shows one mark per trainee and lesson (a class of 100 over 30 lessons is
3,000 cells): a tag that looks each badge up in a per-language table costs a dictionary read per
cell, where an included template cost a template render (about ten times the whole rest of the page).
"""

import functools

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

_BADGES: dict[str, dict[str, SafeString]] = {}


def _badges() -> dict[str, SafeString]:
    """{status: badge HTML} in the active language. Approved leave shows as 请假 with its kind:
    personal and sick leave count as missed class (RULES D2), official leave as attended."""
    missed = _("Approved leave: counts as missed class")
    official = _("Official leave: counts as attended")

    def badge(css: str, label: str, title: str = "") -> SafeString:
        if title:
            return format_html('<span class="badge mark {}" title="{}">{}</span>', css, title, label)
        return format_html('<span class="badge mark {}">{}</span>', css, label)

    return {
        "present": badge("mark-present", _("Present")),
        "late": badge("mark-late", _("Late")),
        "absent": badge("mark-absent", _("Absent")),
        "leave_personal": badge("mark-leave", _("Leave (personal)"), missed),
        "leave_sick": badge("mark-leave", _("Leave (sick)"), missed),
        "leave_official": badge("mark-official", _("Leave (official)"), official),
        "-": mark_safe('<span class="text-muted">·</span>'),
        "": badge("mark-none", _("Not marked")),
    }


def _table() -> dict[str, SafeString]:
    language = get_language() or ""
    table = _BADGES.get(language)
    if table is None:
        table = _BADGES[language] = _badges()
    return table


@register.simple_tag
def mark_badge(status: str | None) -> SafeString:
    """The badge of an attendance mark; anything unknown or empty shows as 未标记."""
    table = _table()
    return table.get(status or "", table[""])


@register.simple_tag
def mark_cells(cells: list[str]) -> SafeString:
    """A row of the attendance table: one cell per lesson, each the mark's badge."""
    table = _table()
    unmarked = table[""]
    return mark_safe(  # noqa: S308 - the badges are built by format_html
        "".join(f'<td class="text-center">{table.get(status or "", unmarked)}</td>' for status in cells)
    )


@functools.lru_cache(maxsize=32)
def _choice_parts(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """(value, label) escaped once per set of choices (one per language)."""
    return tuple((escape(value), escape(label)) for value, label in choices)


@register.simple_tag
def mark_choices(pk: int, shown: str, choices: tuple[tuple[str, str], ...]) -> SafeString:
    """The register row's radio buttons, one per mark, the shown one checked. A row of the register
    has six of them, a class of 100 six hundred: built here in one pass from parts escaped once
    rather than by a template loop."""
    key = int(pk)
    return mark_safe(  # noqa: S308 - every part is escaped (_choice_parts) or an int
        "".join(
            f'<input type="radio" class="btn-check" name="status-{key}" id="mark-{key}-{value}" '
            f'value="{value}" autocomplete="off"{" checked" if shown == raw else ""} '
            f'data-testid="mark-{key}-{value}"><label class="btn btn-mark mark-{value}" '
            f'for="mark-{key}-{value}">{label}</label>'
            for (raw, _label), (value, label) in zip(choices, _choice_parts(choices), strict=True)
        )
    )
