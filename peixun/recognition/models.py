"""Recognition of outside training (学时认定, RULES G1, B6): a teacher's declaration of training
done elsewhere, its review by the school then the bureau, its history, and the projects that let
recognised city-level-or-above training exempt from their 全员培训."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peixun.core.choices import Category, Level, Mode
from peixun.recognition.rules import states


class Status(models.TextChoices):
    PENDING_SCHOOL = states.PENDING_SCHOOL, _("Waiting for the school")
    PENDING_BUREAU = states.PENDING_BUREAU, _("Waiting for the bureau")
    RETURNED = states.RETURNED, _("Returned for correction")
    APPROVED = states.APPROVED, _("Approved, hours posted")
    WITHDRAWN = states.WITHDRAWN, _("Withdrawn")


class Origin(models.TextChoices):
    DECLARED = "declared", _("Declared by the teacher")
    IMPORTED = "imported", _("Imported from a platform file")


class Declaration(models.Model):
    """A Declaration is one training a teacher did outside the region's projects — on a provincial
    or national platform, a degree course, a city programme — with its proof, on its way through
    the school's and the bureau's review. Approved, its hours are posted to the ledger once
    (idempotency key `recognition:<id>`, the entry's id kept in `credit_entry_id`)."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="declarations"
    )
    # The person's school path when declared: the reviews' scope, read by one index range.
    org_path = models.CharField(max_length=255, db_index=True)
    provider = models.CharField(_("provider"), max_length=200)
    course = models.CharField(_("course"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.REMOTE)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    hours = models.DecimalField(_("hours claimed"), max_digits=6, decimal_places=1)
    certificate_no = models.CharField(_("certificate number"), max_length=80, blank=True)
    # The number as compared (peixun.recognition.rules.dedup.certificate_key), indexed.
    certificate_key = models.CharField(max_length=80, blank=True, db_index=True, editable=False)
    proof_name = models.CharField(_("proof file"), max_length=255, blank=True)
    proof_kind = models.CharField(max_length=8, blank=True)
    proof_size = models.PositiveIntegerField(default=0)
    proof = models.BinaryField(default=b"", editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, default=Origin.DECLARED)
    # An imported row's key (person, provider, course, dates, certificate): the same row imported
    # again is found, not added.
    import_key = models.CharField(max_length=80, blank=True, editable=False)
    school_note = models.TextField(_("school's comment"), blank=True, max_length=500)
    bureau_note = models.TextField(_("bureau's comment"), blank=True, max_length=500)
    override_reason = models.TextField(_("reason for approving a duplicate"), blank=True, max_length=500)
    credit_entry_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("recognition declaration")
        verbose_name_plural = _("recognition declarations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "starts_on"], name="recognition_person_start_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="recognition_import_key"
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="recognition_dates"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="recognition_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course}（{self.provider}）"

    @property
    def has_proof(self) -> bool:
        return bool(self.proof_kind)


class Step(models.Model):
    """One step of a declaration's history: who did what, from which state to which, and why."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=16)
    before = models.CharField(max_length=16, blank=True, choices=Status.choices)
    after = models.CharField(max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=500)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.declaration_id} {self.action}"


class ProjectRule(models.Model):
    """A 全员培训 project's word on recognised training (B6): whether a teacher with an approved
    city-level-or-above recognition in the project's year is exempt from it. Kept here, keyed by
    the project, so training (below) needs no field it cannot use."""

    project = models.OneToOneField("training.Project", on_delete=models.CASCADE, related_name="+")
    city_level_exempts = models.BooleanField(
        _("recognised city-level-or-above training exempts"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.project_id} {self.city_level_exempts}"
