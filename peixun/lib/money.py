"""Money in yuan: Decimal, two places, never float (RULES F4, F5, F7); shown as 12,345.50."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def yuan(value: object) -> Decimal:
    """A Decimal of yuan to the fen, rounded half up; raises ValueError for what is not a number."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not amount.is_finite():
        raise ValueError(value)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_yuan(value: object) -> str:
    """12345.5 → "12,345.50"."""
    if value is None or value == "":
        return ""
    return f"{yuan(value):,.2f}"
