"""The credit ledger: every teacher's hours (学时) as append-only entries, their monthly rollups,
and each person's current compliance with the policy that governs them.

DESIGN invariants 1–2: hours are the unit (Decimal, 0.5 steps; 学分 is derived by the policy);
an entry is never updated or deleted (database triggers, migration 0002), a correction is a
reversing entry with a reason and an author; each posting carries an idempotency key unique in
the database, so a retried or concurrent posting never counts twice.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from peixun.core.choices import Category, CreditClass, Level, Mode
from peixun.core.fields import CodeListField
from peixun.core.runs import BackgroundRun


class Source(models.TextChoices):
    PROJECT = "project", _("Training project")
    SCHOOL_BASED = "school_based", _("School-based training")
    RECOGNITION = "recognition", _("Recognised outside training")
    DIRECT = "direct", _("Direct grant")
    ADJUSTMENT = "adjustment", _("Adjustment")


def _in_choices(field: str, choices: type[models.TextChoices]) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=f"ledger_entry_{field}_valid"
    )


class CreditEntry(models.Model):
    """A CreditEntry is hours granted to (or, when negative, taken back from) one person for one
    training: what kind of hours (category and tags, level, mode, credit class), when they were
    earned, where they come from (source and reference), and who posted them.

    Entries are append-only. A reversal is a new entry with the opposite hours and the same
    attributes, pointing at the entry it reverses (`reverses`), with the reason.
    """

    # Indexed by ledger_entry_person_date_idx, which starts with it.
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="credit_entries",
        db_index=False,
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    tags = CodeListField(_("tags"), max_length=200, blank=True, default=list)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    credit_class = models.CharField(_("credit class"), max_length=1, choices=CreditClass.choices, default="A")
    earned_on = models.DateField(_("date earned"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    title = models.CharField(_("training"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=200, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        ordering = ["-earned_on", "-id"]
        indexes = [models.Index(fields=["person", "earned_on"], name="ledger_entry_person_date_idx")]
        constraints = [
            # A unique constraint rather than unique=True: no extra pattern index on PostgreSQL.
            models.UniqueConstraint(fields=["idempotency_key"], name="ledger_entry_idempotency_key"),
            models.CheckConstraint(condition=~Q(hours=0), name="ledger_entry_hours_nonzero"),
            # 0.5 steps: twice the hours is a whole number.
            models.CheckConstraint(
                condition=Q(hours=Round(F("hours") * 2) / 2), name="ledger_entry_half_hours"
            ),
            # Adjustments and reversals say why.
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & ~Q(source="adjustment")) | ~Q(reason=""),
                name="ledger_entry_reason_required",
            ),
            _in_choices("category", Category),
            _in_choices("level", Level),
            _in_choices("mode", Mode),
            _in_choices("credit_class", CreditClass),
            _in_choices("source", Source),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.hours}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class CreditRollup(models.Model):
    """A CreditRollup is the sum of one person's hours in one month for one kind of hours (category,
    tags, level, mode, credit class, source): what the engine reads instead of the raw entries.
    Maintained in the same transaction as each posting; `recompute_compliance` rebuilds it.

    Derived data: the person column carries no database foreign key (a per-row check that costs a
    third of a full rebuild) and no index of its own (the unique cell index starts with it)."""

    person = models.ForeignKey(
        "orgs.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField()
    category = models.CharField(max_length=24)
    tags = models.CharField(max_length=200, blank=True, default="")
    level = models.CharField(max_length=16)
    mode = models.CharField(max_length=16)
    credit_class = models.CharField(max_length=1)
    source = models.CharField(max_length=16)
    hours = models.DecimalField(max_digits=8, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "month", "category", "tags", "level", "mode", "credit_class", "source"],
                name="ledger_rollup_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m} {self.category} {self.hours}"


class ComplianceResult(models.Model):
    """A ComplianceResult is one person's standing under the policy version that governs them, for
    the period containing `as_of` (the day it was computed): the evaluation's figures and the rules
    not yet met, with the version pinned. Recomputed with every posting and after a policy change;
    the lines in words are computed live on the person's page (from their entries)."""

    person = models.OneToOneField("orgs.Person", on_delete=models.CASCADE, related_name="compliance")
    # The person's org path, copied so a subtree's report reads one index range with no join; kept
    # current by every refresh and by org moves (peixun.ledger.steps).
    org_path = models.CharField(max_length=255, default="")
    version = models.ForeignKey(
        "policies.PolicyVersion", verbose_name=_("policy version"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    compliant = models.BooleanField(_("compliant"))
    exempt = models.BooleanField(_("exempt"), default=False)
    required_hours = models.DecimalField(_("required hours"), max_digits=8, decimal_places=1)
    earned_hours = models.DecimalField(_("earned hours"), max_digits=8, decimal_places=1)
    counted_hours = models.DecimalField(_("counted hours"), max_digits=8, decimal_places=1)
    shortfall_hours = models.DecimalField(_("shortfall"), max_digits=8, decimal_places=1)
    credits = models.DecimalField(_("credits"), max_digits=8, decimal_places=2)
    short_rules = CodeListField(max_length=500, blank=True, default=list)
    # The hours still missing on each rule not yet met ({rule id: hours}, the total line as
    # "total"), so the lists and the workbook say what is missing where, not only in the total.
    shortfalls = models.JSONField(_("hours missing by requirement"), default=dict, blank=True)
    # Hours earned in the period by category and by level, for the report's charts (a sum over the
    # results of a county instead of over its hundreds of thousands of rollups).
    ethics_literacy_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    knowledge_skills_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    practice_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    overseas_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    national_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    provincial_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    city_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    county_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    school_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    computed_at = models.DateTimeField(auto_now=True)

    KIND_FIELDS = {
        **{f"{code}_hours": ("category", code) for code in Category.values},
        **{f"{code}_hours": ("level", code) for code in Level.values},
    }

    class Meta:
        verbose_name = _("compliance result")
        verbose_name_plural = _("compliance results")
        indexes = [
            models.Index(
                fields=["org_path"], name="ledger_compliance_path_idx", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {'ok' if self.compliant else 'short'}"

    def missing(self, labels: dict[str, str]) -> list[tuple[str, Decimal | None]]:
        """(label, hours still missing) for each rule not yet met, the total first; the hours are
        None on a result stored before they were kept (until the next recompute)."""
        found = []
        for rule in sorted(self.short_rules, key=lambda rule: rule != "total"):
            hours = self.shortfalls.get(rule)
            found.append((labels.get(rule, rule), None if hours is None else Decimal(str(hours))))
        return found


class RecomputeRun(BackgroundRun):
    """A RecomputeRun rebuilds the rollups and compliance results of an org subtree (all when
    `org` is empty), in the background (a background run, peixun.core.runs) with progress, e.g.
    after a policy is adopted. A rebuild computes the same results however often it runs."""

    org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    kept_message = gettext_noop("Results rebuilt so far are kept; running it again rebuilds them all.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"recompute {self.org_id or 'all'} {self.state}"

    def run_task(self):
        from peixun.ledger import tasks

        return tasks.recompute
