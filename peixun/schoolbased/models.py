"""School-based training (校本研修): the district's prescribed topics and registration deadline per
school year, each school's annual plan with its lines and submitted versions, and the year-end
registration of each teacher's hours (activities held with their attendees, manual lines with
evidence), confirmed by the teachers and accepted by the district."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peixun.core.choices import Category, Level
from peixun.orgs.models import Org, Person
from peixun.schoolbased.rules import lifecycle as flow


def school_year_label(year: int) -> str:
    return f"{year}—{year + 1}学年"


class PlanState(models.TextChoices):
    DRAFT = flow.DRAFT, _("Draft")
    SUBMITTED = flow.SUBMITTED, _("Submitted")
    RETURNED = flow.RETURNED, _("Returned")
    APPROVED = flow.APPROVED, _("Approved")


class RegistrationState(models.TextChoices):
    COMPILING = flow.COMPILING, _("Compiling")
    SUBMITTED = flow.SUBMITTED, _("Submitted")
    RETURNED = flow.RETURNED, _("Returned")
    ACCEPTED = flow.ACCEPTED, _("Accepted")


class Answer(models.TextChoices):
    PENDING = flow.PENDING, _("Awaiting the teacher")
    CONFIRMED = flow.CONFIRMED, _("Confirmed")
    DISPUTED = flow.DISPUTED, _("Disputed")
    RESOLVED = flow.RESOLVED, _("Dispute resolved")


class DistrictYear(models.Model):
    """What a district (a county or city bureau) publishes for one school year: its prescribed
    topics and the deadline for the schools' year-end registrations."""

    org = models.ForeignKey(Org, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveIntegerField(_("school year"))
    deadline = models.DateField(_("registration deadline"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("district school year")
        verbose_name_plural = _("district school years")
        ordering = ["-school_year", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "school_year"], name="sb_district_year_unique")]

    def __str__(self) -> str:
        return f"{self.org.name} {school_year_label(self.school_year)}"


class PrescribedTopic(models.Model):
    district_year = models.ForeignKey(DistrictYear, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("topic"), max_length=200)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.SCHOOL)
    planned_hours = models.DecimalField(_("planned hours"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("prescribed topic")
        verbose_name_plural = _("prescribed topics")
        ordering = ["district_year", "id"]

    def __str__(self) -> str:
        return self.title


class SchoolPlan(models.Model):
    school = models.ForeignKey(Org, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveIntegerField(_("school year"))
    state = models.CharField(_("status"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=0)
    comment = models.TextField(_("review comment"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("school-based training plan")
        verbose_name_plural = _("school-based training plans")
        ordering = ["-school_year", "school__path"]
        constraints = [models.UniqueConstraint(fields=["school", "school_year"], name="sb_plan_unique")]

    def __str__(self) -> str:
        return f"{self.school.name} {school_year_label(self.school_year)}校本研修计划"

    @property
    def year_label(self) -> str:
        return school_year_label(self.school_year)

    @property
    def editable(self) -> bool:
        return self.state in flow.PLAN_EDITABLE


class PlanLine(models.Model):
    plan = models.ForeignKey(SchoolPlan, on_delete=models.CASCADE, related_name="lines")
    topic = models.ForeignKey(
        PrescribedTopic,
        verbose_name=_("prescribed topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("activity topic"), max_length=200)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.SCHOOL)
    planned_hours = models.DecimalField(_("planned hours"), max_digits=5, decimal_places=1)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    leader = models.ForeignKey(
        Person, verbose_name=_("leader"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    budget = models.DecimalField(_("budget (yuan)"), max_digits=10, decimal_places=2, default=0)
    comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        ordering = ["plan", "starts_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def prescribed(self) -> bool:
        return self.topic_id is not None


class PlanVersion(models.Model):
    """A submitted version of a plan, frozen: its lines as they were, and the district's answer
    (returned with comments per line and overall, or approved)."""

    plan = models.ForeignKey(SchoolPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    lines = models.JSONField(default=list)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    comment = models.TextField(_("review comment"), blank=True)
    line_comments = models.JSONField(default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="sb_plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class Registration(models.Model):
    plan = models.OneToOneField(SchoolPlan, on_delete=models.PROTECT, related_name="registration")
    state = models.CharField(
        _("status"), max_length=16, choices=RegistrationState.choices, default=RegistrationState.COMPILING
    )
    deadline = models.DateField(_("registration deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    comment = models.TextField(_("review comment"), blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("year-end registration")
        verbose_name_plural = _("year-end registrations")
        ordering = ["-plan__school_year", "plan__school__path"]

    def __str__(self) -> str:
        return f"{self.plan.school.name} {self.plan.year_label}校本研修登记"

    @property
    def editable(self) -> bool:
        return self.state in flow.REGISTRATION_EDITABLE


class Activity(models.Model):
    """An activity of the plan held on a day, with its attendees and the hours each earned."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="activities")
    line = models.ForeignKey(
        PlanLine, verbose_name=_("plan line"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity held")
        verbose_name_plural = _("activities held")
        ordering = ["registration", "held_on", "id"]

    def __str__(self) -> str:
        return self.line.title


class TeacherLine(models.Model):
    """One teacher's hours from one activity (or a manual line with its evidence)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey(
        PlanLine, verbose_name=_("plan line"), on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="lines"
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    earned_on = models.DateField(_("date"))
    answer = models.CharField(
        _("teacher's answer"), max_length=16, choices=Answer.choices, default=Answer.PENDING
    )
    dispute_reason = models.TextField(_("dispute reason"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    evidence_name = models.CharField(_("evidence"), max_length=255, blank=True)
    evidence_type = models.CharField(max_length=64, blank=True)
    evidence = models.BinaryField(null=True, blank=True, editable=False)
    counted_hours = models.DecimalField(
        _("hours counted"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("teacher's line")
        verbose_name_plural = _("teachers' lines")
        ordering = ["registration", "person", "earned_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                name="sb_line_once_per_activity",
                condition=models.Q(activity__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.line}"

    @property
    def manual(self) -> bool:
        return self.activity_id is None

    @property
    def not_counted(self):
        if self.counted_hours is None:
            return None
        return self.hours - self.counted_hours
