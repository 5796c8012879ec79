"""Mandatory enrolment runs: each time the organiser enrols a mandatory audience, what was chosen,
what it was computed from and what it changed, so that it can be checked and undone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from peixun.core.runs import BackgroundRun
from peixun.training.models.projects import Project
from peixun.training.rules import mandatory as rules


class MandatoryOption(models.TextChoices):
    ALL = rules.ALL, _("Everyone fits")
    CLASSES = rules.CLASSES, _("More classes: everyone enrolled")
    ORDER = rules.ORDER, _("Up to the places, in a stated order; the rest waitlisted")


class MandatoryRun(BackgroundRun):
    """A MandatoryRun is one enrolment of a project's mandatory audience (RULES B1), a background
    run (peixun.core.runs): the option the organiser chose when more people were eligible than
    the places left (peixun.training.rules.mandatory) — more classes, or up to the places in a
    stated order with the rest waitlisted —, the seed and the digest of what the preview was
    computed from (a confirmation applies exactly that), and what it changed: the enrolments it
    wrote carry it (`Enrolment.mandatory_run`), an earlier row it took up keeps its former state
    in `reused`, and a raised capacity its former value. While enrolment is open the organiser may
    undo it: the rows it wrote go, the places come back, the rows it took up return to what they
    were."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="mandatory_runs")
    option = models.CharField(_("option"), max_length=8, choices=MandatoryOption.choices)
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    digest = models.CharField(_("digest"), max_length=64, blank=True)
    eligible = models.PositiveIntegerField(_("to enrol"), default=0)
    places_taken_before = models.PositiveIntegerField(default=0)
    capacity_before = models.PositiveIntegerField(_("capacity before"), default=0)
    capacity_after = models.PositiveIntegerField(_("capacity after"), default=0)
    enrolled = models.PositiveIntegerField(_("enrolled"), default=0)
    waitlisted = models.PositiveIntegerField(_("waitlisted"), default=0)
    # Per school: [[school id, eligible, enrolled, waitlisted], …]; classes: their sizes.
    shares = models.JSONField(default=list, blank=True)
    classes = models.JSONField(default=list, blank=True)
    # The order of the draw (ORDER): [[person id, school id, rank, enrolled], …], as LotteryDraw.
    entries = models.JSONField(default=list, blank=True)
    # Earlier rows taken up: {enrolment id: {field: former value}}.
    reused = models.JSONField(default=dict, blank=True)
    waitlist_turned_on = models.BooleanField(default=False)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    kept_message = gettext_noop("Nothing was enrolled: run it again.")

    class Meta:
        verbose_name = _("mandatory enrolment")
        verbose_name_plural = _("mandatory enrolments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.project_id} {self.option} {self.created_at:%Y-%m-%d}" if self.created_at else self.option
        )

    def run_task(self):
        from peixun.training import tasks

        return tasks.apply_mandatory_run

    def reset_for_again(self) -> dict:
        return {"counts": {}, "total": 0}
