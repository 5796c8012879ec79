"""Annual plans, projects and what a project is made of: courses, budget lines, trainers,
attachments and school quotas."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from peixun.core.fields import CodeListField
from peixun.training.models.choices import (
    ApprovalChain,
    BudgetKind,
    Category,
    CreditClass,
    EnrolmentMode,
    FeePayer,
    GroupBy,
    Level,
    Mode,
    ProjectStatus,
    ProjectType,
    QuotaMode,
    TrainerRole,
)
from peixun.training.rules import eligibility, lifecycle

HOURS: dict[str, Any] = {
    "max_digits": 6,
    "decimal_places": 1,
    "validators": [MinValueValidator(Decimal("0"))],
}
MONEY: dict[str, Any] = {
    "max_digits": 12,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0"))],
}


class AnnualPlan(models.Model):
    """An AnnualPlan (年度培训计划) is a bureau's or training centre's plan for one year: the
    projects it means to run, each with planned trainees, hours and budget (RULES G4), set against
    what the projects made of them actually came to."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="training_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("plan name"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="annualplan_one_per_org_year")]

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    """A PlanItem is one planned project of an annual plan. The project created from it (if any)
    is its `project`; planned figures stay as they were written, so planned and actual compare."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("project name"), max_length=200)
    project_type = models.CharField(_("type"), max_length=16, choices=ProjectType.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    planned_trainees = models.PositiveIntegerField(_("planned trainees"), default=0)
    planned_hours = models.DecimalField(_("planned hours"), default=Decimal("0"), **HOURS)
    planned_budget = models.DecimalField(_("planned budget (yuan)"), default=Decimal("0"), **MONEY)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("planned project")
        verbose_name_plural = _("planned projects")
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Project(models.Model):
    """A Project (培训项目) is one training a bureau or centre runs: who it is for (target rules and
    audience), what it gives (courses, hours credited, credit class, level, category, mode), when
    (enrolment window, dates), how many (capacity, minimum size, school quotas), what it costs (fee,
    budget) and who teaches it. Its `status` moves only through the one transition table of
    peixun.training.rules.lifecycle.

    `places_taken` counts the enrolments that hold a place. It is changed only by conditional
    UPDATEs (`… SET places_taken = places_taken + 1 WHERE places_taken < capacity`), and the database
    checks `0 ≤ places_taken ≤ capacity`, so no concurrency oversells a project
    (docs/decisions/0021-enrolment-capacity.md).
    """

    organiser = models.ForeignKey(
        "orgs.Org", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="organised_projects"
    )
    plan_item = models.OneToOneField(
        PlanItem,
        verbose_name=_("annual plan item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project",
    )
    title = models.CharField(_("project name"), max_length=200)
    project_type = models.CharField(_("type"), max_length=16, choices=ProjectType.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    tags = CodeListField(_("tags"), max_length=200, blank=True, default=list)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    description = models.TextField(_("description"), blank=True)
    hours_credited = models.DecimalField(_("hours credited"), default=Decimal("0"), **HOURS)
    credit_class = models.CharField(
        _("credit class"), max_length=1, choices=CreditClass.choices, default=CreditClass.A
    )
    enrol_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrol_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=100)
    min_size = models.PositiveIntegerField(_("minimum size"), default=0)
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    waitlist = models.BooleanField(_("waitlist when full"), default=True)
    confirm_hours = models.PositiveSmallIntegerField(_("hours to confirm an offered place"), default=48)
    fee_per_trainee = models.DecimalField(_("fee per trainee (yuan)"), default=Decimal("0"), **MONEY)
    fee_payer = models.CharField(
        _("fee paid by"), max_length=16, choices=FeePayer.choices, default=FeePayer.SCHOOL
    )
    enrolment_mode = models.CharField(
        _("enrolment"), max_length=16, choices=EnrolmentMode.choices, default=EnrolmentMode.SELF
    )
    approval_chain = models.CharField(
        _("approval of enrolments"), max_length=16, choices=ApprovalChain.choices, default=ApprovalChain.NONE
    )
    quota_mode = models.CharField(
        _("school quotas"), max_length=16, choices=QuotaMode.choices, default=QuotaMode.NONE
    )
    quota_release_on = models.DateField(_("unused quotas released on"), null=True, blank=True)
    quotas_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    lottery_weighted = models.BooleanField(_("favour teachers trained less often"), default=True)
    lottery_lookback_years = models.PositiveSmallIntegerField(_("look-back years for the lottery"), default=3)
    class_size = models.PositiveSmallIntegerField(
        _("class size"), default=100, validators=[MinValueValidator(1)]
    )
    group_by = models.CharField(
        _("group classes by"), max_length=8, choices=GroupBy.choices, default=GroupBy.TOWN
    )
    uses_learning_codes = models.BooleanField(_("uses learning codes"), default=False)
    platform_name = models.CharField(_("outside platform"), max_length=100, blank=True)
    audience = models.ManyToManyField(
        "orgs.Org", verbose_name=_("audience"), related_name="audience_projects", blank=True
    )
    excluded_orgs = models.ManyToManyField(
        "orgs.Org", verbose_name=_("excluded organisations"), related_name="excluded_projects", blank=True
    )
    targets = models.JSONField(_("target rules"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT, db_index=True
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    window_closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places_taken__lte=F("capacity")), name="project_places_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(min_size__lte=F("capacity")), name="project_min_size_within_capacity"
            ),
            models.CheckConstraint(condition=Q(hours_credited__gte=0), name="project_hours_not_negative"),
        ]
        indexes = [models.Index(fields=["organiser", "status"], name="project_organiser_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def year(self) -> int:
        if self.starts_on:
            return self.starts_on.year
        if self.enrol_opens_at:
            return self.enrol_opens_at.year
        return self.created_at.year if self.created_at else date.today().year  # noqa: DTZ011 - a year only

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.places_taken)

    @property
    def is_editable(self) -> bool:
        return self.status in lifecycle.EDITABLE

    def enrolment_open(self, now: datetime) -> bool:
        """Whether teachers may enrol (or register for the lottery) at `now`."""
        return (
            self.status == ProjectStatus.ENROLLING
            and (self.enrol_opens_at is None or self.enrol_opens_at <= now)
            and (self.enrol_closes_at is None or now < self.enrol_closes_at)
        )

    def target_rules(self, audience_paths: list[str], excluded_paths: list[str]) -> eligibility.TargetRules:
        """The project's target rules as the pure rules read them."""
        t = self.targets or {}

        def codes(name: str) -> frozenset[str]:
            return frozenset(str(code) for code in t.get(name) or [])

        def number(name: str) -> int | None:
            value = t.get(name)
            return int(value) if value is not None and value != "" else None

        reference = t.get("age_reference")
        return eligibility.TargetRules(
            org_paths=tuple(audience_paths),
            exclude_org_paths=tuple(excluded_paths),
            sections=codes("sections"),
            subjects=codes("subjects"),
            titles=codes("titles"),
            roles=codes("roles"),
            gender=t.get("gender") or "",
            min_age=number("min_age"),
            max_age_male=number("max_age_male"),
            max_age_female=number("max_age_female"),
            age_reference=date.fromisoformat(reference) if reference else None,
            age_limits_mandatory_only=bool(t.get("age_limits_mandatory_only")),
            exclude_trained_level=t.get("exclude_trained_level") or "",
            exclude_trained_type=t.get("exclude_trained_type") or "",
            exclude_trained_years=number("exclude_trained_years") or 5,
            exclude_prize_level=t.get("exclude_prize_level") or "",
            exclude_prize_years=number("exclude_prize_years") or 5,
            exclude_prize_ranks=codes("exclude_prize_ranks"),
        )

    @property
    def teacher_pays(self) -> bool:
        return self.fee_payer == FeePayer.TEACHER


class Course(models.Model):
    """A Course (课程) is one part of a project's content: required or elective, its hours,
    category and tags, and whether it is assessed (RULES C10). Hours posted to the ledger later are
    per course, so a course may differ from its project in category and mode."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="courses")
    name = models.CharField(_("name"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    hours = models.DecimalField(_("hours"), **HOURS)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    tags = CodeListField(_("tags"), max_length=200, blank=True, default=list)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, blank=True)
    assessed = models.BooleanField(_("assessed"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["project", "order", "id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gte=0), name="course_hours_not_negative")]

    def __str__(self) -> str:
        return self.name


class BudgetLine(models.Model):
    """A BudgetLine is one item of a project's budget (fees, venue, materials …) in yuan."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField(_("kind"), max_length=16, choices=BudgetKind.choices)
    item = models.CharField(_("item"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "order", "id"]

    def __str__(self) -> str:
        return self.item


class ProjectTrainer(models.Model):
    """A ProjectTrainer is one trainer, expert or tutor of a project: a person on the roster, or an
    outside expert named with their affiliation."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="trainers")
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=50)
    affiliation = models.CharField(_("affiliation"), max_length=100, blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=TrainerRole.choices, default=TrainerRole.TRAINER
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["project", "order", "id"]

    def __str__(self) -> str:
        return self.name


class ProjectAttachment(models.Model):
    """A ProjectAttachment is a document filed with a project, such as its implementation plan
    (实施方案). The bytes live in the database, so app servers stay stateless."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return self.filename


class SchoolQuota(models.Model):
    """A SchoolQuota is the number of a project's places one school may take (`quota`) and how
    many it holds (`used`). `used` is changed only by conditional UPDATEs and the database checks
    `0 ≤ used ≤ quota`, like the project's own capacity."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="quotas")
    org = models.ForeignKey("orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("quota"), default=0)
    used = models.PositiveIntegerField(_("used"), default=0)
    eligible = models.PositiveIntegerField(_("eligible teachers"), default=0)

    class Meta:
        verbose_name = _("school quota")
        verbose_name_plural = _("school quotas")
        ordering = ["project", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["project", "org"], name="schoolquota_one_per_school"),
            models.CheckConstraint(condition=Q(used__lte=F("quota")), name="schoolquota_used_within_quota"),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.used}/{self.quota}"
