"""Assessment: each project's scheme in versions, the results computed with it, the tutors' own
scores, manual scores and ethics vetoes, excellence selection with its public notice, and the
record of the hours a project posted to the ledger."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from peixun.core.runs import BackgroundRun


class SchemeVersion(models.Model):
    """A SchemeVersion is one version of a project's assessment scheme (考核方案): the document as
    written (`text`, YAML) and as validated (`document`). Versions are never edited; a change is a
    new version, and each result names the version it was computed with."""

    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="scheme_versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("scheme"))
    document = models.JSONField(editable=False)
    preset = models.CharField(max_length=40, blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment scheme version")
        verbose_name_plural = _("assessment scheme versions")
        ordering = ["project", "-number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="scheme_version_unique")]

    def __str__(self) -> str:
        return f"{self.project_id} v{self.number}"

    def scheme(self):
        from peixun.assessment.rules.scheme import parse_scheme

        cached = getattr(self, "_scheme", None)
        if cached is None:
            cached = parse_scheme(self.document)
            self._scheme = cached
        return cached


class ManualScore(models.Model):
    """A ManualScore is a score a tutor or the organiser enters by hand for one trainee and one
    component of the scheme (教育与组织工作, 实践, a written exam marked on paper …), on the
    component's own scale."""

    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="manual_scores"
    )
    key = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=6, decimal_places=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "key"], name="manual_score_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="manual_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.key}={self.value}"


class ResultStatus(models.TextChoices):
    PASSED = "passed", _("Pass")
    FAILED = "failed", _("Fail")
    PROVISIONAL = "provisional", _("Provisional")


class Result(models.Model):
    """A Result is one trainee's standing in a project under the scheme version it names: every
    component's score, the total, its status — passed, failed, or provisional while an input is
    still to come — with every gate that can fail the trainee and the reason that applied, the
    grade band, each course's outcome and the hours passing grants. Recomputed in the same
    transaction as any change to its inputs (attendance, leave, coursework, outside results,
    manual scores, a new scheme), and when a due date passes (`recheck_at`)."""

    enrolment = models.OneToOneField("training.Enrolment", on_delete=models.CASCADE, related_name="result")
    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="results")
    version = models.ForeignKey(
        SchemeVersion, verbose_name=_("scheme version"), on_delete=models.PROTECT, related_name="results"
    )
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("passed"))
    status = models.CharField(
        _("result"), max_length=12, choices=ResultStatus.choices, default=ResultStatus.PROVISIONAL
    )
    band = models.CharField(_("grade"), max_length=40, blank=True)
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    courses = models.JSONField(default=dict)
    pending = models.JSONField(default=list)
    gates = models.JSONField(default=list)  # [{code, state, reason: {code, params}, items, award_only}]
    waiting = models.JSONField(default=list)  # [{code, params}]: what a provisional result waits for
    notes = models.JSONField(default=list)  # [{code, params}]: the attendance score and leave explained
    recheck_at = models.DateTimeField(null=True, blank=True)  # the next due date to pass
    attendance_rate = models.DecimalField(_("attendance rate"), max_digits=5, decimal_places=1)
    coursework = models.DecimalField(_("coursework"), max_digits=5, decimal_places=1, null=True, blank=True)
    band_value = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    hours = models.JSONField(default=list)  # [[course id or null, "hours"], …]
    hours_total = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    excellent = models.BooleanField(_("excellent trainee"), default=False)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        indexes = [
            models.Index(fields=["project", "passed", "total"], name="result_project_idx"),
            models.Index(fields=["recheck_at"], name="result_recheck_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.total} {self.status}"


class TutorResult(models.Model):
    """A TutorResult is a class tutor's own score in a project (RULES D5): their own work, entered
    by the organiser, and their class's average result, weighted by the scheme."""

    cohort = models.OneToOneField("training.Cohort", on_delete=models.CASCADE, related_name="tutor_result")
    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="tutor_results")
    own_score = models.DecimalField(_("own work"), max_digits=5, decimal_places=1, null=True, blank=True)
    class_average = models.DecimalField(
        _("class average"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    total = models.DecimalField(_("tutor's score"), max_digits=5, decimal_places=1, null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tutor's result")
        verbose_name_plural = _("tutors' results")

    def __str__(self) -> str:
        return f"{self.cohort_id} {self.total}"


class EthicsVeto(models.Model):
    """An EthicsVeto (师德一票否决) records that a person failed an ethics review in a year: it
    blocks every award that year, excellent-trainee selection included (RULES D10). Lifting it
    keeps the row, with who lifted it and when."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="ethics_vetoes"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ethics veto")
        verbose_name_plural = _("ethics vetoes")
        ordering = ["-year", "-created_at"]
        indexes = [models.Index(fields=["person", "year"], name="veto_person_year_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class ExcellenceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOTICE = "notice", _("Public notice")
    FINAL = "final", _("Final")


class ExcellenceRound(models.Model):
    """An ExcellenceRound selects a project's 优秀学员 (RULES E1): drafted from the results, then
    published for a public notice period (公示) in which anyone who can see the project may object,
    then made final — only then do the trainees count as excellent and get the certificate.
    `ranking` keeps the list as published ([{enrolment, rank, selected, reason, total, …}])."""

    project = models.OneToOneField("training.Project", on_delete=models.CASCADE, related_name="excellence")
    status = models.CharField(
        _("status"), max_length=16, choices=ExcellenceStatus.choices, default=ExcellenceStatus.DRAFT
    )
    share = models.DecimalField(_("share"), max_digits=4, decimal_places=3)
    cap_per_school = models.DecimalField(
        _("cap per school"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    ties = models.CharField(max_length=8, default="include")
    notice_days = models.PositiveSmallIntegerField(_("notice days"), default=5)
    ranking = models.JSONField(default=list)
    notice_starts_at = models.DateTimeField(null=True, blank=True)
    notice_ends_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("excellence selection")
        verbose_name_plural = _("excellence selections")

    def __str__(self) -> str:
        return f"{self.project_id} {self.status}"

    def selected_ids(self) -> list[int]:
        return [row["enrolment"] for row in self.ranking if row.get("selected")]


class ObjectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection", "Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(models.Model):
    """An Objection (异议) is raised during a public notice against one listed trainee, with its
    grounds; the organiser upholds it (the trainee is taken off the list) or dismisses it, saying
    why."""

    round = models.ForeignKey(ExcellenceRound, on_delete=models.CASCADE, related_name="objections")
    enrolment = models.ForeignKey("training.Enrolment", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("grounds"), max_length=2000)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    response = models.TextField(_("response"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"{self.round_id} → {self.enrolment_id} ({self.status})"


class HoursPosting(models.Model):
    """An HoursPosting links a project's result to the ledger entry it posted: one per trainee
    and part (the whole project, or one course) and revision. Closing again compares what the
    results now grant with the active postings: the same → nothing; different → the old entry is
    reversed and a new revision posted; no longer passing → reversed only (RULES A11)."""

    project = models.ForeignKey("training.Project", on_delete=models.PROTECT, related_name="hours_postings")
    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.PROTECT, related_name="hours_postings"
    )
    part = models.CharField(max_length=24)  # "project" or "course:<id>"
    revision = models.PositiveSmallIntegerField(default=1)
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    entry = models.OneToOneField("ledger.CreditEntry", on_delete=models.PROTECT, related_name="+")
    reversal = models.OneToOneField(
        "ledger.CreditEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hours posting")
        verbose_name_plural = _("hours postings")
        ordering = ["project", "enrolment", "part", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "part", "revision"], name="posting_revision_unique"),
            models.UniqueConstraint(
                fields=["enrolment", "part"], condition=Q(active=True), name="posting_one_active_per_part"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.part} r{self.revision} {self.hours}"


class ResultsRun(BackgroundRun):
    """A ResultsRun recomputes a project's results in the background (a background run,
    peixun.core.runs) when a change touches more trainees than a request may recompute — closing
    a lesson of a large class, a new scheme for a large project: `enrolment_ids` are those whose
    inputs changed (None: everyone). A recompute leaves the same results however often it runs."""

    project = models.ForeignKey("training.Project", on_delete=models.CASCADE, related_name="results_runs")
    enrolment_ids = models.JSONField(null=True, blank=True)

    kept_message = gettext_noop("Results recomputed so far are kept; running it again recomputes the rest.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"results {self.project_id} {self.state}"

    def run_task(self):
        from peixun.assessment import tasks

        return tasks.recompute_results
