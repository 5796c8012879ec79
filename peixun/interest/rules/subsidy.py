"""A tutor's subsidy for one term of interest groups (RULES F6, C11; seed 000 篇3 §四): each
session held earns the term's class-hours per session; a session missing its lesson plan, its
graded homework or its signed register earns nothing; a group without its term plan loses the
plan deduction (2 class-hours), and each staged test planned but not held loses the test
deduction (2 class-hours). A tutor's class-hours never fall below 0; yuan = class-hours × rate.

Every line says in words what it counts, so the page and the payment workbook explain the figure.
Pure Python (no Django): tested as plain functions.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from peixun.lib.dates import format_date_zh, format_hours

ZERO = Decimal("0")
LESSON_PLAN = "lesson_plan"
HOMEWORK = "homework"
REGISTER = "register"
ITEM_NAMES = {LESSON_PLAN: "教案", HOMEWORK: "作业批改", REGISTER: "学生签名的辅导登记表"}


@dataclass(frozen=True)
class Rates:
    hours_per_session: Decimal
    plan_deduction: Decimal
    test_deduction: Decimal
    yuan_per_hour: Decimal


@dataclass(frozen=True)
class LessonFacts:
    held_on: date
    lesson_plan: bool
    homework: bool
    register: bool

    @property
    def missing(self) -> tuple[str, ...]:
        flags = {LESSON_PLAN: self.lesson_plan, HOMEWORK: self.homework, REGISTER: self.register}
        return tuple(item for item, present in flags.items() if not present)


@dataclass(frozen=True)
class GroupFacts:
    name: str
    has_plan: bool
    tests_planned: int
    tests_held: int
    lessons: Sequence[LessonFacts]


@dataclass(frozen=True)
class Line:
    """One line of the explanation: the group, what it counts, and its class-hours (negative for
    a deduction; 0 for an unpaid session)."""

    group: str
    text: str
    hours: Decimal


@dataclass(frozen=True)
class Subsidy:
    lines: tuple[Line, ...]
    gross: Decimal  # the sum of the lines
    hours: Decimal  # never below 0
    yuan: Decimal


def group_lines(rates: Rates, group: GroupFacts) -> list[Line]:
    lines: list[Line] = []
    for lesson in sorted(group.lessons, key=lambda item: item.held_on):
        missing = lesson.missing
        if missing:
            names = "、".join(ITEM_NAMES[item] for item in missing)
            text = f"{format_date_zh(lesson.held_on)}辅导：缺{names}，本次不发补助"
            lines.append(Line(group.name, text, ZERO))
        else:
            text = f"{format_date_zh(lesson.held_on)}辅导：{format_hours(rates.hours_per_session)}课时"
            lines.append(Line(group.name, text, rates.hours_per_session))
    if not group.has_plan:
        text = f"缺辅导计划：扣{format_hours(rates.plan_deduction)}课时"
        lines.append(Line(group.name, text, -rates.plan_deduction))
    missing_tests = max(group.tests_planned - group.tests_held, 0)
    if missing_tests:
        deduction = rates.test_deduction * missing_tests
        text = (
            f"计划检测评估{group.tests_planned}次、已完成{group.tests_held}次，"
            f"缺{missing_tests}次：每次扣{format_hours(rates.test_deduction)}课时，共扣{format_hours(deduction)}课时"
        )
        lines.append(Line(group.name, text, -deduction))
    return lines


def compute(rates: Rates, groups: Sequence[GroupFacts]) -> Subsidy:
    """The subsidy of one tutor for the term over all the groups they tutor."""
    lines = [line for group in groups for line in group_lines(rates, group)]
    gross = sum((line.hours for line in lines), ZERO)
    if gross < ZERO:
        # Never below 0: the floor is a line of its own, so the lines always add up to the hours.
        lines.append(Line("", f"扣减多于应发课时（{format_hours(gross)}），按0课时计", -gross))
    hours = max(gross, ZERO)
    amount = (hours * rates.yuan_per_hour).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Subsidy(lines=tuple(lines), gross=gross, hours=hours, yuan=amount)
