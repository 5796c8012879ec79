"""Training quality (issue 17): the trainer pool with its yearly reviews (RULES F3, C2), the
summary a project files when it closes (总结), and the archive of a closed project (G5)."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from peixun.core.runs import BackgroundRun
from peixun.quality.rules import pool
from peixun.training.models import BudgetKind

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class TrainerState(models.TextChoices):
    ACTIVE = pool.ACTIVE, _("In the pool")
    PROBATION = pool.PROBATION, _("On probation")
    REMOVED = pool.REMOVED, pgettext_lazy("trainer pool", "Removed")


class TrainerTitle(models.TextChoices):
    SUBJECT_LEADER = "subject_leader", _("Subject leader")
    BACKBONE = "backbone", _("Backbone teacher")
    MASTER = "master", _("Master teacher")
    SPECIAL_GRADE = "special_grade", _("Special-grade teacher")
    EXPERT = "expert", _("Expert or professor")
    OTHER = "other", _("Other")


class Verdict(models.TextChoices):
    KEEP = pool.KEEP, _("Keep in the pool")
    PROBATION = pool.WATCH, _("Put on probation")
    REMOVE = pool.REMOVE, _("Remove from the pool")


class Trainer(models.Model):
    """A Trainer is one person in a bureau's or centre's pool of trainers (培训者库): internal — a
    Person on the roster — or external, named with their unit and contact; what they teach
    (subjects, sections), their title, and their state in the pool, which the yearly review
    sets (F3)."""

    keeper = models.ForeignKey(
        "orgs.Org", verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+"
    )
    # The keeper's path: the pool's scope, read by one index range.
    org_path = models.CharField(max_length=255, db_index=True)
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("teacher on the roster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=50)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    subjects = models.CharField(_("subjects"), max_length=200, blank=True)
    sections = models.CharField(_("sections taught"), max_length=200, blank=True)
    title = models.CharField(
        _("title"), max_length=16, choices=TrainerTitle.choices, default=TrainerTitle.OTHER
    )
    state = models.CharField(
        _("state"), max_length=16, choices=TrainerState.choices, default=TrainerState.ACTIVE, db_index=True
    )
    note = models.TextField(_("note"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["keeper", "person"], condition=Q(person__isnull=False), name="quality_trainer_once"
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(unit=""), name="quality_external_has_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def internal(self) -> bool:
        return self.person_id is not None


class TrainerReview(models.Model):
    """A TrainerReview is one year's review of a trainer (F3): how their courses went, what the
    trainees said, and the verdict that sets their state in the pool."""

    trainer = models.ForeignKey(Trainer, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    course_review = models.TextField(_("course review"), max_length=2000)
    feedback = models.TextField(_("feedback notes"), blank=True, max_length=2000)
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trainer review")
        verbose_name_plural = _("trainer reviews")
        ordering = ["trainer", "-year"]
        constraints = [models.UniqueConstraint(fields=["trainer", "year"], name="quality_review_once_a_year")]

    def __str__(self) -> str:
        return f"{self.trainer_id} {self.year}"


class ProjectSummary(models.Model):
    """A ProjectSummary (项目总结) is what a project files when it closes: its figures as they
    stood then (enrolment, attendance, pass and excellence rates, hours posted, budget — in
    `figures`), the organiser's narrative, and the expense settlement (its lines). Made by the
    close step; made again (the figures only) when the project closes again after a reopening."""

    project = models.OneToOneField("training.Project", on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField(default=dict)
    narrative = models.TextField(_("narrative"), blank=True, max_length=20000)
    generated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project summary")
        verbose_name_plural = _("project summaries")

    def __str__(self) -> str:
        return str(self.project_id)


class ExpenseLine(models.Model):
    """An ExpenseLine is one item of a project's expense settlement (经费决算): what was budgeted
    (from the approved budget line, or 0 for an item not budgeted) and what was spent."""

    summary = models.ForeignKey(ProjectSummary, on_delete=models.CASCADE, related_name="expenses")
    kind = models.CharField(_("kind"), max_length=16, choices=BudgetKind.choices)
    item = models.CharField(_("item"), max_length=200)
    budgeted = models.DecimalField(_("budgeted (yuan)"), default=Decimal("0"), **MONEY)
    spent = models.DecimalField(_("spent (yuan)"), null=True, blank=True, **MONEY)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("expense line")
        verbose_name_plural = _("expense lines")
        ordering = ["summary", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(budgeted__gte=0), name="quality_budgeted_not_negative"),
            models.CheckConstraint(
                condition=Q(spent__isnull=True) | Q(spent__gte=0), name="quality_spent_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.item


class ArchiveFileKind(models.TextChoices):
    MATERIAL = "material", _("Lecture material")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other record")


class ArchiveFile(models.Model):
    """An ArchiveFile is a document the organiser files for a project's archive beyond what the
    system holds already: lecture materials (讲义), photos, other records (G5)."""

    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=ArchiveFileKind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("archive file")
        verbose_name_plural = _("archive files")
        ordering = ["project", "kind", "id"]

    def __str__(self) -> str:
        return self.filename


class ProjectArchive(BackgroundRun):
    """A ProjectArchive is one zip of everything a project filed (G5) — plan and approval, roster,
    attendance, lecture materials, trainees' work, score sheet, summary, photos — with a PDF index,
    built in the background (peixun.core.runs) and written to disk file by file, so memory holds
    one file at a time. Kept until `expires_on` (docs/operations.md, the retention period)."""

    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=500, blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0)
    expires_on = models.DateField(null=True, blank=True)

    kept_message = gettext_noop("Nothing was half-written: run it again.")

    class Meta:
        verbose_name = _("project archive")
        verbose_name_plural = _("project archives")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.state}"

    def run_task(self):
        from peixun.quality import tasks

        return tasks.build_archive

    def reset_for_again(self) -> dict:
        return {"path": "", "size": 0, "counts": {}}
