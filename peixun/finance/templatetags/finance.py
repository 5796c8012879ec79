"""`yuan`: an amount in yuan with two decimals and thousands separators (12,345.50)."""

from django import template

from peixun.finance.rules.money import format_yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    return format_yuan(value)
