from datetime import date
from decimal import Decimal

import pytest

from peixun.audit.models import AuditEvent
from peixun.finance import selectors, services
from peixun.finance.exceptions import NotASchoolError, NothingToChargeError, OverpaymentError
from peixun.finance.models import BookSubsidy, FinanceYear, StatementLine
from peixun.finance.tests.factories import enrol, fee_project, trainees
from peixun.orgs.models import Org
from peixun.testing.factories import make_person

pytestmark = pytest.mark.django_db

YEAR_FROM, YEAR_TO = date(2026, 1, 1), date(2026, 12, 31)


def _issue(world, school=None):
    return services.issue_statement(
        school=school or world.school_a1, period_from=YEAR_FROM, period_to=YEAR_TO, actor=world.city_admin
    )


def test_the_school_owes_for_the_enrolled_failed_included_and_late_withdrawals_never_twice(world):
    project = fee_project(world)
    fee_project(world, fee_payer="teacher")  # the teacher pays: not on the school's statement
    fee_project(world, starts_on=date(2027, 1, 5))  # outside the period
    teacher, failed, _early, late = trainees(world, project)
    enrol(fee_project(world, fee="0"), teacher)  # free project
    statement = _issue(world)
    lines = {line.person_id: line for line in statement.lines.all()}
    assert set(lines) == {teacher.pk, failed.pk, late.pk}
    assert lines[failed.pk].standing == "不合格" and lines[failed.pk].amount == Decimal("120.00")
    assert lines[late.pk].standing == "开班后退出" and lines[teacher.pk].standing == "合格"
    assert statement.total == Decimal("360.00")
    assert AuditEvent.objects.filter(
        action="finance_statement_issued", org_path=world.school_a1.path
    ).exists()
    with pytest.raises(NothingToChargeError):
        _issue(world)  # every fee is already on a statement
    assert StatementLine.objects.count() == 3


def test_the_years_rule_can_spare_late_withdrawals_and_only_schools_get_statements(world):
    FinanceYear.objects.create(year=2026, late_withdrawal_owes=False)
    project = fee_project(world)
    teacher, failed, _early, _late = trainees(world, project)
    statement = _issue(world)
    assert set(statement.lines.values_list("person_id", flat=True)) == {teacher.pk, failed.pk}
    with pytest.raises(NotASchoolError):
        _issue(world, world.county_a)


def test_payments_balance_and_an_overpayment_needs_confirmation(world):
    project = fee_project(world)
    trainees(world, project)
    statement = _issue(world)
    services.record_payment(
        statement=statement,
        amount=Decimal("300"),
        paid_on=date(2026, 4, 1),
        reference="BK-1",
        actor=world.city_admin,
    )
    with pytest.raises(OverpaymentError) as refused:
        services.record_payment(
            statement=statement,
            amount=Decimal("100"),
            paid_on=date(2026, 4, 2),
            reference="BK-2",
            actor=world.city_admin,
        )
    assert "60.00" in str(refused.value)
    services.record_payment(
        statement=statement,
        amount=Decimal("100"),
        paid_on=date(2026, 4, 2),
        reference="BK-2",
        actor=world.city_admin,
        confirm_overpayment=True,
    )
    view = selectors.statement_view(statement)
    assert view.paid == Decimal("400.00") and view.balance == Decimal("-40.00")
    event = AuditEvent.objects.filter(action="finance_payment_recorded").order_by("pk").last()
    assert event.changes["overpayment"] == "40.00"
    [row] = [row for row in selectors.balances(Org.objects.filter(pk=world.school_a1.pk))]
    assert (row.owed, row.paid, row.statements) == (Decimal("360.00"), Decimal("400.00"), 1)


def test_subsidies_once_per_active_teacher_and_a_second_run_adds_only_the_missing(world):
    FinanceYear.objects.create(year=2026, book_subsidy=Decimal("200"))
    make_person(world.school_a1, "退休者", status="retired")
    make_person(world.school_a1, "离岗者", status="away")
    assert services.generate_subsidies(school=world.school_a1, year=2026, actor=world.coordinator_a1) == 1
    assert services.generate_subsidies(school=world.school_a1, year=2026, actor=world.coordinator_a1) == 0
    newcomer = make_person(world.school_a1, "新教师")
    assert services.generate_subsidies(school=world.school_a1, year=2026, actor=world.coordinator_a1) == 1
    rows = BookSubsidy.objects.filter(year=2026)
    assert set(rows.values_list("person_id", flat=True)) == {world.teacher_a1.pk, newcomer.pk}
    assert {row.amount for row in rows} == {Decimal("200.00")}
    paid = services.mark_subsidies_paid(
        school=world.school_a1, rows=rows, paid_on=date(2026, 10, 8), actor=world.coordinator_a1
    )
    assert paid == 2 and not rows.filter(paid_on__isnull=True).exists()


def test_the_report_sums_spending_by_kind_against_the_shares_and_finds_who_falls_short(world):
    project = fee_project(world)
    trainees(world, project)
    _issue(world)  # 360 of fees
    services.save_budget(
        school=world.school_a1,
        year=2026,
        teacher_pay=Decimal("200000"),
        public_funds=Decimal("20000"),
        actor=world.coordinator_a1,
    )
    services.record_spending(
        school=world.school_a1,
        year=2026,
        kind="school_based",
        amount=Decimal("840"),
        spent_on=date(2026, 5, 1),
        note="校本研修专家讲座",
        actor=world.coordinator_a1,
    )
    services.generate_subsidies(school=world.school_a1, year=2026, actor=world.coordinator_a1)  # 4 × 200
    services.mark_subsidies_paid(
        school=world.school_a1,
        rows=BookSubsidy.objects.all(),
        paid_on=date(2026, 10, 8),
        actor=world.coordinator_a1,
    )
    services.save_budget(
        school=world.school_a2,
        year=2026,
        teacher_pay=Decimal("100000"),
        public_funds=Decimal("1"),
        actor=world.city_admin,
    )
    schools = Org.objects.filter(pk__in=[world.school_a1.pk, world.school_a2.pk, world.school_b1.pk])
    rows = {row.name: row for row in selectors.budget_rows(schools, 2026)}
    a1 = rows["东湖实验小学"]
    assert a1.spent == {
        "fees": Decimal("360.00"),
        "school_based": Decimal("840.00"),
        "books": Decimal("800.00"),
        "travel": 0,
        "other": 0,
    }
    assert a1.pay_check.required == Decimal("3000.00") and a1.pay_check.shortfall == Decimal("1000.00")
    assert a1.public_check.required == Decimal("1000.00") and not a1.public_check.short
    assert a1.short and rows["东湖第一中学"].short
    assert not rows["西山中心小学"].known and not rows["西山中心小学"].short  # unknown, not failing
    districts = {row.name: row for row in selectors.district_rows(list(rows.values()), 2026)}
    assert (districts["东湖区"].schools, districts["东湖区"].short_schools) == (2, 2)
    assert districts["西山县"].teacher_pay is None
