"""Credit policies as stored data: a Policy bound to an org subtree, and its versions.

The rules themselves live in `rules/` (pure Python); here a version's document is stored as the
text the bureau wrote (YAML or JSON) and as the resolved policy (presets merged) that evaluations
use and pin, so a later change to a preset never changes a stored version.
"""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from peixun.core.runs import BackgroundRun
from peixun.policies import hooks
from peixun.policies.rules import Policy as RulesPolicy


class Policy(models.Model):
    """A Policy is a bureau's credit requirement for the teachers of one org subtree (a city, or a
    county overriding its city). A person is governed by the adopted version, in force on the day,
    of the policy bound to their nearest ancestor org."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="policies"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit policy")
        verbose_name_plural = _("credit policies")
        ordering = ["org__path", "code"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="policy_unique_code_per_org")]

    def __str__(self) -> str:
        return self.name


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class PolicyVersion(models.Model):
    """A PolicyVersion is one text of a policy. A draft may be edited and tried (what-if); an
    adopted version is frozen and in force from `effective_from` until the next adopted version
    starts (`effective_until`, inclusive, set then)."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    text = models.TextField(_("policy document"))
    resolved = models.JSONField(editable=False)
    effective_from = models.DateField(_("in force from"))
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique_number"),
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="policy_version_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"

    @cached_property
    def rules(self) -> RulesPolicy:
        """The resolved policy the engine evaluates (validated when the version was saved)."""
        return RulesPolicy.model_validate(self.resolved)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class WhatIfRun(BackgroundRun):
    """A WhatIfRun evaluates a version (usually a draft) against the real people of an org subtree,
    beside the versions in force for them, without changing anything of theirs: how many would be
    short and on which rule, what the draft changes in words, and who would newly pass or newly
    fail and why (its `changes`). A background run (peixun.core.runs): it only reads people and
    hours, so running it again is always safe (it replaces its own changes)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="what_if_runs")
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    result = models.JSONField(default=dict, blank=True)

    kept_message = gettext_noop("Nothing is stored by a what-if run: run it again.")

    class Meta:
        verbose_name = _("what-if run")
        verbose_name_plural = _("what-if runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} @ {self.org} {self.as_of}"

    @property
    def is_running(self) -> bool:
        return self.is_active

    def run_task(self):
        """The ledger's task (it reads the hours): registered on `hooks.what_if_task`."""
        return hooks.what_if_task.entries()[0]


class ChangeKind(models.TextChoices):
    NEWLY_COMPLIANT = "newly_compliant", _("Newly compliant")
    NEWLY_SHORT = "newly_short", _("Newly short")


class WhatIfChange(models.Model):
    """A WhatIfChange is one person whose standing a what-if run changes: short under the versions
    in force and compliant under the candidate, or the reverse (or without a policy today and
    short under it), with the hours still missing on each side and why, requirement by
    requirement (Chinese sentences, peixun.policies.compare)."""

    run = models.ForeignKey(WhatIfRun, on_delete=models.CASCADE, related_name="changes")
    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="+")
    # The person's org path when the run was made: the list is read by org subtree and by school.
    org_path = models.CharField(max_length=255)
    kind = models.CharField(_("change"), max_length=16, choices=ChangeKind.choices)
    # Hours still missing on the total under the versions in force (None: no policy applied) and
    # under the candidate.
    shortfall_before = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    shortfall_after = models.DecimalField(max_digits=8, decimal_places=1)
    reasons = models.JSONField(default=list)

    class Meta:
        verbose_name = _("what-if change")
        verbose_name_plural = _("what-if changes")
        ordering = ["run", "kind", "org_path", "person"]
        # The page lists one kind of a run by school then person: read in index order.
        indexes = [models.Index(fields=["run", "kind", "org_path", "person"], name="whatif_change_list")]
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="whatif_change_once")]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.person_id} {self.kind}"
