"""The teacher's records (教师档案, RULES G7, G8, A6, G9, A16): qualification certificates
(教师资格证) with their yearly reviews and five-yearly registration, degrees, the new teacher's
见习期 with its stages, and the bureau's data behind them (RecordsPolicy)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peixun.records.rules import probation


class RecordsPolicy(models.Model):
    """A RecordsPolicy is a bureau's figures for the records of its subtree: the registration
    period of qualification certificates and how many days before it falls due people are told
    (G7), the degree targets (G8), the first-year 见习期 hours (A6). The nearest org above a school
    with a policy governs it; without one, the seeds' figures (the field defaults) apply."""

    org = models.OneToOneField("orgs.Org", on_delete=models.CASCADE, related_name="+")
    registration_years = models.PositiveSmallIntegerField(
        _("registration period (years)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    remind_days = models.PositiveSmallIntegerField(
        _("remind this many days before"), default=90, validators=[MaxValueValidator(730)]
    )
    rural_primary_target = models.DecimalField(
        _("target share of rural primary teachers with 专科 or above (%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("85"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    junior_target = models.DecimalField(
        _("target share of junior-school teachers with 本科 or above (%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("85"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    target_year = models.PositiveSmallIntegerField(
        _("year by which the targets are met"),
        default=2029,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    probation_hours = models.DecimalField(
        _("first-year probation training (hours)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("120"),
        validators=[MinValueValidator(0)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("records policy")
        verbose_name_plural = _("records policies")

    def __str__(self) -> str:
        return str(self.org_id)


class CertificateType(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten teacher")
    PRIMARY = "primary", _("Primary school teacher")
    JUNIOR = "junior", _("Junior secondary teacher")
    SENIOR = "senior", _("Senior secondary teacher")
    VOCATIONAL = "vocational", _("Vocational school teacher (culture and specialised courses)")
    VOCATIONAL_PRACTICE = "vocational_practice", _("Vocational school practice instructor")
    HIGHER = "higher", _("Higher education teacher")


class QualificationCertificate(models.Model):
    """A QualificationCertificate is a teacher's 教师资格证 (G7): its number, type, subject, who
    issued it and when, and the day its next registration (定期注册) is due — from the issue or
    the last registration and the governing RecordsPolicy's period, kept in `due_on`."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="qualifications"
    )
    # The person's school path: the scope of the school's and the bureau's lists.
    org_path = models.CharField(max_length=255, db_index=True)
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    kind = models.CharField(_("certificate type"), max_length=24, choices=CertificateType.choices)
    subject = models.CharField(_("subject"), max_length=40)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    registered_on = models.DateField(_("last registered on"), null=True, blank=True)
    due_on = models.DateField(_("registration due on"), db_index=True)
    # The due date the teacher and school were last told about (told once per due date).
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("teacher qualification certificate")
        verbose_name_plural = _("teacher qualification certificates")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_on__isnull=True) | Q(registered_on__gte=models.F("issued_on")),
                name="records_registered_after_issue",
            )
        ]

    def __str__(self) -> str:
        return self.number


class CheckKind(models.TextChoices):
    REVIEW = "review", _("Yearly review")
    REGISTRATION = "registration", _("Periodic registration (定期注册)")


class CheckResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


class QualificationCheck(models.Model):
    """One yearly review (年度审核) or periodic registration (定期注册) of a certificate, with its
    result. A registration passed moves the certificate's next due date."""

    certificate = models.ForeignKey(QualificationCertificate, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("kind"), max_length=16, choices=CheckKind.choices)
    checked_on = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=8, choices=CheckResult.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.kind} {self.checked_on}"


class DegreeLevel(models.TextChoices):
    SECONDARY = "secondary", _("Secondary vocational (中专)")
    COLLEGE = "college", _("College (大专)")
    BACHELOR = "bachelor", _("Bachelor (本科)")
    MASTER = "master", _("Master (硕士)")
    DOCTOR = "doctor", _("Doctorate (博士)")


class Degree(models.Model):
    """A Degree is one step of a teacher's education (学历, G8): its level, school, major, when it
    was awarded, and whether it was studied full time."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="degrees"
    )
    level = models.CharField(_("level"), max_length=16, choices=DegreeLevel.choices)
    school = models.CharField(_("school"), max_length=100)
    major = models.CharField(_("major"), max_length=100)
    awarded_on = models.DateField(_("awarded on"))
    full_time = models.BooleanField(_("full-time"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("degree")
        verbose_name_plural = _("degrees")
        ordering = ["awarded_on", "id"]
        indexes = [models.Index(fields=["person", "awarded_on"], name="records_degree_person_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.level}"


class StageResult(models.TextChoices):
    PENDING = "pending", _("To be assessed")
    PASSED = "passed", _("Passed")
    EXCELLENT = "excellent", _("Excellent")
    FAILED = "failed", _("Not passed")


STAGE_LABELS = {
    "adapt": _("Adapt within half a year"),
    "qualify": _("Qualified within one year"),
    "shape": _("Shaped within two years"),
    "excel": _("Results within three years"),
}


class Probation(models.Model):
    """A Probation is a new teacher's 见习期 (A6, G9): the day they joined and the result of each
    growth stage's test — adapt in half a year, pass in one, shape in two, results in three —
    待评定 until the school enters it."""

    person = models.OneToOneField(
        "orgs.Person", verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="probation"
    )
    joined_on = models.DateField(_("joined on"))
    adapt = models.CharField(
        _("Adapt within half a year"), max_length=12, choices=StageResult.choices, default=StageResult.PENDING
    )
    qualify = models.CharField(
        _("Qualified within one year"),
        max_length=12,
        choices=StageResult.choices,
        default=StageResult.PENDING,
    )
    shape = models.CharField(
        _("Shaped within two years"), max_length=12, choices=StageResult.choices, default=StageResult.PENDING
    )
    excel = models.CharField(
        _("Results within three years"),
        max_length=12,
        choices=StageResult.choices,
        default=StageResult.PENDING,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("probation")
        verbose_name_plural = _("probations")

    def __str__(self) -> str:
        return f"{self.person_id} {self.joined_on}"

    def stages(self) -> list[tuple[str, str, date, str]]:
        """(code, label, due, result label) for each stage, in order."""
        dates = probation.stage_dates(self.joined_on)
        return [
            (
                code,
                str(STAGE_LABELS[code]),
                dates[code],
                str(StageResult(getattr(self, code)).label),
            )
            for code in probation.STAGES
        ]
