"""A school's annual training return (学校教师培训年报): its figures are computed from the data
(hours, degrees, budget and spending, prizes) until the school coordinator confirms them; then
the figures of that moment are kept, whatever the data does after, until the county reopens the
return with a written reason."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReturnStatus(models.TextChoices):
    OPEN = "open", _("Not confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
    REOPENED = "reopened", _("Returned")


class AnnualReturn(models.Model):
    """An AnnualReturn is one school's return for one year. A school with no row has not
    confirmed; `figures` holds the snapshot (peixun.returns.rules.figures.Figures.as_json) while
    confirmed and is empty otherwise."""

    school = models.ForeignKey(
        "orgs.Org", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.OPEN
    )
    figures = models.JSONField(default=dict, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        verbose_name = _("annual training return")
        ordering = ["-year", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="annualreturn_one_per_year"),
            # A confirmed return holds its figures; a returned one says why.
            models.CheckConstraint(
                condition=~Q(status="confirmed") | ~Q(figures={}), name="annualreturn_confirmed_figures"
            ),
            models.CheckConstraint(
                condition=~Q(status="reopened") | ~Q(reopen_reason=""), name="annualreturn_reopen_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.year}"
