"""The demo's training funds: a fee of 120 元 per trainee on the demo projects, the demo school's
statement with one payment, budget figures for two schools with some spending, and the demo
school's book subsidy list, so the finance pages show them."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Max, Min

from peixun.finance import services
from peixun.finance.exceptions import NothingToChargeError
from peixun.orgs.models import GrantRole, Org, OrgKind
from peixun.training.models import Enrolment, Project

FEE = Decimal("120")


def seed_finance(*, school: Org, county: Org, today: date) -> None:
    users = get_user_model().objects
    author = users.filter(grants__role=GrantRole.BUREAU_ADMIN).first() or users.order_by("pk").first()
    if author is None:
        return
    Project.objects.filter(fee_per_trainee=0).update(fee_per_trainee=FEE)
    span = Enrolment.objects.filter(school=school).aggregate(
        first=Min("project__starts_on"), last=Max("project__starts_on")
    )
    if span["first"] and span["last"]:
        try:
            statement = services.issue_statement(
                school=school, period_from=span["first"], period_to=span["last"], actor=author
            )
        except NothingToChargeError:
            statement = None
        if statement is not None:
            services.record_payment(
                statement=statement,
                amount=(statement.total / 2).quantize(Decimal("0.01")),
                paid_on=today - timedelta(days=3),
                reference="ZH-2026-0001",
                actor=author,
            )
    other = (
        Org.objects.filter(path__startswith=county.path, kind=OrgKind.SCHOOL)
        .exclude(pk=school.pk)
        .order_by("path")
        .first()
    )
    for org, pay, public in ((school, "8600000", "600000"), (other, "5200000", "350000")):
        if org is not None:
            services.save_budget(
                school=org,
                year=today.year,
                teacher_pay=Decimal(pay),
                public_funds=Decimal(public),
                actor=author,
            )
    services.record_spending(
        school=school,
        year=today.year,
        kind="school_based",
        amount=Decimal("36000"),
        spent_on=date(today.year, 1, 1),
        note="校本研修专家讲座与资料",
        actor=author,
    )
    year = today.year if today.month >= 9 else today.year - 1
    services.generate_subsidies(school=school, year=year, actor=author)
