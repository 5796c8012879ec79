from decimal import Decimal

from peixun.surveys.rules import satisfaction
from peixun.surveys.rules.satisfaction import Rate


def test_the_rate_counts_the_top_answers_among_likert_answers_and_unknown_is_not_zero():
    assert satisfaction.rate(["5", "4", "3", "x", "1"], ("5", "4")) == Rate(2, 4)
    assert satisfaction.rate(["5", "4", "3", "1"], ("5", "4")).percent == Decimal("50.0")
    assert satisfaction.rate(["5", "4", "3"], ("5",)).percent == Decimal("33.3")
    assert Rate().percent is None
    assert not satisfaction.below(Rate(), Decimal("80"))
    assert satisfaction.below(Rate(79, 100), Decimal("80"))
    assert not satisfaction.below(Rate(4, 5), Decimal("80"))


def test_distribution_counts_each_option_chosen_with_shares():
    rows = satisfaction.distribution([["a", "b"], ["a"], "b", []], ["a", "b", "c"])
    assert rows == [("a", 2, Decimal("66.7")), ("b", 2, Decimal("66.7")), ("c", 0, Decimal("0.0"))]
