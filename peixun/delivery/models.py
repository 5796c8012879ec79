"""Running a project: its lessons (课次) and who attended them, leave requests, coursework and
results imported from outside learning platforms."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peixun.delivery.rules import checkin, leave


def default_chain() -> list[dict]:
    return leave.chain_json(leave.DEFAULT_CHAIN)


class DeliverySettings(models.Model):
    """DeliverySettings are how one project runs check-in and leave: how often the check-in code
    changes, how early check-in opens and when arriving counts as late, and the approval chain
    for leave (RULES C4). A project without a row uses the defaults."""

    project = models.OneToOneField(
        "training.Project", on_delete=models.CASCADE, related_name="delivery_settings"
    )
    code_period = models.PositiveSmallIntegerField(
        _("code changes every (seconds)"),
        default=checkin.DEFAULT_PERIOD,
        validators=[MinValueValidator(10), MaxValueValidator(300)],
    )
    opens_before = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before the start)"), default=15, validators=[MaxValueValidator(240)]
    )
    late_after = models.PositiveSmallIntegerField(
        _("late after (minutes past the start)"), default=10, validators=[MaxValueValidator(240)]
    )
    leave_chain = models.JSONField(_("leave approval chain"), default=default_chain)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")

    def __str__(self) -> str:
        return f"settings of {self.project_id}"

    @property
    def chain(self) -> tuple[leave.Step, ...]:
        return leave.parse_chain(self.leave_chain)


class LessonStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Lesson(models.Model):
    """A Lesson (课次) is one scheduled session of a project: when and where (or online), its
    topic and trainer, for one class or — without a class — for every trainee of the project, and
    optionally part of one course. Check-in is open around its time; closing it marks everyone
    not yet marked absent."""

    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="lessons")
    cohort = models.ForeignKey(
        "training.Cohort",
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lessons",
    )
    course = models.ForeignKey(
        "training.Course",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lessons",
    )
    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=LessonStatus.choices, default=LessonStatus.SCHEDULED
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    checkin_secret = models.CharField(max_length=64, default=checkin.new_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="lesson_ends_after_start")
        ]
        indexes = [
            models.Index(fields=["project", "starts_at"], name="lesson_project_start_idx"),
            models.Index(fields=["status", "ends_at"], name="lesson_status_end_idx"),
        ]

    def __str__(self) -> str:
        return self.topic


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    LEAVE_PERSONAL = "leave_personal", _("Personal leave")
    LEAVE_SICK = "leave_sick", _("Sick leave")
    LEAVE_OFFICIAL = "leave_official", _("Official leave")


class AttendanceMethod(models.TextChoices):
    CODE = "code", _("Typed code")
    QR = "qr", _("QR code")
    REGISTER = "register", _("Tutor's register")
    LEAVE = "leave", _("Approved leave")
    CLOSING = "closing", _("Not marked when the lesson closed")


class Attendance(models.Model):
    """An Attendance is one trainee's mark for one lesson: present, late, absent or on leave
    (personal, sick, official — official leave counts as present), and how it was taken.

    A phone check-in records a hash of the device's own random cookie; one device checks in one
    person per lesson (a unique constraint), so a teacher cannot check in their colleagues."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey("training.Enrolment", on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("status"), max_length=16, choices=AttendanceStatus.choices)
    method = models.CharField(_("taken by"), max_length=16, choices=AttendanceMethod.choices)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    device = models.CharField(max_length=64, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["lesson", "enrolment"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "enrolment"], name="attendance_one_per_lesson"),
            models.UniqueConstraint(
                fields=["lesson", "device"], condition=~Q(device=""), name="attendance_one_person_per_device"
            ),
        ]
        indexes = [models.Index(fields=["enrolment", "status"], name="attendance_enrolment_idx")]

    def __str__(self) -> str:
        return f"{self.lesson_id}/{self.enrolment_id} {self.status}"


class LeaveKind(models.TextChoices):
    PERSONAL = "personal", _("Personal leave")
    SICK = "sick", _("Sick leave")
    OFFICIAL = "official", _("Official leave")


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", pgettext_lazy("leave", "Withdrawn")


class LeaveRequest(models.Model):
    """A LeaveRequest (请假) asks that a trainee be excused from the lessons between two dates,
    for a personal, sick or official reason. It moves along the project's approval chain, copied
    onto the request when made (`chain`); once approved, those lessons' marks become leave."""

    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="leave_requests"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LeaveKind.choices)
    reason = models.TextField(_("reason"), max_length=1000)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    chain = models.JSONField(default=default_chain, editable=False)
    step = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=LeaveStatus.choices, default=LeaveStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="leave_ends_after_start")
        ]
        indexes = [models.Index(fields=["status", "step"], name="leave_status_step_idx")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.kind} {self.starts_on}–{self.ends_on}"

    @property
    def steps(self) -> tuple[leave.Step, ...]:
        return leave.parse_chain(self.chain)

    @property
    def current_step(self) -> leave.Step | None:
        steps = self.steps
        return steps[self.step] if self.status == LeaveStatus.PENDING and self.step < len(steps) else None


class LeaveDecision(models.Model):
    """A LeaveDecision is one step's approval or rejection of a leave request, by whom and why."""

    request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="decisions")
    step = models.PositiveSmallIntegerField()
    approved = models.BooleanField()
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "step"]
        constraints = [
            models.UniqueConstraint(fields=["request", "step"], name="leave_decision_one_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.step} {'yes' if self.approved else 'no'}"


class AssignmentKind(models.TextChoices):
    REFLECTION = "reflection", _("Reflection")
    CASE_ANALYSIS = "case_analysis", _("Case analysis")
    PAPER = "paper", _("Paper")
    NOTES = "notes", _("Study notes")
    LESSON_DESIGN = "lesson_design", _("Lesson design")
    OTHER = "other", _("Other")


class LatePolicy(models.TextChoices):
    REFUSE = "refuse", _("Not accepted after the due date")
    ACCEPT = "accept", _("Accepted late, marked late")
    PENALTY = "penalty", _("Accepted late with a deduction")


class Assignment(models.Model):
    """An Assignment (作业) is one piece of coursework of a project or one of its courses: its
    kind (反思, 案例分析, 论文, 学习笔记, 教学设计 …), a minimum length in characters (RULES C6:
    training notes ≥ 10,000 字; C7: ≥ 3,000), a due date, whether it is required, whether it is
    written in the page or uploaded, its maximum score and what happens when it is late."""

    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="assignments")
    course = models.ForeignKey(
        "training.Course",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=AssignmentKind.choices)
    description = models.TextField(_("instructions"), blank=True, max_length=5000)
    min_chars = models.PositiveIntegerField(_("minimum length (characters)"), default=0)
    due_at = models.DateTimeField(_("due"))
    required = models.BooleanField(_("required"), default=True)
    accepts_text = models.BooleanField(_("written in the page"), default=True)
    accepts_files = models.BooleanField(_("files (PDF, Word, images)"), default=True)
    max_score = models.DecimalField(
        _("maximum score"), max_digits=5, decimal_places=1, default=100, validators=[MinValueValidator(1)]
    )
    late_policy = models.CharField(
        _("late work"), max_length=16, choices=LatePolicy.choices, default=LatePolicy.ACCEPT
    )
    late_penalty = models.PositiveSmallIntegerField(
        _("deduction for late work (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    late_until = models.DateTimeField(_("late work accepted until"), null=True, blank=True)
    # Optional criteria whose points add up to max_score: [{"name": …, "max": "40"}] (rules.rubric).
    rubric = models.JSONField(_("rubric"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["project", "order", "due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepts_text=True) | Q(accepts_files=True), name="assignment_accepts_something"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    GRADED = "graded", _("Graded")
    RETURNED = "returned", _("Returned for revision")


class Submission(models.Model):
    """A Submission is one trainee's work for one assignment: text written in the page and/or
    files, when it was handed in (late or not), its length in characters, and the tutor's score
    and comment once graded. A returned submission may be handed in again."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    enrolment = models.ForeignKey("training.Enrolment", on_delete=models.CASCADE, related_name="submissions")
    text = models.TextField(_("text"), blank=True, max_length=200_000)
    char_count = models.PositiveIntegerField(_("characters"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    late = models.BooleanField(_("late"), default=False)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    rubric_points = models.JSONField(default=list, blank=True)  # the points per rubric criterion, as text
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["assignment", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "enrolment"], name="submission_one_per_trainee"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="submission_score_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.enrolment_id}"


class SubmissionFile(models.Model):
    """A SubmissionFile is one uploaded file of a submission, its kind told by its bytes (PDF,
    Word, PNG, JPEG, WebP). The bytes live in the database, so app servers stay stateless."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    char_count = models.PositiveIntegerField(default=0)
    content = models.BinaryField(editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        ordering = ["submission", "id"]

    def __str__(self) -> str:
        return self.filename


class OutsideSource(models.TextChoices):
    IMPORT = "import", _("Imported file")
    API = "api", _("API")


class OutsideResult(models.Model):
    """An OutsideResult is what an outside learning platform recorded for one trainee of a project
    (RULES D3): online learning minutes, discussion posts and the online exam's score, each left
    empty until given. Imported from a file or sent through the API; the latest values win."""

    enrolment = models.OneToOneField(
        "training.Enrolment", on_delete=models.CASCADE, related_name="outside_result"
    )
    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="outside_results")
    online_minutes = models.PositiveIntegerField(_("online minutes"), null=True, blank=True)
    discussions = models.PositiveIntegerField(_("discussion posts"), null=True, blank=True)
    exam_score = models.DecimalField(_("exam score"), max_digits=5, decimal_places=1, null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=OutsideSource.choices)
    reference = models.CharField(max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outside result")
        verbose_name_plural = _("outside results")
        ordering = ["project", "enrolment"]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.online_minutes}/{self.discussions}/{self.exam_score}"
