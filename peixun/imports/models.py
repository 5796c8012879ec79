"""Import jobs: an uploaded table on its way from preview to applied."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from peixun.core.runs import ACTIVE, BackgroundRun, RunState


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("People roster")
    ORGS = "orgs", _("Organisations")
    CREDITS = "credits", _("Training records")
    OUTSIDE = "outside", _("Outside platform results")
    SCORES = "scores", _("Hand-entered scores")
    RECOGNITION = "recognition", _("Recognised outside training")
    BUDGETS = "budgets", _("School budget figures")


class ImportStatus(models.TextChoices):
    """Where a job is, as the pages say it: read from its step and its run's state (`status`)."""

    PENDING = "pending", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking")
    VALID = "valid", _("Ready to apply")
    INVALID = "invalid", _("Has errors")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted")
    CANCELLED = "cancelled", _("Cancelled")


class ImportStep(models.TextChoices):
    CHECK = "check", _("Check")
    APPLY = "apply", _("Apply")


class ImportJob(BackgroundRun):
    """An ImportJob holds one uploaded file (in the database, so app servers stay stateless, and
    encrypted like ID numbers: peixun.imports.content; dropped once applied), the
    preview computed from it (counts, every error and what each row would change) and, once
    applied, what changed.

    Its background run (peixun.core.runs) does one step at a time: the check (no writes), then,
    when the check found no error and someone applies it, the apply, which re-checks the file
    inside the one transaction that writes it (all or nothing) and marks the job applied
    (`applied_at`) in that same transaction: an apply run again after a crash writes it once.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    step = models.CharField(_("step"), max_length=8, choices=ImportStep.choices, default=ImportStep.CHECK)
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
    applied_at = models.DateTimeField(null=True, blank=True, editable=False)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    errors = models.JSONField(default=list, blank=True)
    # What the check found the file would do, row by row (peixun.orgs.imports.common.RowChange):
    # the first CHANGES_SHOWN as shown on the page, and the full list sealed like the file
    # (peixun.imports.content) for the preview workbook.
    changes = models.JSONField(default=list, blank=True)
    changes_content = models.BinaryField(default=b"", editable=False)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # The people roster: create the accounts of the active people in the file who have none, in the
    # apply's one transaction (chosen on the preview); their slips wait for whoever applied it.
    create_accounts = models.BooleanField(_("create accounts"), default=False)
    password_slips = models.ForeignKey(
        "accounts.PasswordSlipBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    kept_message = gettext_noop("Nothing was changed: run it again.")

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @classmethod
    def waiting_q(cls) -> Q:
        """Jobs someone still has to wait for or act on: queued, running, or checked and clean."""
        return Q(state__in=ACTIVE) | Q(step=ImportStep.CHECK, state=RunState.DONE, errors=[])

    @property
    def status(self) -> str:
        state = self.shown_state
        if state in {RunState.FAILED, RunState.INTERRUPTED, RunState.CANCELLED}:
            return ImportStatus(state)
        if self.step == ImportStep.APPLY:
            return ImportStatus.APPLIED if state == RunState.DONE else ImportStatus.APPLYING
        if state == RunState.QUEUED:
            return ImportStatus.PENDING
        if state == RunState.RUNNING:
            return ImportStatus.VALIDATING
        return ImportStatus.INVALID if self.errors else ImportStatus.VALID

    def get_status_display(self) -> str:
        return str(ImportStatus(self.status).label)

    @property
    def is_running(self) -> bool:
        return self.is_active

    @property
    def created_count(self) -> int:
        return (self.counts or {}).get("created", 0)

    @property
    def updated_count(self) -> int:
        return (self.counts or {}).get("updated", 0)

    @property
    def unchanged_count(self) -> int:
        return (self.counts or {}).get("unchanged", 0)

    @property
    def accounts_count(self) -> int:
        """Accounts the apply created (create_accounts)."""
        return (self.counts or {}).get("accounts", 0)

    def run_task(self):
        from peixun.imports import tasks

        return tasks.apply_import if self.step == ImportStep.APPLY else tasks.check_import

    def reset_for_again(self) -> dict:
        if self.step == ImportStep.CHECK:
            return {"errors": [], "counts": {}, "changes": [], "changes_content": b""}
        return {}
