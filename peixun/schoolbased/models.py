"""School-based training (校本研修): the district's prescribed topics and registration deadline per
school year, each school's annual plan with its lines and submitted versions, and the year-end
registration of each teacher's hours (activities held with their attendees, manual lines with
evidence), confirmed by the teachers and accepted by the district."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peixun.core.choices import Category, Level
from peixun.orgs.models import Org, Person
from peixun.schoolbased.rules import checkin
from peixun.schoolbased.rules import follow_along as fa
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
    run = models.ForeignKey(
        "SchoolActivity", null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
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
            ),
            models.UniqueConstraint(
                fields=["run", "person"], name="sb_line_once_per_run", condition=models.Q(run__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.line}"

    @property
    def manual(self) -> bool:
        return self.activity_id is None and self.run_id is None

    @property
    def not_counted(self):
        if self.counted_hours is None:
            return None
        return self.hours - self.counted_hours


# --- Activities run from the plan (ADR 0059) -------------------------------------------------------


class FollowAlongTemplate(models.Model):
    """The counted tasks of follow-along study (跟岗学习, RULES C12), as data the bureau edits:
    lessons observed, lessons taught (of which report lessons), model lessons, proposals, and a log
    for each day of the activity."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    min_observed = models.PositiveSmallIntegerField(_("lessons observed, at least"), default=10)
    min_taught = models.PositiveSmallIntegerField(_("lessons taught, at least"), default=6)
    min_report = models.PositiveSmallIntegerField(_("report lessons among them, at least"), default=1)
    min_model = models.PositiveSmallIntegerField(_("model lessons, at least"), default=1)
    min_proposal = models.PositiveSmallIntegerField(_("sub-project proposals, at least"), default=1)
    daily_log = models.BooleanField(_("a log for every day of the activity"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-along study template")
        verbose_name_plural = _("follow-along study templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    REGULAR = "regular", _("School activity")
    FOLLOW_ALONG = "follow_along", _("Follow-along study")


class SchoolActivity(models.Model):
    """An activity a school runs from an approved plan line: its days, place, leader and
    participants, with check-in, an attendance register, coursework and evidence."""

    line = models.ForeignKey(
        PlanLine, verbose_name=_("plan line"), on_delete=models.PROTECT, related_name="runs"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=ActivityKind.choices, default=ActivityKind.REGULAR
    )
    template = models.ForeignKey(
        FollowAlongTemplate,
        verbose_name=_("follow-along study template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("activity"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200)
    leader = models.ForeignKey(Person, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(_("hours each"), max_digits=5, decimal_places=1)
    checkin_secret = models.CharField(max_length=64, default=checkin.new_secret, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("school activity")
        verbose_name_plural = _("school activities")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def follow_along(self) -> bool:
        return self.kind == ActivityKind.FOLLOW_ALONG

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Attendance(models.TextChoices):
    UNMARKED = "unmarked", _("Not marked")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


class Participant(models.Model):
    activity = models.ForeignKey(SchoolActivity, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, default=Attendance.UNMARKED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["activity", "person__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="sb_participant_once")]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"


class CheckIn(models.Model):
    """A participant's check-in on one day of the activity (by the code, the QR code or the
    leader's register)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="checkins")
    day = models.DateField(_("date"))
    at = models.DateTimeField(_("checked in at"))
    method = models.CharField(_("taken by"), max_length=16)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [models.UniqueConstraint(fields=["participant", "day"], name="sb_checkin_once_a_day")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.day}"


class Task(models.Model):
    """Coursework of an activity: what to hand in, by when."""

    activity = models.ForeignKey(SchoolActivity, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("coursework task")
        verbose_name_plural = _("coursework tasks")
        ordering = ["activity", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Grade(models.TextChoices):
    PENDING = "pending", _("To be graded")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class Submission(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="submissions")
    person = models.ForeignKey(Person, verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(max_length=128)
    data = models.BinaryField(editable=False)
    submitted_at = models.DateTimeField(_("submitted at"))
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices, default=Grade.PENDING)

    class Meta:
        verbose_name = _("coursework submission")
        verbose_name_plural = _("coursework submissions")
        ordering = ["task", "person__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "person"], name="sb_submission_once")]

    def __str__(self) -> str:
        return f"{self.task_id}/{self.person_id} {self.grade}"


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    MINUTES = "minutes", _("Minutes")
    FILE = "file", _("Other file")


class ActivityEvidence(models.Model):
    activity = models.ForeignKey(SchoolActivity, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices)
    file_name = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(max_length=128)
    data = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity evidence")
        verbose_name_plural = _("activity evidence")
        ordering = ["activity", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.file_name


class TaskKind(models.TextChoices):
    OBSERVED = fa.OBSERVED, _("Lesson observed")
    TAUGHT = fa.TAUGHT, _("Lesson taught")
    REPORT = fa.REPORT, _("Report lesson taught")
    MODEL = fa.MODEL, _("Model lesson (design and video)")
    PROPOSAL = fa.PROPOSAL, _("Sub-project proposal")
    LOG = fa.LOG, _("Daily log")


class FollowAlongEntry(models.Model):
    """One counted task of a follow-along participant: a lesson observed or taught, a model lesson,
    a proposal, a day's log."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("task"), max_length=16, choices=TaskKind.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("title or note"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-along task")
        verbose_name_plural = _("follow-along tasks")
        ordering = ["participant", "on", "id"]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.kind} {self.on}"
