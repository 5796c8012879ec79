"""Writes for projects: create and edit a draft with its courses, budget lines and trainers, file
its documents, and move it through the lifecycle — every move through the one transition table
(peixun.training.rules.lifecycle), audited, and told to the people concerned."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.accounts.models import User
from peixun.audit import events
from peixun.lib import uploads
from peixun.orgs.models import Org
from peixun.policies.rules import codes
from peixun.training import access, hooks
from peixun.training.exceptions import (
    ProjectIncompleteError,
    ProjectNotEditableError,
    ProjectTagsUnknownError,
    ReasonRequiredError,
    TransitionNotAllowedError,
    UnknownTagError,
)
from peixun.training.lifecycle import run_steps
from peixun.training.models import (
    HOLDING,
    LIVE,
    BudgetLine,
    Course,
    Enrolment,
    EnrolmentStatus,
    PlanItem,
    Project,
    ProjectAttachment,
    ProjectStatus,
    ProjectTrainer,
    SchoolQuota,
)
from peixun.training.rules import lifecycle
from peixun.training.services import notify

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_KINDS = uploads.DOCUMENTS

# Fields a project form may set (the rest are kept by the services).
PROJECT_FIELDS = (
    "title",
    "project_type",
    "level",
    "category",
    "tags",
    "mode",
    "description",
    "hours_credited",
    "credit_class",
    "enrol_opens_at",
    "enrol_closes_at",
    "starts_on",
    "ends_on",
    "capacity",
    "min_size",
    "waitlist",
    "confirm_hours",
    "fee_per_trainee",
    "fee_payer",
    "enrolment_mode",
    "approval_chain",
    "quota_mode",
    "quota_release_on",
    "lottery_weighted",
    "lottery_lookback_years",
    "class_size",
    "group_by",
    "uses_learning_codes",
    "platform_name",
    "targets",
)


@dataclass(frozen=True)
class CourseData:
    name: str
    hours: Decimal
    category: str
    required: bool = True
    assessed: bool = True
    mode: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class BudgetData:
    kind: str
    item: str
    amount: Decimal


@dataclass(frozen=True)
class TrainerData:
    name: str
    role: str = "trainer"
    affiliation: str = ""
    topic: str = ""
    person_id: int | None = None


def clean_tags(tags: Iterable[object] | None) -> list[str]:
    """The tags as codes of the closed list (an old code read as its tag); UnknownTagError names the
    others."""
    given = [str(tag).strip() for tag in tags or () if str(tag).strip()]
    unknown = codes.unknown_tags(given)
    if unknown:
        raise UnknownTagError(tags="、".join(unknown), allowed="、".join(codes.TAGS.values()))
    return list(codes.canonical_tags(given))


def project_unknown_tags(project: Project) -> list[str]:
    """The tags of the project and of its courses that are not on the closed list."""
    tags = list(project.tags)
    for course_tags in project.courses.values_list("tags", flat=True):
        tags.extend(course_tags)
    return list(dict.fromkeys(codes.unknown_tags(tags)))


def default_audience(organiser: Org) -> Org:
    """A training centre serves the area it sits in; any other organiser its own subtree."""
    if organiser.kind == "institution" and organiser.parent is not None:
        return organiser.parent
    return organiser


def _snapshot(project: Project) -> dict:
    values = {}
    for name in PROJECT_FIELDS:
        value = getattr(project, name)
        if isinstance(value, Decimal | datetime) or hasattr(value, "isoformat"):
            value = str(value)
        values[name] = value
    return values


def _checked(fields: dict, courses: list[CourseData] | None) -> dict:
    """The fields with their tags checked against the closed list (the courses' tags too)."""
    for course in courses or []:
        clean_tags(course.tags)
    if "tags" in fields:
        fields = {**fields, "tags": clean_tags(fields["tags"])}
    return fields


def _replace_parts(
    project: Project,
    courses: list[CourseData] | None,
    budget: list[BudgetData] | None,
    trainers: list[TrainerData] | None,
) -> None:
    if courses is not None:
        project.courses.all().delete()
        Course.objects.bulk_create(
            [
                Course(
                    project=project,
                    name=c.name,
                    hours=c.hours,
                    category=c.category,
                    required=c.required,
                    assessed=c.assessed,
                    mode=c.mode,
                    tags=clean_tags(c.tags),
                    order=index,
                )
                for index, c in enumerate(courses)
            ]
        )
    if budget is not None:
        project.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(project=project, kind=b.kind, item=b.item, amount=b.amount, order=i)
                for i, b in enumerate(budget)
            ]
        )
    if trainers is not None:
        kept = set(project.trainers.exclude(person=None).values_list("person_id", flat=True))
        refused = hooks.refused_trainers(project, [t.person_id for t in trainers if t.person_id not in kept])
        if refused:
            raise next(iter(refused.values()))
        project.trainers.all().delete()
        ProjectTrainer.objects.bulk_create(
            [
                ProjectTrainer(
                    project=project,
                    name=t.name,
                    role=t.role,
                    affiliation=t.affiliation,
                    topic=t.topic,
                    person_id=t.person_id,
                    order=i,
                )
                for i, t in enumerate(trainers)
            ]
        )


@transaction.atomic
def create_project(
    *,
    organiser: Org,
    actor: User,
    fields: dict,
    audience: list[Org] | None = None,
    excluded: list[Org] | None = None,
    courses: list[CourseData] | None = None,
    budget: list[BudgetData] | None = None,
    trainers: list[TrainerData] | None = None,
    plan_item: PlanItem | None = None,
    request: HttpRequest | None = None,
) -> Project:
    """A new draft project. The audience defaults to the organiser's area."""
    fields = _checked(fields, courses)
    project = Project(
        organiser=organiser, created_by=actor if getattr(actor, "pk", None) else None, plan_item=plan_item
    )
    for name, value in fields.items():
        if name in PROJECT_FIELDS:
            setattr(project, name, value)
    project.full_clean(exclude=["organiser", "plan_item", "created_by"])
    project.status_changed_at = timezone.now()
    project.save()
    project.audience.set(audience or [default_audience(organiser)])
    project.excluded_orgs.set(excluded or [])
    _replace_parts(project, courses or [], budget or [], trainers or [])
    events.record(
        action="project_created",
        actor=actor,
        target=project,
        org_path=organiser.path,
        changes={"title": [None, project.title], "organiser": organiser.name},
        request=request,
    )
    return project


@transaction.atomic
def update_project(
    *,
    project: Project,
    actor: User,
    fields: dict,
    audience: list[Org] | None = None,
    excluded: list[Org] | None = None,
    courses: list[CourseData] | None = None,
    budget: list[BudgetData] | None = None,
    trainers: list[TrainerData] | None = None,
    request: HttpRequest | None = None,
) -> Project:
    """Edit a draft or rejected project (its parts are replaced by the lists given)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.is_editable:
        raise ProjectNotEditableError
    fields = _checked(fields, courses)
    before = _snapshot(project)
    for name, value in fields.items():
        if name in PROJECT_FIELDS:
            setattr(project, name, value)
    project.full_clean(exclude=["organiser", "plan_item", "created_by"])
    project.save()
    if audience is not None:
        project.audience.set(audience)
    if excluded is not None:
        project.excluded_orgs.set(excluded)
    _replace_parts(project, courses, budget, trainers)
    events.record(
        action="project_updated",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes=events.diff(before, _snapshot(project)),
        request=request,
    )
    return project


@transaction.atomic
def add_attachment(
    *,
    project: Project,
    actor: User,
    filename: str,
    data: bytes,
    request: HttpRequest | None = None,
) -> ProjectAttachment:
    """Keep a document of the project (its implementation plan): PDF, Word, Excel or an image,
    told by its bytes (peixun.lib.uploads), at most 20 MB; uploads.UploadError otherwise. Stored
    under a safe name and offered back only as a download with the content type found."""
    checked = uploads.check_upload(data, filename, kinds=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES)
    attachment = ProjectAttachment.objects.create(
        project=project,
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(data),
        content=data,
        uploaded_by=actor,
    )
    events.record(
        action="project_attachment_added",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"file": attachment.filename, "size": attachment.size},
        request=request,
    )
    return attachment


@transaction.atomic
def repair_tags(
    *, project: Project, actor: User, tags: list[str], request: HttpRequest | None = None
) -> Project:
    """Give a project, in whatever state, the tags picked from the list in place of tags off it
    (issue 13): its courses' tags off the list are dropped, so they are credited under the
    project's. Audited."""
    project = Project.objects.select_for_update().select_related("organiser").get(pk=project.pk)
    before = list(project.tags)
    project.tags = clean_tags(tags)
    project.save(update_fields=["tags", "updated_at"])
    for course in project.courses.all():
        kept = [tag for tag in course.tags if tag not in codes.unknown_tags(course.tags)]
        if kept != list(course.tags):
            course.tags = kept
            course.save(update_fields=["tags"])
    events.record(
        action="project_tags_repaired",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"tags": [before, project.tags]},
        request=request,
    )
    return project


def missing_for_submission(project: Project) -> list[str]:
    """What a project lacks before it can be submitted, in words."""
    missing = []
    if not project.courses.exists():
        missing.append(str(_("at least one course")))
    if not (project.enrol_opens_at and project.enrol_closes_at and project.starts_on and project.ends_on):
        missing.append(str(_("the enrolment window and the dates")))
    if project.capacity < 1:
        missing.append(str(_("a capacity")))
    if not project.audience.exists():
        missing.append(str(_("an audience")))
    if project.hours_credited <= 0:
        missing.append(str(_("the hours credited")))
    return missing


def _notify_transition(
    project: Project, action: str, actor: User | None, reason: str, people: list[int]
) -> None:
    if action == "submit":
        notify.send(
            notify.exclude(notify.holders("training.approve", project.organiser.path), actor),
            "project_submitted",
            project=project,
        )
    elif action in ("approve", "reject"):
        kind = "project_approved" if action == "approve" else "project_rejected"
        notify.send(
            notify.exclude(notify.creator_and_managers(project), actor), kind, project=project, reason=reason
        )
    elif action == "cancel":
        recipients = notify.accounts_of(people) + notify.creator_and_managers(project)
        notify.send(notify.exclude(recipients, actor), "project_cancelled", project=project, reason=reason)


@transaction.atomic
def transition_project(
    *,
    project: Project,
    action: str,
    actor: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
    check_perm: bool = True,
) -> Project:
    """Move the project by `action` if the table allows it from its state and the actor holds the
    transition's permission over the organiser (skipped for the clock: `check_perm=False`, actor
    None), then run the steps other apps registered for the move (peixun.training.lifecycle).
    Cancelling ends every live enrolment."""
    project = Project.objects.select_for_update().select_related("organiser").get(pk=project.pk)
    transition = lifecycle.find(action, project.status)
    if transition is None:
        raise TransitionNotAllowedError
    if check_perm and not access.can(actor, transition.perm, project):
        raise TransitionNotAllowedError
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ReasonRequiredError
    if action == "submit":
        missing = missing_for_submission(project)
        if missing:
            raise ProjectIncompleteError(missing="; ".join(missing))
        unknown = project_unknown_tags(project)
        if unknown:
            raise ProjectTagsUnknownError(tags="、".join(unknown))
    if action == "approve":
        refusal = hooks.approval_refused.first(project=project)
        if refusal is not None:
            raise refusal
    before = project.status
    project.status = transition.target
    project.status_changed_at = timezone.now()
    if transition.needs_reason or action in ("approve", "revise", "submit"):
        project.status_reason = reason
    project.save(update_fields=["status", "status_changed_at", "status_reason", "updated_at"])
    # What other apps do at this move (close the lessons, post the hours: RULES A11), registered
    # with the lifecycle's hook; in this transaction, so a failing step undoes the whole move.
    run_steps(project=project, transition=action, before=before, actor=actor, request=request)
    people: list[int] = []
    if action == "cancel":
        people = list(
            Enrolment.objects.filter(project=project, status__in=LIVE).values_list("person_id", flat=True)
        )
        _end_live_enrolments(project)
    events.record(
        action="project_transition",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={
            "status": [before, project.status],
            "action": action,
            **({"reason": reason} if reason else {}),
        },
        request=request,
    )
    _notify_transition(project, action, actor, reason, people)
    return project


def _end_live_enrolments(project: Project) -> None:
    Enrolment.objects.filter(project=project, status__in=LIVE).update(
        status=EnrolmentStatus.CANCELLED, offer_expires_at=None, updated_at=timezone.now()
    )
    SchoolQuota.objects.filter(project=project).update(used=0)
    Project.objects.filter(pk=project.pk).update(places_taken=0)
    project.places_taken = 0


def places_consistent(project: Project) -> bool:
    """Whether the project's counters equal its enrolments (a reconciliation check)."""
    project.refresh_from_db(fields=["places_taken"])
    held = Enrolment.objects.filter(project=project, status__in=HOLDING).count()
    return held == project.places_taken


__all__ = [
    "BudgetData",
    "CourseData",
    "ProjectStatus",
    "TrainerData",
    "add_attachment",
    "clean_tags",
    "create_project",
    "default_audience",
    "missing_for_submission",
    "places_consistent",
    "project_unknown_tags",
    "repair_tags",
    "transition_project",
    "update_project",
]
