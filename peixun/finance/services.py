"""Writes of training funds, each in one transaction and audited: the year's rules, fee statements
and their payments, a school's budget figures and spending, and the book subsidy lists."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from peixun.accounts.models import User
from peixun.audit import events
from peixun.finance import selectors
from peixun.finance.exceptions import NotASchoolError, NothingToChargeError, OverpaymentError
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
from peixun.finance.rules import subsidies as subsidy_rules
from peixun.lib.dates import format_date_zh
from peixun.lib.money import ZERO, format_yuan, yuan
from peixun.orgs.models import Org, OrgKind, Person, PersonStatus

POLICY_FIELDS = ("pay_share", "public_share", "book_subsidy", "late_withdrawal_owes")


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _school(org: Org) -> None:
    if org.kind != OrgKind.SCHOOL:
        raise NotASchoolError()


@transaction.atomic
def save_year(*, year: int, data: dict, actor: User, request: HttpRequest | None = None) -> FinanceYear:
    policy = FinanceYear.objects.select_for_update().filter(year=year).first() or FinanceYear(year=year)
    before = {name: str(getattr(policy, name)) for name in POLICY_FIELDS}
    for name in POLICY_FIELDS:
        setattr(policy, name, data[name])
    policy.updated_by = _actor(actor)
    policy.save()
    after = {name: str(getattr(policy, name)) for name in POLICY_FIELDS}
    events.record(
        action="finance_year_saved",
        actor=actor,
        target=policy,
        request=request,
        changes={"year": year, **events.diff(before, after)},
    )
    return policy


@transaction.atomic
def issue_statement(
    *, school: Org, period_from: date, period_to: date, actor: User, request: HttpRequest | None = None
) -> Statement:
    """A statement of every fee the school owes for projects starting in the period that is not on
    an earlier statement. Refused when there is none."""
    _school(school)
    Org.objects.select_for_update().filter(pk=school.pk).first()  # one issue per school at a time
    found = selectors.charges(school, period_from, period_to)
    if not found:
        raise NothingToChargeError()
    statement = Statement.objects.create(
        school=school,
        org_path=school.path,
        period_from=period_from,
        period_to=period_to,
        total=sum((charge.amount for charge in found), ZERO),
        created_by=_actor(actor),
    )
    StatementLine.objects.bulk_create(
        StatementLine(
            statement=statement,
            enrolment=charge.enrolment,
            project=charge.enrolment.project,
            person=charge.enrolment.person,
            amount=charge.amount,
            standing=charge.standing,
        )
        for charge in found
    )
    events.record(
        action="finance_statement_issued",
        actor=actor,
        target=statement,
        org_path=school.path,
        request=request,
        target_repr=f"{school.name} {format_date_zh(period_from)}—{format_date_zh(period_to)}",
        changes={"school": school.name, "trainees": len(found), "amount": format_yuan(statement.total)},
    )
    return statement


@transaction.atomic
def record_payment(
    *,
    statement: Statement,
    amount: Decimal,
    paid_on: date,
    reference: str,
    actor: User,
    confirm_overpayment: bool = False,
    request: HttpRequest | None = None,
) -> Payment:
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    amount = yuan(amount)
    if amount <= ZERO:
        raise ValueError("amount")
    balance = statement.total - selectors.paid_on(statement)
    if amount > balance and not confirm_overpayment:
        raise OverpaymentError(amount=format_yuan(amount), balance=format_yuan(max(balance, ZERO)))
    payment = Payment.objects.create(
        statement=statement,
        amount=amount,
        paid_on=paid_on,
        reference=reference.strip()[:80],
        created_by=_actor(actor),
    )
    events.record(
        action="finance_payment_recorded",
        actor=actor,
        target=statement,
        org_path=statement.org_path,
        request=request,
        changes={
            "amount": format_yuan(amount),
            "paid_on": format_date_zh(paid_on),
            "reference": payment.reference,
            **({"overpayment": format_yuan(amount - max(balance, ZERO))} if amount > balance else {}),
        },
    )
    return payment


def _budget(school: Org, year: int, teacher_pay: Decimal, public_funds: Decimal, actor: User | None) -> dict:
    budget = SchoolBudget.objects.select_for_update().filter(school=school, year=year).first()
    before = (
        {"teacher_pay": format_yuan(budget.teacher_pay), "public_funds": format_yuan(budget.public_funds)}
        if budget
        else {}
    )
    if budget is None:
        budget = SchoolBudget(school=school, org_path=school.path, year=year)
    budget.teacher_pay = yuan(teacher_pay)
    budget.public_funds = yuan(public_funds)
    budget.updated_by = _actor(actor)
    budget.save()
    after = {"teacher_pay": format_yuan(budget.teacher_pay), "public_funds": format_yuan(budget.public_funds)}
    return events.diff(before, after)


@transaction.atomic
def save_budget(
    *,
    school: Org,
    year: int,
    teacher_pay: Decimal,
    public_funds: Decimal,
    actor: User,
    request: HttpRequest | None = None,
) -> None:
    _school(school)
    changes = _budget(school, year, teacher_pay, public_funds, actor)
    events.record(
        action="finance_budget_saved",
        actor=actor,
        target=school,
        org_path=school.path,
        request=request,
        changes={"year": year, **changes},
    )


def import_budget(
    *, school: Org, year: int, teacher_pay: Decimal, public_funds: Decimal, actor: User | None
) -> bool:
    """One imported row (inside the import's transaction); whether anything changed."""
    return bool(_budget(school, year, teacher_pay, public_funds, actor))


@transaction.atomic
def record_spending(
    *,
    school: Org,
    year: int,
    kind: str,
    amount: Decimal,
    spent_on: date,
    note: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Spending:
    _school(school)
    spending = Spending.objects.create(
        school=school,
        org_path=school.path,
        year=year,
        kind=SpendingKind(kind),
        amount=yuan(amount),
        spent_on=spent_on,
        note=note.strip()[:200],
        created_by=_actor(actor),
    )
    events.record(
        action="finance_spending_recorded",
        actor=actor,
        target=school,
        org_path=school.path,
        request=request,
        changes={
            "year": year,
            "kind": spending.get_kind_display(),
            "amount": format_yuan(spending.amount),
            "note": spending.note,
        },
    )
    return spending


@transaction.atomic
def generate_subsidies(*, school: Org, year: int, actor: User, request: HttpRequest | None = None) -> int:
    """The book subsidy of every active teacher of the school for the school year, at the year's
    amount; teachers already on a list (this school's or another's) are left alone. How many were
    added."""
    _school(school)
    amount = selectors.finance_year(year).book_subsidy
    active = Person.objects.filter(org=school, status=PersonStatus.ACTIVE).values_list("pk", flat=True)
    already = BookSubsidy.objects.filter(year=year, person__org=school).values_list("person_id", flat=True)
    missing = subsidy_rules.missing(active, already)
    BookSubsidy.objects.bulk_create(
        [
            BookSubsidy(person_id=pk, school=school, org_path=school.path, year=year, amount=amount)
            for pk in missing
        ],
        ignore_conflicts=True,
    )
    events.record(
        action="finance_subsidies_generated",
        actor=actor,
        target=school,
        org_path=school.path,
        request=request,
        changes={"year": year, "created": len(missing), "amount": format_yuan(amount)},
    )
    return len(missing)


@transaction.atomic
def mark_subsidies_paid(
    *,
    school: Org,
    rows: QuerySet[BookSubsidy],
    paid_on: date,
    actor: User,
    request: HttpRequest | None = None,
) -> int:
    count = rows.filter(paid_on__isnull=True).update(paid_on=paid_on)
    if count:
        events.record(
            action="finance_subsidies_paid",
            actor=actor,
            target=school,
            org_path=school.path,
            request=request,
            changes={"count": count, "paid_on": format_date_zh(paid_on)},
        )
    return count
