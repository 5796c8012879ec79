"""Reads of training funds: the year's rules, what a school owes (to be charged, charged, paid),
the schools' balances, the budget report per school and per district, and the subsidy lists."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from peixun.assessment.models import ResultStatus
from peixun.finance.models import (
    BookSubsidy,
    FinanceYear,
    Payment,
    SchoolBudget,
    Spending,
    SpendingKind,
    Statement,
    StatementLine,
)
from peixun.finance.rules import fees, shares
from peixun.lib.money import ZERO
from peixun.orgs.models import Org, OrgKind
from peixun.training.models import Enrolment, FeePayer
from peixun.training.rules import lifecycle


def finance_year(year: int) -> FinanceYear:
    """The year's rules; a year nobody edited yet has the seeds' defaults (unsaved)."""
    return FinanceYear.objects.filter(year=year).first() or FinanceYear(year=year)


@dataclass(frozen=True)
class Charge:
    enrolment: Enrolment
    amount: Decimal
    standing: str


def _standing(enrolment: Enrolment) -> str:
    if enrolment.status == fees.WITHDRAWN:
        return "开班后退出"
    result = getattr(enrolment, "result", None)
    if result is None or result.status == ResultStatus.PROVISIONAL:
        return "待评分"
    return "合格" if result.status == ResultStatus.PASSED else "不合格"


def charges(school: Org, period_from: date, period_to: date) -> list[Charge]:
    """The fees `school` owes for its trainees in the projects that started within the period and
    that are not yet on a statement: per RULES F4 and F8 (peixun.finance.rules.fees)."""
    enrolments = (
        Enrolment.objects.filter(
            school=school,
            status__in=[fees.ENROLLED, fees.WITHDRAWN],
            project__fee_payer=FeePayer.SCHOOL,
            project__fee_per_trainee__gt=0,
            project__starts_on__gte=period_from,
            project__starts_on__lte=period_to,
            project__status__in=lifecycle.DELIVERED,
        )
        .exclude(pk__in=StatementLine.objects.values("enrolment_id"))
        .select_related("project", "person", "result")
        .order_by("project__starts_on", "project_id", "person__name_pinyin", "id")
    )
    years: dict[int, FinanceYear] = {}
    found: list[Charge] = []
    for enrolment in enrolments:
        project = enrolment.project
        starts_on: date = project.starts_on  # type: ignore[assignment]  # filtered on a start date above
        policy = years.setdefault(starts_on.year, finance_year(starts_on.year))
        charge = fees.Charge(
            enrolment.status,
            starts_on,
            timezone.localtime(enrolment.updated_at).date() if enrolment.status == fees.WITHDRAWN else None,
        )
        if fees.owes(charge, late_withdrawal_owes=policy.late_withdrawal_owes):
            found.append(Charge(enrolment, project.fee_per_trainee, _standing(enrolment)))
    return found


def paid_on(statement: Statement) -> Decimal:
    return statement.payments.aggregate(total=Sum("amount"))["total"] or ZERO


@dataclass
class Balance:
    school: Org
    owed: Decimal = ZERO
    paid: Decimal = ZERO
    statements: int = 0

    @property
    def balance(self) -> Decimal:
        return self.owed - self.paid


def balances(schools: QuerySet[Org]) -> list[Balance]:
    """What each school owes and paid over all its statements, schools with statements first."""
    rows = {school.pk: Balance(school) for school in schools.order_by("path")}
    owed = (
        Statement.objects.filter(school__in=schools)
        .values("school_id")
        .annotate(total=Sum("total"))
        .values_list("school_id", "total")
    )
    for school_id, total in owed:
        rows[school_id].owed = total or ZERO
    for school_id, count in (
        Statement.objects.filter(school__in=schools)
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    ):
        rows[school_id].statements = count
    paid = (
        Payment.objects.filter(statement__school__in=schools)
        .values("statement__school_id")
        .annotate(total=Sum("amount"))
        .values_list("statement__school_id", "total")
    )
    for school_id, total in paid:
        rows[school_id].paid = total or ZERO
    return sorted(rows.values(), key=lambda row: (row.statements == 0, row.school.path))


@dataclass
class StatementView:
    statement: Statement
    lines: list[StatementLine]
    payments: list[Payment]
    paid: Decimal
    balance: Decimal


def statement_view(statement: Statement) -> StatementView:
    lines = list(statement.lines.select_related("project", "person"))
    payments = list(statement.payments.all())
    paid = sum((payment.amount for payment in payments), ZERO)
    return StatementView(statement, lines, payments, paid, statement.total - paid)


# Budgets against the required shares (F5)
FEES = "fees"
BOOKS = "books"
KINDS: tuple[str, ...] = (FEES, SpendingKind.SCHOOL_BASED, BOOKS, SpendingKind.TRAVEL, SpendingKind.OTHER)


@dataclass
class BudgetRow:
    name: str
    school: Org | None
    teacher_pay: Decimal | None
    public_funds: Decimal | None
    spent: dict[str, Decimal] = field(default_factory=dict)
    pay_check: shares.Check | None = None
    public_check: shares.Check | None = None
    schools: int = 1
    short_schools: int = 0

    @property
    def total(self) -> Decimal:
        return sum(self.spent.values(), ZERO)

    @property
    def short(self) -> bool:
        return bool(
            (self.pay_check and self.pay_check.short) or (self.public_check and self.public_check.short)
        )

    @property
    def known(self) -> bool:
        return self.teacher_pay is not None

    @property
    def pay_ratio(self) -> Decimal | None:
        return shares.actual_share(self.total, self.teacher_pay)

    @property
    def public_ratio(self) -> Decimal | None:
        return shares.actual_share(self.total, self.public_funds)


def _sums(queryset, school_field: str, amount_field: str) -> dict[int, Decimal]:
    return {
        school_id: total or ZERO
        for school_id, total in queryset.values(school_field)
        .annotate(total=Sum(amount_field))
        .values_list(school_field, "total")
    }


def budget_rows(schools: QuerySet[Org], year: int) -> list[BudgetRow]:
    """One row per school: its figures, its spending by kind, and the two checks of the year's
    shares (unknown when the school's figures are not entered)."""
    policy = finance_year(year)
    budgets = {
        budget.school_id: budget for budget in SchoolBudget.objects.filter(school__in=schools, year=year)
    }
    spent: dict[str, dict[int, Decimal]] = {
        FEES: _sums(
            StatementLine.objects.filter(statement__school__in=schools, project__starts_on__year=year),
            "statement__school_id",
            "amount",
        ),
        BOOKS: _sums(
            BookSubsidy.objects.filter(school__in=schools, paid_on__year=year), "school_id", "amount"
        ),
    }
    for kind in (SpendingKind.SCHOOL_BASED, SpendingKind.TRAVEL, SpendingKind.OTHER):
        spent[kind] = _sums(
            Spending.objects.filter(school__in=schools, year=year, kind=kind), "school_id", "amount"
        )
    rows = []
    for school in schools.order_by("path"):
        budget = budgets.get(school.pk)
        row = BudgetRow(
            school.name,
            school,
            budget.teacher_pay if budget else None,
            budget.public_funds if budget else None,
            {kind: spent[kind].get(school.pk, ZERO) for kind in KINDS},
        )
        row.pay_check = shares.check(row.total, row.teacher_pay, policy.pay_share)
        row.public_check = shares.check(row.total, row.public_funds, policy.public_share)
        row.short_schools = int(row.short)
        rows.append(row)
    return rows


def district_rows(rows: list[BudgetRow], year: int) -> list[BudgetRow]:
    """The school rows summed per district (the county above each school): a district's figures
    count the schools that entered theirs; `short_schools` says how many fall short."""
    policy = finance_year(year)
    counties = {org.pk: org for org in Org.objects.filter(kind=OrgKind.COUNTY)}
    grouped: dict[int | None, list[BudgetRow]] = defaultdict(list)
    for row in rows:
        path = row.school.path if row.school is not None else ""
        ids = [int(segment) for segment in path.split("/") if segment]
        county = next((pk for pk in reversed(ids) if pk in counties), None)
        grouped[county].append(row)
    result = []
    for county, members in sorted(
        grouped.items(), key=lambda item: counties[item[0]].path if item[0] else ""
    ):
        known = [row for row in members if row.known]
        pay = sum((row.teacher_pay or ZERO for row in known), ZERO) if known else None
        public = sum((row.public_funds or ZERO for row in known), ZERO) if known else None
        spent = {kind: sum((row.spent[kind] for row in members), ZERO) for kind in KINDS}
        district = BudgetRow(counties[county].name if county else "—", None, pay, public, spent)
        known_spent = sum((row.total for row in known), ZERO)
        district.pay_check = shares.check(known_spent, pay, policy.pay_share)
        district.public_check = shares.check(known_spent, public, policy.public_share)
        district.schools = len(members)
        district.short_schools = sum(1 for row in members if row.short)
        result.append(district)
    return result


def subsidies(schools: QuerySet[Org], year: int) -> QuerySet[BookSubsidy]:
    return BookSubsidy.objects.filter(school__in=schools, year=year).select_related("person", "school")
