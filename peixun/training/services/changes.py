"""Change requests (变更申请, issue 13): once a project is approved, its capacity, audience, dates and
classes change only through a request that the organiser submits with a reason and whoever may
approve the project decides.

- `submit_change` / `resubmit_change` — the organiser asks (again, after a return); the terms are
  checked at once (peixun.training.rules.changes) and the approvers are told;
- `approve_change` — the same checks again (enrolment may have moved since), then every change in
  one transaction: the capacity by a conditional UPDATE that never goes below the places taken
  (the rule of services/enrolment/places.py, ADR 0021), free places filled from the waitlist when
  it grew, the audience and dates set, the classes renamed, added or removed;
- `return_change` (with a comment, required) and `withdraw_change`.

Each is audited on the project with the differences in `changes` ({field: [before, after]} in
words), so the project's history shows them; the notices go to the other party.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peixun.accounts.models import User
from peixun.audit import events
from peixun.lib import dates
from peixun.orgs.models import Org
from peixun.training import access, hooks
from peixun.training.exceptions import (
    ChangeNotAllowedError,
    ChangeNotPermittedError,
    ChangeRequestInvalidError,
    ChangeRequestStateError,
    CommentRequiredError,
    OpenChangeExistsError,
    ReasonRequiredError,
)
from peixun.training.models import (
    HOLDING,
    OPEN_CHANGE_STATUSES,
    ChangeRequest,
    ChangeRequestStatus,
    Cohort,
    Enrolment,
    Project,
    SchoolQuota,
)
from peixun.training.rules import changes as rules
from peixun.training.rules import lifecycle
from peixun.training.rules.changes import ClassLine
from peixun.training.services import notify
from peixun.training.services.enrolment.places import uses_quotas
from peixun.training.services.enrolment.waitlist import promote_waitlist
from peixun.training.wording import targets_text

S = ChangeRequestStatus

# The project's fields a request carries (besides the classes), in the order the page shows them.
FIELDS = (
    "capacity",
    "min_size",
    "audience",
    "excluded_orgs",
    "targets",
    "enrol_opens_at",
    "enrol_closes_at",
    "starts_on",
    "ends_on",
    "class_size",
)
SCALARS = ("capacity", "min_size", "enrol_opens_at", "enrol_closes_at", "starts_on", "ends_on", "class_size")
DATES = ("enrol_opens_at", "enrol_closes_at", "starts_on", "ends_on")


@dataclass(frozen=True)
class Proposal:
    """A project's terms that a change request may change: the project's own (the form opens on
    them) or those a request asks for."""

    capacity: int
    min_size: int
    class_size: int
    enrol_opens_at: datetime | None = None
    enrol_closes_at: datetime | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    audience: frozenset[int] = frozenset()
    excluded_orgs: frozenset[int] = frozenset()
    targets: Mapping[str, Any] = field(default_factory=dict)
    classes: tuple[ClassLine, ...] = ()


@dataclass(frozen=True)
class Difference:
    """One line of the before → after table, in words."""

    field: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return label_of(self.field)


def label_of(name: str) -> str:
    if name == "classes":
        return str(_("Classes"))
    return str(capfirst(getattr(Project._meta.get_field(name), "verbose_name", name)))


def proposal_of_project(project: Project) -> Proposal:
    return Proposal(
        capacity=project.capacity,
        min_size=project.min_size,
        class_size=project.class_size,
        enrol_opens_at=project.enrol_opens_at,
        enrol_closes_at=project.enrol_closes_at,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        audience=frozenset(project.audience.values_list("pk", flat=True)),
        excluded_orgs=frozenset(project.excluded_orgs.values_list("pk", flat=True)),
        targets=dict(project.targets or {}),
        classes=tuple(ClassLine(c.pk, c.name) for c in project.cohorts.order_by("number")),
    )


def proposal_of(change: ChangeRequest) -> Proposal:
    return Proposal(
        capacity=change.capacity,
        min_size=change.min_size,
        class_size=change.class_size,
        enrol_opens_at=change.enrol_opens_at,
        enrol_closes_at=change.enrol_closes_at,
        starts_on=change.starts_on,
        ends_on=change.ends_on,
        audience=frozenset(change.audience.values_list("pk", flat=True)),
        excluded_orgs=frozenset(change.excluded_orgs.values_list("pk", flat=True)),
        targets=dict(change.targets or {}),
        classes=tuple(ClassLine(line.get("id"), str(line.get("name", ""))) for line in change.classes or ()),
    )


# --- The differences, in words -----------------------------------------------------------------------


def _text(name: str, value: object, orgs: Mapping[int, Org]) -> str:
    if value in (None, "", frozenset()):
        return "—"
    if isinstance(value, datetime):
        return dates.format_datetime_zh(value)
    if isinstance(value, date):
        return dates.format_date_zh(value)
    if name in ("audience", "excluded_orgs") and isinstance(value, frozenset):
        chosen = sorted((orgs[pk] for pk in value if pk in orgs), key=lambda org: org.path)
        return "、".join(org.name for org in chosen) or "—"
    if name == "targets" and isinstance(value, Mapping):
        return "；".join(targets_text(dict(value))) or "—"
    return str(value)


def _class_rows(before: Proposal, after: Proposal) -> list[Difference]:
    plan = rules.plan_classes(
        [rules.ExistingClass(c.id or 0, c.name, 0) for c in before.classes], after.classes
    )
    rows = [Difference("classes", cls.name, name) for cls, name in plan.renamed]
    rows += [Difference("classes", "—", gettext("%(name)s (new)") % {"name": name}) for name in plan.added]
    rows += [Difference("classes", cls.name, gettext("(removed)")) for cls in plan.removed]
    return rows


def differences(before: Proposal, after: Proposal) -> list[Difference]:
    """What `after` changes from `before`, field by field in the page's order, then the classes.
    A field differs when it reads differently: a time to the minute (as the form gives it), target
    rules as their words (a look-back of 5 years with nobody excluded excludes nobody)."""
    changed = [name for name in FIELDS if getattr(before, name) != getattr(after, name)]
    ids = set(before.audience | before.excluded_orgs | after.audience | after.excluded_orgs)
    orgs = {org.pk: org for org in Org.objects.filter(pk__in=ids)} if ids else {}
    rows = [
        Difference(name, _text(name, getattr(before, name), orgs), _text(name, getattr(after, name), orgs))
        for name in changed
    ]
    return [row for row in rows if row.before != row.after] + _class_rows(before, after)


def change_differences(change: ChangeRequest) -> list[Difference]:
    """The table of a request: as applied, once approved; else against the project as it is now."""
    if change.status == S.APPROVED:
        return [Difference(name, before, after) for name, before, after in change.applied]
    return differences(proposal_of_project(change.project), proposal_of(change))


def _audit_changes(rows: list[Difference]) -> dict:
    """{field: [before, after]}; the class lines joined under "classes"."""
    result: dict[str, Any] = {row.field: [row.before, row.after] for row in rows if row.field != "classes"}
    classes = [row for row in rows if row.field == "classes"]
    if classes:
        result["classes"] = ["、".join(r.before for r in classes), "、".join(r.after for r in classes)]
    return result


# --- The checks ----------------------------------------------------------------------------------------


def _existing_classes(project: Project) -> list[rules.ExistingClass]:
    counted = project.cohorts.annotate(
        trainees=Count("enrolments", filter=Q(enrolments__status__in=HOLDING))
    ).order_by("number")
    return [rules.ExistingClass(c.pk, c.name, c.trainees) for c in counted]


def _standing(project: Project) -> rules.Standing:
    quota_total = 0
    if uses_quotas(project) and project.quotas_released_at is None:
        quota_total = SchoolQuota.objects.filter(project=project).aggregate(total=Sum("quota"))["total"] or 0
    taken = Project.objects.filter(pk=project.pk).values_list("places_taken", flat=True).get()
    return rules.Standing(
        places_taken=taken, quota_total=quota_total, classes=tuple(_existing_classes(project))
    )


def _local_date(value: datetime | None) -> date | None:
    return timezone.localtime(value).date() if value is not None else None


def refusal_text(refusal: rules.Refusal) -> str:
    """A refusal of peixun.training.rules.changes in words, saying what to do."""
    p = dict(refusal.params)
    texts = {
        "capacity_below_taken": _(
            "The capacity cannot be less than the %(taken)s places already taken (enrolled, nominated, "
            "offered or waiting for approval). Deal with enrolments or the waitlist first (withdraw or "
            "reject enough of them on the Enrolments tab), or ask for a capacity of at least %(taken)s."
        ),
        "quotas_above_capacity": _(
            "The schools' quotas add up to %(total)s, more than the capacity of %(capacity)s: lower the "
            "quotas on the Quotas tab first, or ask for a capacity of at least %(total)s."
        ),
        "min_size_above_capacity": _("The minimum size cannot exceed the capacity."),
        "window_backwards": _("The window must close after it opens."),
        "dates_backwards": _("The project cannot end before it starts."),
        "window_after_start": _("Enrolment must close by the first day."),
        "class_name_repeated": _("Two classes are named “%(name)s”: give each class a name of its own."),
        "class_has_trainees": _(
            "Class “%(name)s” still has %(count)s trainees and cannot be removed: move them to another "
            "class on the Classes tab first."
        ),
        "classes_changed": _(
            "The project's classes were formed again since this request was written: open the form "
            "again and list the classes as they are now."
        ),
    }
    return str(texts[refusal.code]) % p if p else str(texts[refusal.code])


def check_terms(
    project: Project, before: Proposal, after: Proposal, *, allow_same: bool = False
) -> list[Difference]:
    """The differences `after` makes, or ChangeRequestInvalidError with every reason it may not be
    taken, each naming the form field it concerns. Called at submission and again at approval."""
    standing = _standing(project)
    plan = rules.plan_classes(standing.classes, after.classes)
    terms = rules.Terms(
        capacity=after.capacity,
        min_size=after.min_size,
        enrol_opens=_local_date(after.enrol_opens_at),
        enrol_closes=_local_date(after.enrol_closes_at),
        enrol_window_ok=not (
            after.enrol_opens_at and after.enrol_closes_at and after.enrol_closes_at <= after.enrol_opens_at
        ),
        starts_on=after.starts_on,
        ends_on=after.ends_on,
        class_names=tuple(line.name.strip() for line in after.classes),
    )
    found = rules.refusals(terms, standing, plan)
    problems = [(r.field, refusal_text(r)) for r in found]
    codes = [r.code for r in found]
    cohorts = {c.pk: c for c in project.cohorts.filter(pk__in=[cls.id for cls in plan.removed])}
    for cls in plan.removed:
        if cls.trainees:
            continue
        # What other apps keep in a class (delivery: its lessons), asked through the hook.
        why = hooks.class_in_use.first(cohort=cohorts[cls.id])
        if why:
            problems.append(
                (
                    "classes",
                    gettext("Class “%(name)s” cannot be removed: %(why)s.") % {"name": cls.name, "why": why},
                )
            )
            codes.append("class_in_use")
    rows = differences(before, after)
    if not rows and not allow_same and not problems:
        problems.append(("", gettext("Nothing would change: change at least one value, or leave the page.")))
        codes.append("no_change")
    if problems:
        raise ChangeRequestInvalidError(problems, codes)
    return rows


# --- Writes --------------------------------------------------------------------------------------------


def _require(actor: User | None, perm: str, project: Project) -> None:
    if not access.can(actor, perm, project):
        raise ChangeNotPermittedError


def _require_changeable(project: Project) -> None:
    if project.status not in lifecycle.CHANGEABLE:
        raise ChangeNotAllowedError(status=project.get_status_display())


def _write_terms(change: ChangeRequest, proposal: Proposal) -> None:
    for name in SCALARS:
        setattr(change, name, getattr(proposal, name))
    change.targets = dict(proposal.targets)
    change.classes = [{"id": line.id, "name": line.name.strip()} for line in proposal.classes]


def _record(
    action: str, change: ChangeRequest, actor: User | None, request: HttpRequest | None, **changes: object
) -> None:
    events.record(
        action=action,
        actor=actor,
        target=change.project,
        org_path=change.project.organiser.path,
        changes={"request": change.pk, **changes},
        request=request,
    )


def change_url(change: ChangeRequest) -> str:
    return reverse("training:change-detail", args=[change.pk])


def _tell_approvers(change: ChangeRequest, actor: User | None) -> None:
    approvers = notify.holders("training.approve", change.project.organiser.path)
    notify.send(
        notify.exclude(approvers, actor), "change_requested", project=change.project, url=change_url(change)
    )


def _tell_organisers(change: ChangeRequest, actor: User | None, kind: str, **params: object) -> None:
    ids = notify.managers_of(change.project)
    if change.requested_by_id:
        ids.insert(0, change.requested_by_id)
    notify.send(notify.exclude(ids, actor), kind, project=change.project, url=change_url(change), **params)


@transaction.atomic
def submit_change(
    *, project: Project, actor: User, proposal: Proposal, reason: str, request: HttpRequest | None = None
) -> ChangeRequest:
    """Ask for new terms for an approved project (one open request per project)."""
    project = Project.objects.select_for_update().select_related("organiser").get(pk=project.pk)
    _require(actor, lifecycle.MANAGE, project)
    _require_changeable(project)
    if ChangeRequest.objects.filter(project=project, status__in=OPEN_CHANGE_STATUSES).exists():
        raise OpenChangeExistsError
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequiredError
    rows = check_terms(project, proposal_of_project(project), proposal)
    change = ChangeRequest(
        project=project, requested_by=actor, reason=reason, status=S.PENDING, submitted_at=timezone.now()
    )
    _write_terms(change, proposal)
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError:  # a concurrent request won (changerequest_one_open_per_project)
        raise OpenChangeExistsError from None
    change.audience.set(proposal.audience)
    change.excluded_orgs.set(proposal.excluded_orgs)
    _record("change_requested", change, actor, request, reason=reason, **_audit_changes(rows))
    _tell_approvers(change, actor)
    return change


def _locked(change: ChangeRequest) -> ChangeRequest:
    """The request and its project, locked in that order (every writer here takes them so)."""
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    change.project = Project.objects.select_for_update().select_related("organiser").get(pk=change.project_id)
    return change


@transaction.atomic
def resubmit_change(
    *,
    change: ChangeRequest,
    actor: User,
    proposal: Proposal,
    reason: str,
    request: HttpRequest | None = None,
) -> ChangeRequest:
    """Submit a returned request again, edited."""
    change = _locked(change)
    project = change.project
    _require(actor, lifecycle.MANAGE, project)
    if change.status != S.RETURNED:
        raise ChangeRequestStateError(status=change.get_status_display())
    _require_changeable(project)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequiredError
    rows = check_terms(project, proposal_of_project(project), proposal)
    _write_terms(change, proposal)
    change.reason = reason
    change.status = S.PENDING
    change.submitted_at = timezone.now()
    change.save()
    change.audience.set(proposal.audience)
    change.excluded_orgs.set(proposal.excluded_orgs)
    _record("change_resubmitted", change, actor, request, reason=reason, **_audit_changes(rows))
    _tell_approvers(change, actor)
    return change


@transaction.atomic
def withdraw_change(
    *, change: ChangeRequest, actor: User, request: HttpRequest | None = None
) -> ChangeRequest:
    """The organiser takes back an open request (waiting or returned); nothing changes."""
    change = _locked(change)
    _require(actor, lifecycle.MANAGE, change.project)
    if not change.is_open:
        raise ChangeRequestStateError(status=change.get_status_display())
    before = change.status
    change.status = S.WITHDRAWN
    change.save(update_fields=["status", "updated_at"])
    _record("change_withdrawn", change, actor, request, status=[before, change.status])
    return change


@transaction.atomic
def return_change(
    *, change: ChangeRequest, actor: User, comment: str, request: HttpRequest | None = None
) -> ChangeRequest:
    """The approver sends a waiting request back to the organiser with a comment (required)."""
    change = _locked(change)
    _require(actor, lifecycle.APPROVE, change.project)
    if change.status != S.PENDING:
        raise ChangeRequestStateError(status=change.get_status_display())
    comment = (comment or "").strip()
    if not comment:
        raise CommentRequiredError
    change.status = S.RETURNED
    change.decided_by, change.decided_at, change.decision_comment = actor, timezone.now(), comment
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
    _record("change_returned", change, actor, request, status=[S.PENDING, S.RETURNED], comment=comment)
    _tell_organisers(change, actor, "change_returned", comment=comment)
    return change


def _apply_classes(project: Project, lines: tuple[ClassLine, ...]) -> None:
    plan = rules.plan_classes(_existing_classes(project), lines)
    for cls, name in plan.renamed:
        Cohort.objects.filter(pk=cls.id, project=project).update(name=name[:200])
    # Removed first, so a new class may take a removed one's name; numbers keep growing.
    Cohort.objects.filter(pk__in=[cls.id for cls in plan.removed], project=project).delete()
    number = project.cohorts.aggregate(top=Max("number"))["top"] or 0
    Cohort.objects.bulk_create(
        [Cohort(project=project, number=number + i, name=name[:200]) for i, name in enumerate(plan.added, 1)]
    )


def _apply(project: Project, proposal: Proposal, changed: set[str], now: datetime) -> None:
    """Give the project the terms that differ (`changed`), all in the caller's transaction."""
    # The capacity by a conditional UPDATE, like every place rule (ADR 0021): it never falls below
    # the places taken, whatever enrolment did since the checks (the CHECK constraint backs it up).
    if not Project.objects.filter(pk=project.pk, places_taken__lte=proposal.capacity).update(
        capacity=proposal.capacity, min_size=proposal.min_size
    ):
        taken = Project.objects.filter(pk=project.pk).values_list("places_taken", flat=True).get()
        refusal = rules.Refusal("capacity_below_taken", "capacity", {"taken": taken})
        raise ChangeRequestInvalidError([("capacity", refusal_text(refusal))], [refusal.code])
    project.refresh_from_db(fields=["capacity", "min_size", "places_taken"])
    update = ["updated_at"]
    for name in ("enrol_opens_at", "enrol_closes_at", "starts_on", "ends_on", "class_size", "targets"):
        if name in changed:
            value = getattr(proposal, name)
            setattr(project, name, dict(value) if name == "targets" else value)
            update.append(name)
    if (
        project.status == lifecycle.ENROLLING
        and project.window_closed_at is not None
        and project.enrol_closes_at is not None
        and project.enrol_closes_at > now
    ):
        # The window was extended after it closed: the clock closes it again at the new time.
        project.window_closed_at = None
        update.append("window_closed_at")
    project.save(update_fields=update)
    if "audience" in changed:
        project.audience.set(proposal.audience)
    if "excluded_orgs" in changed:
        project.excluded_orgs.set(proposal.excluded_orgs)
    _apply_classes(project, proposal.classes)


@transaction.atomic
def approve_change(
    *, change: ChangeRequest, actor: User, comment: str = "", request: HttpRequest | None = None
) -> ChangeRequest:
    """Apply a waiting request: checked again, then every change at once (or none)."""
    change = _locked(change)
    project = change.project
    _require(actor, lifecycle.APPROVE, project)
    if change.status != S.PENDING:
        raise ChangeRequestStateError(status=change.get_status_display())
    _require_changeable(project)
    before, after = proposal_of_project(project), proposal_of(change)
    rows = check_terms(project, before, after, allow_same=True)
    now = timezone.now()
    _apply(project, after, {row.field for row in rows}, now)
    if after.capacity > before.capacity:
        promote_waitlist(project=project, now=now)  # the new places go to the waitlisted, in order
    change.status = S.APPROVED
    change.decided_by, change.decided_at = actor, now
    change.decision_comment = (comment or "").strip()
    change.applied = [[row.field, row.before, row.after] for row in rows]
    change.save()
    _record(
        "change_approved",
        change,
        actor,
        request,
        **_audit_changes(rows),
        **({"comment": change.decision_comment} if change.decision_comment else {}),
    )
    _tell_organisers(change, actor, "change_approved")
    if any(row.field in DATES for row in rows):
        trainees = Enrolment.objects.filter(project=project, status__in=HOLDING).values_list(
            "person_id", flat=True
        )
        notify.send(
            notify.accounts_of(list(trainees)),
            "project_dates_changed",
            project=project,
            dates=_dates_line(project),
        )
    return change


def _dates_line(project: Project) -> str:
    if project.starts_on and project.ends_on:
        return f"{dates.format_date_zh(project.starts_on)} – {dates.format_date_zh(project.ends_on)}"
    return "—"


__all__ = [
    "Difference",
    "Proposal",
    "approve_change",
    "change_differences",
    "check_terms",
    "differences",
    "proposal_of",
    "proposal_of_project",
    "resubmit_change",
    "return_change",
    "submit_change",
    "withdraw_change",
]
