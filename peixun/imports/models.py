"""Import jobs: an uploaded table on its way from preview to applied."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("People roster")
    ORGS = "orgs", _("Organisations")
    CREDITS = "credits", _("Training records")
    OUTSIDE = "outside", _("Outside platform results")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking")
    VALID = "valid", _("Ready to apply")
    INVALID = "invalid", _("Has errors")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An ImportJob holds one uploaded file (in the database, so app servers stay stateless, and
    encrypted like ID numbers: peixun.imports.content; dropped once applied), the
    preview computed from it (counts and every error) and, once applied, what changed.

    A job is checked first (VALIDATING → VALID or INVALID); only a VALID job can be applied, and
    applying re-checks the file inside the one transaction that writes it (all or nothing).
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def progress_percent(self) -> int:
        if self.status in {
            ImportStatus.VALID,
            ImportStatus.INVALID,
            ImportStatus.APPLIED,
            ImportStatus.FAILED,
        }:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.APPLYING}
