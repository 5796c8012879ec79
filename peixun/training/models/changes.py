"""Change requests (变更申请): how an approved project changes its capacity, audience, dates and
classes — asked for by the organiser, decided by the approver."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peixun.training.models.projects import Project


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("change request", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("change request", "Approved")
    RETURNED = "returned", pgettext_lazy("change request", "Returned")
    WITHDRAWN = "withdrawn", pgettext_lazy("change request", "Withdrawn")


# A request still in play: waiting for the approver, or sent back to the organiser to edit.
OPEN_CHANGE_STATUSES = (ChangeRequestStatus.PENDING, ChangeRequestStatus.RETURNED)


class ChangeRequest(models.Model):
    """A ChangeRequest (变更申请) asks that an approved project, before it closes, take new terms:
    its capacity and minimum size, its audience (the orgs, the orgs left out and the target rules),
    its enrolment window and training dates, its class size and its classes (kept, renamed, added
    or removed). It holds the whole set of terms asked for — the form opens on the project's own —
    so what it changes is the difference from the project at the time it is read.

    The organiser submits it with a reason; whoever may approve the project approves it (the new
    terms are applied at once, all or nothing) or returns it with a comment, after which the
    organiser edits and submits it again, or withdraws it. A project has at most one open request
    (waiting or returned), held by a partial unique constraint. `applied` keeps the differences as
    they were when approved ([field, before, after] in words), for the page and the history.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_requests")
    status = models.CharField(
        _("status"), max_length=16, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    reason = models.TextField(_("reason for the change"))
    capacity = models.PositiveIntegerField(_("capacity"))
    min_size = models.PositiveIntegerField(_("minimum size"), default=0)
    audience = models.ManyToManyField("orgs.Org", verbose_name=_("audience"), related_name="+")
    excluded_orgs = models.ManyToManyField(
        "orgs.Org", verbose_name=_("excluded organisations"), related_name="+", blank=True
    )
    targets = models.JSONField(_("target rules"), default=dict, blank=True)
    enrol_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrol_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    class_size = models.PositiveSmallIntegerField(_("class size"), validators=[MinValueValidator(1)])
    # The classes wanted, in order: [{"id": 12, "name": "第1班"}, {"id": null, "name": "第4班"}];
    # an existing class left out is removed.
    classes = models.JSONField(_("classes"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("approver's comment"), blank=True)
    applied = models.JSONField(default=list, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status__in=["pending", "returned"]),
                name="changerequest_one_open_per_project",
            ),
            models.CheckConstraint(
                condition=Q(min_size__lte=models.F("capacity")), name="changerequest_min_size_within_capacity"
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="changerequest_status_idx")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CHANGE_STATUSES
