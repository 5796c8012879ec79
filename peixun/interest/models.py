"""Student interest groups (学科兴趣活动小组, RULES B9, C11, F6): a county's terms with their rules
as data, the students of each school, the groups with their applicants and members, the tutor's
deliverables per group and per session, and the files that show them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The seed's figures (000 篇3 §二, §四): a new term starts from them; the bureau edits them.
DEFAULT_MIN_SIZE = 20
DEFAULT_MAX_SIZE = 30
DEFAULT_MAX_GROUPS = 2
DEFAULT_HOURS_PER_SESSION = Decimal("2.0")
DEFAULT_DEDUCTION = Decimal("2.0")
DEFAULT_YUAN_PER_HOUR = Decimal("50.00")
HOURS: dict = {"max_digits": 5, "decimal_places": 1}


class Term(models.Model):
    """A Term (学期) of interest groups, set by a bureau or centre for the schools below its org:
    its dates and its rules as data — the size of a group, how many groups a student may join,
    and the tutors' subsidy (class-hours per session, the deductions, yuan per class-hour)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("term"), max_length=60)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    min_size = models.PositiveSmallIntegerField(_("smallest group"), default=DEFAULT_MIN_SIZE)
    max_size = models.PositiveSmallIntegerField(_("largest group"), default=DEFAULT_MAX_SIZE)
    max_groups_per_student = models.PositiveSmallIntegerField(
        _("groups a student may join"), default=DEFAULT_MAX_GROUPS
    )
    hours_per_session = models.DecimalField(
        _("class-hours per session"), default=DEFAULT_HOURS_PER_SESSION, **HOURS
    )
    plan_deduction = models.DecimalField(
        _("class-hours deducted without a plan"), default=DEFAULT_DEDUCTION, **HOURS
    )
    test_deduction = models.DecimalField(
        _("class-hours deducted per missing test"), default=DEFAULT_DEDUCTION, **HOURS
    )
    yuan_per_hour = models.DecimalField(
        _("yuan per class-hour"), max_digits=8, decimal_places=2, default=DEFAULT_YUAN_PER_HOUR
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interest group term")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="interest_term_dates"),
            models.CheckConstraint(
                condition=Q(min_size__gte=1, max_size__gte=F("min_size")), name="interest_term_sizes"
            ),
            models.CheckConstraint(
                condition=Q(max_groups_per_student__gte=1, max_groups_per_student__lte=2),
                name="interest_term_groups_per_student",
            ),
            models.CheckConstraint(
                condition=Q(
                    hours_per_session__gte=0,
                    plan_deduction__gte=0,
                    test_deduction__gte=0,
                    yuan_per_hour__gte=0,
                ),
                name="interest_term_rates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Student(models.Model):
    """A Student of a school, as little as a group needs: name, grade and class (no ID number)."""

    school = models.ForeignKey(
        "orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=50)
    grade = models.CharField(_("grade"), max_length=20)
    class_name = models.CharField(_("class"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("student")
        ordering = ["grade", "class_name", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "grade", "class_name", "name"], name="interest_student_once_per_class"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.grade}{self.class_name}）"


class InterestGroup(models.Model):
    """An InterestGroup is one subject group of a school in a term, with its tutor (a person of
    the school) and the deliverables the tutor keeps for the whole term (C11): the term plan, the
    textbook and the staged tests planned and held."""

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="groups")
    school = models.ForeignKey(
        "orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("group"), max_length=60)
    subject = models.CharField(_("subject"), max_length=30)
    capacity = models.PositiveSmallIntegerField(_("places"))
    tutor = models.ForeignKey(
        "orgs.Person", verbose_name=_("tutor"), on_delete=models.PROTECT, related_name="+"
    )
    has_plan = models.BooleanField(_("term plan handed in"), default=False)
    textbook = models.CharField(_("textbook"), max_length=120, blank=True)
    tests_planned = models.PositiveSmallIntegerField(_("staged tests planned"), default=0)
    tests_held = models.PositiveSmallIntegerField(_("staged tests held"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interest group")
        ordering = ["org_path", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "school", "name"], name="interest_group_name_once"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="interest_group_capacity"),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


class Application(models.Model):
    """A student's application to a group, its selection test score and the outcome; a selected
    application makes the student a member."""

    group = models.ForeignKey(InterestGroup, on_delete=models.CASCADE, related_name="applications")
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="applications"
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    score = models.DecimalField(
        _("selection test score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )

    class Meta:
        verbose_name = _("application")
        ordering = ["applied_at", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "student"], name="interest_apply_once")]

    def __str__(self) -> str:
        return f"{self.group_id} {self.student_id}"


class Lesson(models.Model):
    """One session (课次) of a group and what its tutor kept for it (C11): the lesson plan, the
    graded homework and the register signed by the students present."""

    group = models.ForeignKey(InterestGroup, on_delete=models.CASCADE, related_name="lessons")
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=120, blank=True)
    has_lesson_plan = models.BooleanField(_("lesson plan"), default=False)
    has_homework = models.BooleanField(_("homework graded"), default=False)
    has_register = models.BooleanField(_("register signed"), default=False)
    present = models.ManyToManyField(Student, verbose_name=_("present"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("session")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.group_id} {self.held_on}"


class FileKind(models.TextChoices):
    PLAN = "plan", _("Term plan")
    TESTS = "tests", _("Staged test results")
    LESSON_PLAN = "lesson_plan", _("Lesson plan")
    HOMEWORK = "homework", _("Graded homework")
    REGISTER = "register", _("Signed register")


class DeliverableFile(models.Model):
    """A file showing a deliverable (checked by its bytes, peixun.lib.uploads), of the group or of
    one of its sessions; stored in the database and offered back only as a download."""

    group = models.ForeignKey(InterestGroup, on_delete=models.CASCADE, related_name="files")
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=16, choices=FileKind.choices)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deliverable file")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


class GrowthNote(models.Model):
    """A note in a member's growth file (学习成长档案) kept by the tutor."""

    group = models.ForeignKey(InterestGroup, on_delete=models.CASCADE, related_name="notes")
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"), max_length=1000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("growth note")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.group_id} {self.student_id}"
