"""Daily participation per school (RULES G3): one snapshot per school, day and subject (a running
project, or the school's 校本 year) with the day's figures. Computed from the records, never typed;
taking a day again replaces its rows (ADR 0060)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from peixun.orgs.models import Org


class SubjectKind(models.TextChoices):
    PROJECT = "project", _("Training project")
    SCHOOL_BASED = "school_based", _("School-based training")


class DailySnapshot(models.Model):
    day = models.DateField(_("date"))
    school = models.ForeignKey(Org, verbose_name=_("school"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=SubjectKind.choices)
    subject_key = models.CharField(max_length=48)
    subject = models.CharField(_("training"), max_length=200)
    enrolled = models.PositiveIntegerField(_("enrolled"))
    active = models.PositiveIntegerField(_("active"))
    checked_in = models.PositiveIntegerField(_("checked in"))
    completed = models.PositiveIntegerField(_("completed"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("daily participation snapshot")
        verbose_name_plural = _("daily participation snapshots")
        ordering = ["-day", "school__path", "subject_key"]
        constraints = [
            models.UniqueConstraint(fields=["school", "day", "subject_key"], name="participation_once_a_day")
        ]
        indexes = [models.Index(fields=["day", "school"], name="participation_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.school_id} {self.subject_key}"
