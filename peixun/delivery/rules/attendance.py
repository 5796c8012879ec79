"""Counting attendance (no Django): what each status counts as, a trainee's tally, the attendance
rate and the absence limit (RULES D2: absent from more than one third of the lessons fails).

Official leave (公假) counts as present; personal and sick leave count as absence when the
assessment scheme says so (the default), because the trainee missed the lesson all the same.
A lesson not yet marked counts as nothing until it closes, when it becomes absent.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PRESENT = "present"
LATE = "late"
ABSENT = "absent"
LEAVE_PERSONAL = "leave_personal"
LEAVE_SICK = "leave_sick"
LEAVE_OFFICIAL = "leave_official"
STATUSES = (PRESENT, LATE, ABSENT, LEAVE_PERSONAL, LEAVE_SICK, LEAVE_OFFICIAL)
LEAVE = (LEAVE_PERSONAL, LEAVE_SICK, LEAVE_OFFICIAL)


@dataclass(frozen=True)
class Tally:
    """A trainee's marks over the lessons held so far, and how many lessons there are in all."""

    planned: int = 0
    present: int = 0
    late: int = 0
    absent: int = 0
    leave_personal: int = 0
    leave_sick: int = 0
    leave_official: int = 0
    ahead: int = 0  # lessons not yet held and not yet marked: where an absence can still happen

    @classmethod
    def of(cls, statuses: Iterable[str], planned: int, ahead: int = 0) -> "Tally":
        counts = dict.fromkeys(STATUSES, 0)
        for status in statuses:
            if status in counts:
                counts[status] += 1
        return cls(planned=planned, ahead=ahead, **counts)

    @property
    def marked(self) -> int:
        return sum(getattr(self, status) for status in STATUSES)

    @property
    def attended(self) -> int:
        return self.present + self.late + self.leave_official

    def absences(self, leave_counts: bool = True) -> int:
        missed = self.absent
        if leave_counts:
            missed += self.leave_personal + self.leave_sick
        return missed

    def counted(self, leave_counts: bool = True) -> int:
        """The marked lessons the rate is taken over: all of them when leave counts as missed
        class (the default, RULES D2), else those not on personal or sick leave."""
        if leave_counts:
            return self.marked
        return self.marked - self.leave_personal - self.leave_sick

    def rate(self, leave_counts: bool = True) -> Decimal:
        """Attended lessons as a percentage of the lessons marked so far (100 before any). Leave
        (事假, 病假) is a lesson not attended, unless the scheme excuses it (`leave_counts` false:
        those lessons are left out); official leave (公假) counts as attended."""
        counted = self.counted(leave_counts)
        if not counted:
            return Decimal(100)
        return (Decimal(self.attended) * 100 / counted).quantize(Decimal("0.1"), ROUND_HALF_UP)


def parse_share(text: str | Decimal | Fraction) -> Fraction:
    """ "1/3", "0.25" or a number as an exact fraction between 0 and 1."""
    value = Fraction(str(text).strip()) if not isinstance(text, Fraction) else text
    if not 0 <= value <= 1:
        raise ValueError("a share lies between 0 and 1")
    return value


def absence_limit(planned: int, max_share: Fraction) -> int:
    """The most absences that do not fail: absences × 1 > planned × share fails."""
    return int(planned * max_share)  # floor


def over_limit(absences: int, planned: int, max_share: Fraction) -> bool:
    return planned > 0 and absences > absence_limit(planned, max_share)


def absences_left(tally: Tally, max_share: Fraction, leave_counts: bool = True) -> int:
    """How many more absences the trainee can have without failing (negative once over)."""
    return absence_limit(tally.planned, max_share) - tally.absences(leave_counts)


def needs_warning(tally: Tally, max_share: Fraction, leave_counts: bool = True) -> bool:
    """True when one more absence would cross the limit and a lesson where it could happen is still
    ahead (the teacher is told before it happens, and only while it can)."""
    return tally.planned > 0 and tally.ahead > 0 and absences_left(tally, max_share, leave_counts) == 0


UPCOMING = "upcoming"
RUNNING = "running"
ENDED = "ended"
CANCELLED = "cancelled"


def lesson_phase(status: str, starts_at: datetime, ends_at: datetime, now: datetime) -> str:
    """Where a lesson stands by the clock: cancelled, ended (closed, or past its end), running
    (between its start and end) or upcoming. `status` is the stored one (scheduled, closed,
    cancelled)."""
    if status == CANCELLED:
        return CANCELLED
    if status == "closed" or now >= ends_at:
        return ENDED
    if now >= starts_at:
        return RUNNING
    return UPCOMING
