"""The pure rules of interest groups: the tutor's subsidy (F6) and the selection by score (B9)."""

from datetime import date, datetime
from decimal import Decimal

from peixun.interest.rules import selection, subsidy

RATES = subsidy.Rates(
    hours_per_session=Decimal("2"),
    plan_deduction=Decimal("2"),
    test_deduction=Decimal("2"),
    yuan_per_hour=Decimal("50"),
)


def _lesson(day: int, plan: bool = True, homework: bool = True, register: bool = True) -> subsidy.LessonFacts:
    return subsidy.LessonFacts(date(2026, 10, day), plan, homework, register)


def test_subsidy_leaves_a_session_missing_deliverables_unpaid_and_deducts_for_plan_and_tests():
    group = subsidy.GroupFacts(
        name="数学兴趣小组",
        has_plan=False,
        tests_planned=3,
        tests_held=1,
        lessons=[_lesson(9), _lesson(16, homework=False, register=False), _lesson(23), _lesson(30)],
    )
    result = subsidy.compute(RATES, [group])
    texts = [line.text for line in result.lines]
    assert "2026年10月16日辅导：缺作业批改、学生签名的辅导登记表，本次不发补助" in texts
    assert [line.hours for line in result.lines] == [2, 0, 2, 2, -2, -4]
    assert "缺辅导计划：扣2.0课时" in texts
    assert any("缺2次" in text and "共扣4.0课时" in text for text in texts)
    assert (result.hours, result.yuan) == (Decimal("0"), Decimal("0.00"))  # 6 − 2 − 4

    # Deductions never take a tutor below 0: the floor is a line of its own, so the lines add up.
    poor = subsidy.GroupFacts("英语兴趣小组", False, 2, 0, [_lesson(9, plan=False)])
    floored = subsidy.compute(RATES, [group, poor])
    assert floored.gross == Decimal("-6") and floored.hours == 0 and floored.yuan == 0
    assert sum(line.hours for line in floored.lines) == floored.hours
    assert "按0课时计" in floored.lines[-1].text

    complete = subsidy.GroupFacts("物理兴趣小组", True, 2, 2, [_lesson(9), _lesson(16)])
    paid = subsidy.compute(RATES, [complete])
    assert (paid.hours, paid.yuan) == (Decimal("4"), Decimal("200.00"))


def test_selection_takes_the_best_scores_up_to_capacity_ties_to_the_earlier_application():
    at = [datetime(2026, 9, 1, 8, minute) for minute in range(6)]  # noqa: DTZ001  # only the order matters
    applicants = [
        selection.Applicant(1, Decimal("80"), at[0]),
        selection.Applicant(2, Decimal("95"), at[1]),
        selection.Applicant(3, Decimal("88"), at[3]),
        selection.Applicant(4, Decimal("88"), at[2]),  # same score as 3, applied earlier
        selection.Applicant(5, None, at[4]),
        selection.Applicant(6, Decimal("70"), at[5]),
    ]
    result = selection.select(applicants, capacity=3)
    assert result.selected == (2, 4, 3)
    assert result.not_selected == (1, 6)
    assert result.unscored == (5,)
    assert selection.select(applicants, capacity=2).selected == (2, 4)
