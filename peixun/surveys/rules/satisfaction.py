"""Satisfaction (RULES F1), pure: the Likert scale, a rate from the answers, and whether a rate
keeps a trainer or a project type eligible next year. No Django."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The five Likert answers, best first, stored as these codes.
LIKERT = ("5", "4", "3", "2", "1")
# Which answers count as satisfied unless a template says otherwise: 非常满意 and 满意.
DEFAULT_TOP = ("5", "4")
DEFAULT_THRESHOLD = Decimal("80")


@dataclass(frozen=True)
class Rate:
    """Likert answers counted (`answered`) and how many of them were satisfied; `percent` is None
    while nothing was answered — unknown is not zero."""

    satisfied: int = 0
    answered: int = 0

    @property
    def percent(self) -> Decimal | None:
        if not self.answered:
            return None
        value = Decimal(self.satisfied) * 100 / Decimal(self.answered)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def __add__(self, other: "Rate") -> "Rate":
        return Rate(self.satisfied + other.satisfied, self.answered + other.answered)


def rate(values: list[str], top: tuple[str, ...] | list[str]) -> Rate:
    """The rate of Likert answers `values` (codes of LIKERT; anything else is not counted)."""
    counted = [value for value in values if value in LIKERT]
    return Rate(sum(1 for value in counted if value in top), len(counted))


def below(rate_: Rate, threshold: Decimal) -> bool:
    """Whether a known rate is under the threshold (an unknown rate never refuses)."""
    percent = rate_.percent
    return percent is not None and percent < threshold


def distribution(values: list[str], options: list[str]) -> list[tuple[str, int, Decimal]]:
    """(option, count, share in percent) for each option, in the options' order; a multiple-choice
    answer is a list and counts for each option chosen."""
    counts = dict.fromkeys(options, 0)
    total = 0
    for value in values:
        chosen = value if isinstance(value, list) else [value]
        if chosen:
            total += 1
        for option in chosen:
            if option in counts:
                counts[option] += 1
    return [
        (
            option,
            count,
            (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if total
            else Decimal("0"),
        )
        for option, count in counts.items()
    ]
