"""Terms and yearly obligations of a title (RULES E7, A13), pure: a title is held for a term of
years from its start; each school year its holder owes concentrated training hours and hours of
school-based guidance; a title is due for renewal or removal when its term ends."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


def term_end(starts_on: date, years: int) -> date:
    """The last day of a term of `years` starting on `starts_on` (29 February → 28 February)."""
    year = starts_on.year + years
    try:
        return date(year, starts_on.month, starts_on.day) - timedelta(days=1)
    except ValueError:
        return date(year, starts_on.month, 28)


def school_year_of(day: date, start_month: int = 9) -> int:
    """The school year a day lies in, named by the calendar year it starts in (2026 = 2026/27)."""
    return day.year if day.month >= start_month else day.year - 1


def school_year_bounds(year: int, start_month: int = 9) -> tuple[date, date]:
    start = date(year, start_month, 1)
    return start, date(year + 1, start_month, 1) - timedelta(days=1)


def is_due(ends_on: date | None, today: date, window_days: int) -> bool:
    """Due for renewal or removal: the term ends within `window_days` from today, or has ended."""
    return ends_on is not None and ends_on <= today + timedelta(days=window_days)


@dataclass(frozen=True)
class Obligation:
    """One yearly obligation: what is required, what is done, and what is missing."""

    required: Decimal
    done: Decimal

    @property
    def met(self) -> bool:
        return self.done >= self.required

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.done, Decimal(0))

    @property
    def percent(self) -> int:
        if self.required <= 0:
            return 100
        return min(100, int(self.done * 100 / self.required))


@dataclass(frozen=True)
class Progress:
    concentrated: Obligation
    guidance: Obligation

    @property
    def met(self) -> bool:
        return self.concentrated.met and self.guidance.met


# Annual review outcomes: pass, a warning (kept, to be watched), removal.
PASS = "pass"  # noqa: S105  # an outcome, not a password
WARN = "warn"
REMOVE = "remove"


def suggested_outcome(progress: Progress, warned_last_year: bool) -> str:
    """What the review suggests: pass when every obligation is met; otherwise a warning, or removal
    after a warning the year before (dynamic management, 动态管理). The bureau decides."""
    if progress.met:
        return PASS
    return REMOVE if warned_last_year else WARN
