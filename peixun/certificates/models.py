"""Certificates: the templates an issuing body designs, the numbered certificates issued from
them with their PDF and public verification code, the batches that issue them in the background,
and the per-region sequences that number them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from peixun.certificates.rules import numbers
from peixun.core.runs import BackgroundRun


class CertificateKind(models.TextChoices):
    PASS = "pass", _("Certificate of passing (合格证书)")
    COMPLETION = "completion", _("Certificate of completion (结业证书)")
    POST = "post", _("Certificate for taking up the post (上岗证书)")
    EXCELLENT = "excellent", _("Excellent trainee (优秀学员证书)")


class CertificateTemplate(models.Model):
    """A CertificateTemplate is how an issuing body's certificates of one kind look and are
    numbered (RULES E2): the title and wording (with {name}, {project}, {hours} … filled in), the
    issuing body's name and seal image, and the region code that starts every number."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="certificate_templates"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    title = models.CharField(_("title on the certificate"), max_length=20)
    body = models.TextField(_("wording"), blank=True, max_length=1000)
    issuer = models.CharField(_("issuing body"), max_length=100)
    region = models.CharField(_("number prefix (region code)"), max_length=12)
    seal = models.BinaryField(_("seal image"), blank=True, editable=False, default=b"")
    active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["org__path", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class CertificateSequence(models.Model):
    """The last number given in one region and year; numbers are taken in blocks by one
    conditional UPDATE, so concurrent batches never share a number."""

    region = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="certificate_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.region}-{self.year}: {self.last}"


class CertificateBatch(BackgroundRun):
    """A CertificateBatch issues one kind of certificate to everyone in a project who qualifies
    and has none yet, in the background (a background run, peixun.core.runs) with its progress
    shown. Running it again issues only what is still missing: one valid certificate per trainee
    and kind is a database constraint."""

    project = models.ForeignKey(
        "training.Project", on_delete=models.CASCADE, related_name="certificate_batches"
    )
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="batches")
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    kept_message = gettext_noop("Certificates issued so far are kept; running it again issues only the rest.")

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.state}"

    @property
    def is_running(self) -> bool:
        return self.is_active

    def run_task(self):
        from peixun.certificates import tasks

        return tasks.issue_batch


class CertificateBundle(BackgroundRun):
    """A CertificateBundle is one PDF of many certificates — a project's, or one class's — merged in
    the background for printing (ADR 0037): the valid certificates only, in class and roster order,
    one page each, bookmarked by holder. Revoked certificates are left out (`counts` says how many).
    Running it again makes the whole file again; nothing is half-written."""

    project = models.ForeignKey(
        "training.Project", on_delete=models.CASCADE, related_name="certificate_bundles"
    )
    cohort = models.ForeignKey(
        "training.Cohort",
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="certificate_bundles",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices, blank=True)
    content = models.BinaryField(editable=False, default=b"")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate file")
        verbose_name_plural = _("certificate files")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.cohort_id or '-'} {self.kind or '*'} {self.state}"

    def run_task(self):
        from peixun.certificates import tasks

        return tasks.bundle_certificates

    def reset_for_again(self) -> dict:
        return {"content": b"", "counts": {}}


class Certificate(models.Model):
    """A Certificate is one numbered document issued to one trainee of a project: its kind and
    number, the fields it shows as they were when issued (`fields`: name, masked ID number,
    project, hours, dates, issuing body …), its PDF, and the unguessable code of its public
    verification page. A revoked certificate keeps its number and page, which then say it was
    revoked, when and why."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="certificates")
    project = models.ForeignKey("training.Project", on_delete=models.PROTECT, related_name="certificates")
    enrolment = models.ForeignKey("training.Enrolment", on_delete=models.PROTECT, related_name="certificates")
    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("holder"), on_delete=models.PROTECT, related_name="certificates"
    )
    batch = models.ForeignKey(
        CertificateBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    fields = models.JSONField(editable=False)
    code = models.CharField(max_length=32, unique=True, default=numbers.new_code, editable=False)
    pdf = models.BinaryField(editable=False)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(pgettext_lazy("certificate", "revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One valid certificate of a kind per trainee and project; a revoked one may be replaced.
            models.UniqueConstraint(
                fields=["enrolment", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_one_valid_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="certificate_revocation_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "issued_on"], name="certificate_person_idx"),
            models.Index(fields=["project", "kind"], name="certificate_project_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
