"""Enrolments and what happens around them: exemption requests, lottery draws, classes, learning
codes, in-app notices, and the prizes that some projects exclude."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from peixun.core.runs import ACTIVE, BackgroundRun, RunState
from peixun.training.models.choices import (
    HOLDING,
    ApprovalStage,
    EnrolmentSource,
    EnrolmentStatus,
    ExemptionReason,
    ExemptionStatus,
    Level,
    PrizeRank,
)
from peixun.training.models.projects import Project


class Cohort(models.Model):
    """A Cohort (班级) is one class of a project's trainees, with its tutor (辅导教师, RULES C2)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cohorts")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    tutor = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("tutor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tutored_cohorts",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="cohort_number_unique")]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """An Enrolment (报名) is one person's place — or claim to one — in one project: applied for the
    lottery, waiting for approval, nominated, offered from the waitlist, enrolled, waitlisted,
    exempted, or ended (withdrawn, rejected, expired, cancelled).

    One person has at most one enrolment per project (a unique constraint); enrolling again after a
    withdrawal reuses the row. `school` is the person's org when they enrolled: the school quota
    the place counts against. Statuses in HOLDING hold a place in `Project.places_taken`.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="enrolments"
    )
    school = models.ForeignKey(
        "orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices)
    source = models.CharField(_("source"), max_length=16, choices=EnrolmentSource.choices)
    stage = models.CharField(_("approval stage"), max_length=8, choices=ApprovalStage.choices, blank=True)
    subject = models.CharField(_("subject"), max_length=20, blank=True)
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    offer_expires_at = models.DateTimeField(_("confirm by"), null=True, blank=True)
    lottery_rank = models.PositiveIntegerField(_("lottery rank"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The mandatory enrolment that wrote or took up this row (its undo finds them by it).
    mandatory_run = models.ForeignKey(
        "training.MandatoryRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["project", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="enrolment_one_per_person")]
        indexes = [
            models.Index(fields=["project", "status", "created_at"], name="enrolment_project_status_idx"),
            models.Index(fields=["person", "status"], name="enrolment_person_status_idx"),
            models.Index(fields=["school", "project"], name="enrolment_school_project_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.project_id} ({self.status})"

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDING


class ExemptionRequest(models.Model):
    """An ExemptionRequest asks that a person be excused from a mandatory project (RULES B4): fewer
    than five years to retirement, health, or another reason. The school decides first, then the
    county; an approved request exempts the enrolment and frees its place."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="exemptions")
    reason = models.CharField(_("reason"), max_length=16, choices=ExemptionReason.choices)
    note = models.CharField(_("details"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ExemptionStatus.choices, default=ExemptionStatus.PENDING_SCHOOL
    )
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_decided_at = models.DateTimeField(null=True, blank=True)
    county_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    county_decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exemption request")
        verbose_name_plural = _("exemption requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(status__in=["pending_school", "pending_county"]),
                name="exemption_one_open_per_enrolment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.reason} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (ExemptionStatus.PENDING_SCHOOL, ExemptionStatus.PENDING_COUNTY)


class LotteryDraw(models.Model):
    """A LotteryDraw records one project's lottery so anyone can re-run it: the seed, the options,
    a digest of the applicant list and the resulting order (peixun.training.rules.lottery)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="lottery")
    algorithm = models.CharField(max_length=32)
    seed = models.CharField(_("seed"), max_length=64)
    weighted = models.BooleanField(_("weighted"))
    lookback_years = models.PositiveSmallIntegerField(_("look-back years"))
    places = models.PositiveIntegerField(_("places"))
    applicants = models.PositiveIntegerField(_("applicants"))
    winners = models.PositiveIntegerField(_("winners"))
    input_digest = models.CharField(_("applicant list digest"), max_length=64)
    quotas = models.JSONField(default=dict, blank=True)  # {school id: places it could win}
    entries = models.JSONField(default=list)  # [[person_id, school_id, weight, rank, won], …]
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lottery draw")
        verbose_name_plural = _("lottery draws")

    def __str__(self) -> str:
        return f"{self.project_id} {self.seed}"


class LearningCode(models.Model):
    """A LearningCode (学习码) lets one trainee register on an outside learning platform. Codes are
    generated per school; the school records who received each and when, and an imported
    registration list from the platform marks who registered, so those who never did are found
    (RULES C3)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="learning_codes")
    school = models.ForeignKey(
        "orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("given to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("given at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learning code")
        verbose_name_plural = _("learning codes")
        ordering = ["project", "school", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person"],
                condition=Q(person__isnull=False),
                name="learningcode_one_per_person",
            )
        ]
        indexes = [models.Index(fields=["project", "school"], name="code_project_school_idx")]

    def __str__(self) -> str:
        return self.code


class CodeImportStatus(models.TextChoices):
    """Where a registration list is, as its page says it: read from its step and run state."""

    CHECKING = "checking", _("Checking")
    VALID = "valid", _("Ready to apply")
    INVALID = "invalid", _("Has errors")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted")
    CANCELLED = "cancelled", _("Cancelled")


class CodeImportStep(models.TextChoices):
    CHECK = "check", _("Check")
    APPLY = "apply", _("Apply")


class CodeImport(BackgroundRun):
    """A CodeImport is one registration list from an outside platform, on its way from upload to
    applied: checked in the background (a background run, peixun.core.runs: progress shown,
    interrupted when its worker dies, run again), previewed, then applied all at once (in the
    request: marking a code registered twice changes nothing)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="code_imports")
    step = models.CharField(
        _("step"), max_length=8, choices=CodeImportStep.choices, default=CodeImportStep.CHECK
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    kept_message = gettext_noop("Nothing was changed: run the check again.")

    class Meta:
        verbose_name = _("registration list import")
        verbose_name_plural = _("registration list imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def status(self) -> str:
        state = self.shown_state
        if state in {RunState.FAILED, RunState.INTERRUPTED, RunState.CANCELLED}:
            return CodeImportStatus(state)
        if self.step == CodeImportStep.APPLY:
            return CodeImportStatus.APPLIED
        if state in ACTIVE:
            return CodeImportStatus.CHECKING
        return CodeImportStatus.INVALID if self.errors else CodeImportStatus.VALID

    def get_status_display(self) -> str:
        return str(CodeImportStatus(self.status).label)

    @property
    def is_running(self) -> bool:
        return self.is_active

    @property
    def matched(self) -> int:
        return (self.counts or {}).get("matched", 0)

    @property
    def already(self) -> int:
        return (self.counts or {}).get("already", 0)

    def run_task(self):
        from peixun.training import tasks

        return tasks.check_code_import

    def reset_for_again(self) -> dict:
        return {"errors": [], "counts": {}, "total": 0}


class Notice(models.Model):
    """A Notice is an in-app message to one account about a project or an enrolment: approved,
    rejected, nominated, offered a place, cancelled … `kind` names the message and `params` fill it
    in, so it is shown in the reader's language (peixun.training.notices)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_notices"
    )
    kind = models.CharField(max_length=32)
    params = models.JSONField(default=dict, blank=True)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"], name="notice_user_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class Prize(models.Model):
    """A Prize is an award a person won (a teaching competition's 一等奖 at county level …). Some
    projects exclude recent winners at a level or above (RULES B5)."""

    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="prizes")
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    rank = models.CharField(_("rank"), max_length=8, choices=PrizeRank.choices)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        ordering = ["person", "-year"]

    def __str__(self) -> str:
        return self.title
