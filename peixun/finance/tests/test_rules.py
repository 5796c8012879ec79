from datetime import date
from decimal import Decimal

import pytest

from peixun.finance.rules import fees, shares, subsidies
from peixun.lib.money import format_yuan, yuan

START = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("status", "withdrawn_on", "late_owes", "owed"),
    [
        ("enrolled", None, True, True),
        ("withdrawn", date(2026, 3, 1), True, False),
        ("withdrawn", START, True, True),
        ("withdrawn", date(2026, 3, 5), False, False),
        ("waitlisted", None, True, False),
    ],
)
def test_who_owes_the_fee(status, withdrawn_on, late_owes, owed):
    charge = fees.Charge(status, START, withdrawn_on)
    assert fees.owes(charge, late_withdrawal_owes=late_owes) is owed


def test_money_is_decimal_yuan_to_the_fen():
    assert yuan("1,234.565") == Decimal("1234.57")
    assert yuan(0.1) + yuan(0.2) == Decimal("0.30")
    assert format_yuan(Decimal("1234567.5")) == "1,234,567.50"
    with pytest.raises(ValueError):
        yuan("一百")


def test_shares_unknown_is_not_zero_and_shortfall_is_what_is_missing():
    unknown = shares.check(Decimal("100"), None, Decimal("1.5"))
    assert not unknown.known and not unknown.short
    short = shares.check(Decimal("10000"), Decimal("1000000"), Decimal("1.5"))
    assert short.required == Decimal("15000.00") and short.shortfall == Decimal("5000.00") and short.short
    met = shares.check(Decimal("60000"), Decimal("1000000"), Decimal("5"))
    assert not met.short and met.shortfall == Decimal("0.00")
    assert shares.actual_share(Decimal("15000"), Decimal("1000000")) == Decimal("1.50")


def test_subsidies_missing_only():
    assert subsidies.missing([3, 1, 2], [2]) == [1, 3]
