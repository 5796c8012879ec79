"""Money of teacher training (RULES F4, F5, F7, F8): the year's policy (required shares, book
subsidy, late withdrawals), the fee statements of each school with their lines and payments, the
schools' yearly budget figures and training spending, and the book subsidies per teacher and year."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
# The seeds' figures (002 §二.4; 000 篇2 §三.3): a new year starts from them; the bureau edits them.
DEFAULT_PAY_SHARE = Decimal("1.50")
DEFAULT_PUBLIC_SHARE = Decimal("5.00")
DEFAULT_BOOK_SUBSIDY = Decimal("200.00")


def school_year_label(year: int) -> str:
    return f"{year}—{year + 1}学年"


class FinanceYear(models.Model):
    """The rules as data for one year: the shares of pay and of public funds a school's training
    spending must reach, the book subsidy per teacher for the school year starting that year, and
    whether a trainee who withdraws on or after the project's first day still owes the fee."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    pay_share = models.DecimalField(
        _("required share of teachers' pay (%)"), max_digits=5, decimal_places=2, default=DEFAULT_PAY_SHARE
    )
    public_share = models.DecimalField(
        _("required share of public funds (%)"), max_digits=5, decimal_places=2, default=DEFAULT_PUBLIC_SHARE
    )
    book_subsidy = models.DecimalField(
        _("book subsidy per teacher (yuan)"), default=DEFAULT_BOOK_SUBSIDY, **MONEY
    )
    late_withdrawal_owes = models.BooleanField(
        _("a trainee who withdraws after the project started still owes the fee"), default=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("finance year")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(pay_share__gte=0, public_share__gte=0), name="finance_shares"),
            models.CheckConstraint(condition=Q(book_subsidy__gte=0), name="finance_subsidy"),
        ]

    def __str__(self) -> str:
        return str(self.year)


class Statement(models.Model):
    """A Statement (缴费通知单) tells one school what it owes for the fees of its trainees in the
    projects that started within a period, trainee by trainee. An enrolment is charged on one
    statement only (StatementLine.enrolment is unique), so overlapping periods charge nobody twice."""

    school = models.ForeignKey(
        "orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    total = models.DecimalField(_("amount owed"), default=Decimal("0"), **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fee statement")
        ordering = ["-period_to", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")), name="statement_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.period_from}—{self.period_to}"


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    enrolment = models.OneToOneField("training.Enrolment", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("training.Project", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("fee"), **MONEY)
    # The enrolment's standing when charged, in words (入学 / 开班后退出), and its outcome if known.
    standing = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["project__starts_on", "project_id", "person__name_pinyin", "id"]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.person_id} {self.amount}"


class Payment(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.amount}"


class SchoolBudget(models.Model):
    """A school's figures for one year: teachers' pay (performance pay included) and public funds."""

    school = models.ForeignKey(
        "orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    teacher_pay = models.DecimalField(_("teachers' pay incl. performance pay (yuan)"), **MONEY)
    public_funds = models.DecimalField(_("public funds (yuan)"), **MONEY)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("school budget")
        ordering = ["-year", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="schoolbudget_one_per_year"),
            models.CheckConstraint(
                condition=Q(teacher_pay__gte=0, public_funds__gte=0), name="schoolbudget_sign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.year}"


class SpendingKind(models.TextChoices):
    """The kinds of training spending recorded by hand; fees come from the statements and book
    subsidies from the subsidy lists."""

    SCHOOL_BASED = "school_based", _("School-based training")
    TRAVEL = "travel", _("Travel")
    OTHER = "other", _("Other")


class Spending(models.Model):
    school = models.ForeignKey(
        "orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=SpendingKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    spent_on = models.DateField(_("date"))
    note = models.CharField(_("what for"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training spending")
        ordering = ["-spent_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="spending_positive")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.kind} {self.amount}"


class BookSubsidy(models.Model):
    """One teacher's book subsidy for the school year starting in `year` — once (a unique
    constraint), at the amount of the year's policy when generated."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("school year"))
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("book subsidy")
        ordering = ["org_path", "person__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="booksubsidy_once_per_year")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"
