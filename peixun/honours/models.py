"""Honours (RULES E6, E7, A13, D10): the ethics honours (师德模范, 师德先进个人) chosen each year, and
the titles of the 名师/骨干 programme (特级教师, 区名师, 骨干教师) held for a term under dynamic
management — yearly selections with quotas, nominations by schools with evidence, the bureau's
review, a public notice (公示) with objections, the final list, then the titles' yearly obligations,
annual reviews and renewal or removal at term end."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peixun.honours.rules import states, terms


class Family(models.TextChoices):
    ETHICS = "ethics", _("Ethics honour")
    TITLE = "title", _("Programme title")


class HonourKind(models.Model):
    """An HonourKind is one honour that can be conferred — 师德模范, 区名师 … — with the rules that
    are data: its family (an ethics honour of a year, or a title held for a term), the term in
    years, the default quota of a year's selection and, for titles, the yearly obligations (A13)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    family = models.CharField(_("family"), max_length=8, choices=Family.choices)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=0)
    default_quota = models.PositiveIntegerField(_("default quota per selection"), default=0)
    min_concentrated_hours = models.DecimalField(
        _("concentrated training required per school year (hours)"), max_digits=5, decimal_places=1, default=0
    )
    min_guidance_hours = models.DecimalField(
        _("school-based guidance required per school year (hours)"), max_digits=5, decimal_places=1, default=0
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["family", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(family="ethics") | Q(term_years__gt=0), name="honours_kind_title_has_term"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SelectionStatus(models.TextChoices):
    OPEN = states.OPEN, _("Open for nominations")
    NOTICE = states.NOTICE, _("In public notice")
    FINAL = states.FINAL, _("Final")


class Selection(models.Model):
    """A Selection is one year's choice of one family of honours by a bureau (its org): schools
    under the org nominate while it is open; the accepted nominations are published for public
    notice between two dates; then it is made final, within each honour's quota."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    family = models.CharField(_("family"), max_length=8, choices=Family.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    nominations_close_on = models.DateField(_("nominations close on"))
    status = models.CharField(
        _("status"), max_length=8, choices=SelectionStatus.choices, default=SelectionStatus.OPEN
    )
    notice_starts_on = models.DateField(_("public notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice until"), null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")
        ordering = ["-year", "family", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "family", "year"], name="honours_selection_one_a_year"),
            models.CheckConstraint(
                condition=Q(notice_starts_on__isnull=True)
                | Q(notice_ends_on__gte=models.F("notice_starts_on")),
                name="honours_selection_notice_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Quota(models.Model):
    """How many of one honour a selection may confer (E6: 10 师德模范, 30 师德先进个人; E7: 20 名师,
    200 骨干), set from the honour's default when the selection is created and editable until final."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="quotas")
    kind = models.ForeignKey(HonourKind, verbose_name=_("honour"), on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("quota"))

    class Meta:
        ordering = ["kind__order", "kind_id"]
        constraints = [models.UniqueConstraint(fields=["selection", "kind"], name="honours_quota_once")]

    def __str__(self) -> str:
        return f"{self.kind_id} {self.count}"


class NominationStatus(models.TextChoices):
    SUBMITTED = states.SUBMITTED, _("Waiting for the bureau")
    RETURNED = states.RETURNED, _("Returned to the school")
    ACCEPTED = states.ACCEPTED, _("Accepted")
    REMOVED = states.REMOVED, _("Removed after objection")
    CONFERRED = states.CONFERRED, _("Conferred")
    NOT_CONFERRED = states.NOT_CONFERRED, _("Not conferred")


class Nomination(models.Model):
    """A Nomination is a school's proposal of one of its teachers for one honour of a selection,
    with a statement of the deeds and evidence files, on its way through the bureau's review."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="nominations")
    kind = models.ForeignKey(HonourKind, verbose_name=_("honour"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="honour_nominations"
    )
    # The person's school path when nominated: the school's and the bureau's scope.
    org_path = models.CharField(max_length=255, db_index=True)
    statement = models.TextField(_("statement of deeds"), max_length=2000)
    status = models.CharField(_("status"), max_length=16, choices=NominationStatus.choices)
    note = models.CharField(_("bureau's comment"), max_length=500, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["kind__order", "org_path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "person"], name="honours_nomination_once"),
        ]

    def __str__(self) -> str:
        return f"{self.selection_id} {self.person_id}"


class Evidence(models.Model):
    """One evidence file of a nomination (checked by peixun.lib.uploads), kept as bytes and only
    offered back as a download."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the bureau")
    UPHELD = "upheld", _("Upheld: the nomination is removed")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(models.Model):
    """An Objection is what anyone sends from the public notice page against one nominee (named
    contact optional); the bureau upholds it (the nomination is removed) or dismisses it."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("objection"), max_length=2000)
    contact = models.CharField(_("contact (optional)"), max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING)
    note = models.CharField(_("bureau's finding"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.status}"


class HonourStatus(models.TextChoices):
    ACTIVE = "active", _("Held")
    RENEWED = "renewed", _("Renewed for a new term")
    ENDED = "ended", _("Term ended")
    REMOVED = "removed", pgettext_lazy("honour", "Removed")


class Honour(models.Model):
    """An Honour is one conferred honour of one person: an ethics honour of a year, or a title held
    from `starts_on` to `ends_on` (its term). A renewal starts a new Honour after the old one; a
    removal keeps the row with its reason."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("teacher"), on_delete=models.PROTECT, related_name="honours"
    )
    kind = models.ForeignKey(HonourKind, verbose_name=_("honour"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    nomination = models.OneToOneField(
        Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="honour"
    )
    renews = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewal"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=HonourStatus.choices, default=HonourStatus.ACTIVE
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conferred honour")
        verbose_name_plural = _("conferred honours")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["person", "status"], name="honours_honour_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="honours_honour_term_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind_id}"


class ReviewOutcome(models.TextChoices):
    PASS = terms.PASS, _("Passed")
    WARN = terms.WARN, _("Warned")
    REMOVE = terms.REMOVE, pgettext_lazy("honour review", "Removed")


class AnnualReview(models.Model):
    """An AnnualReview is the bureau's yearly word on a title holder (A13): the hours counted for
    the school year, and pass, a warning, or removal."""

    honour = models.ForeignKey(Honour, on_delete=models.CASCADE, related_name="reviews")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    concentrated_hours = models.DecimalField(max_digits=6, decimal_places=1)
    guidance_hours = models.DecimalField(max_digits=6, decimal_places=1)
    outcome = models.CharField(_("outcome"), max_length=8, choices=ReviewOutcome.choices)
    note = models.CharField(_("comment"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year"]
        constraints = [
            models.UniqueConstraint(fields=["honour", "school_year"], name="honours_review_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.honour_id} {self.school_year} {self.outcome}"


class Guidance(models.Model):
    """Guidance is hours of school-based guidance (校本研修指导) a title holder gave — a lesson
    observed, a workshop led — logged by the holder for the yearly obligation (A13)."""

    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="honour_guidance")
    given_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    place = models.CharField(_("school or group guided"), max_length=100)
    description = models.CharField(_("what was done"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["person", "given_on"], name="honours_guidance_person_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="honours_guidance_hours_positive")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.given_on} {self.hours}"
