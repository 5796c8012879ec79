"""Training spending against the required shares (RULES F5): at least `pay_share` % of teachers'
pay (performance pay included) and at least `public_share` % of the school's public funds. Unknown
figures stay unknown (None), never zero."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from peixun.lib.money import CENT, ZERO


@dataclass(frozen=True)
class Check:
    base: Decimal | None
    share: Decimal
    required: Decimal | None
    shortfall: Decimal | None

    @property
    def known(self) -> bool:
        return self.required is not None

    @property
    def short(self) -> bool:
        return self.shortfall is not None and self.shortfall > ZERO


def required(base: Decimal, share_percent: Decimal) -> Decimal:
    return (base * share_percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def check(spent: Decimal, base: Decimal | None, share_percent: Decimal) -> Check:
    if base is None:
        return Check(None, share_percent, None, None)
    need = required(base, share_percent)
    return Check(base, share_percent, need, max(need - spent, ZERO))


def actual_share(spent: Decimal, base: Decimal | None) -> Decimal | None:
    """The spending as a percentage of `base`, two places (None when base is unknown or zero)."""
    if not base:
        return None
    return (spent * Decimal(100) / base).quantize(CENT, rounding=ROUND_HALF_UP)
