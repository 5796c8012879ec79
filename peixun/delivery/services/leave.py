"""Writes for leave (请假): a trainee asks, the project's approval chain decides step by step
(RULES C4), and an approved request turns the marks of the lessons in its dates into leave
(official leave counts as present; personal and sick leave as the scheme says)."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core.fields import has_code
from peixun.delivery import access
from peixun.delivery.exceptions import LeaveClosedError, LeaveNotAllowedError, NotYourDecisionError
from peixun.delivery.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    LeaveDecision,
    LeaveRequest,
    LeaveStatus,
)
from peixun.delivery.rules import leave as rules
from peixun.delivery.services.attendance import LEAVE_OF_KIND
from peixun.delivery.services.lessons import _inputs_changed, lessons_of, settings_for
from peixun.orgs.access import has_perm, path_q, scope_paths
from peixun.orgs.models import Person
from peixun.training.models import Enrolment, EnrolmentStatus
from peixun.training.rules import lifecycle
from peixun.training.services import notify

STATUS_OF_KIND = LEAVE_OF_KIND


def deciders(request: LeaveRequest) -> list[int]:
    """Accounts that may decide the current step (for the notice)."""
    step = request.current_step
    if step is None:
        return []
    enrolment = request.enrolment
    if step.approver == rules.TUTOR:
        return (
            notify.accounts_of([enrolment.cohort.tutor_id])
            if enrolment.cohort is not None and enrolment.cohort.tutor_id
            else []
        )
    if step.approver == rules.ORGANISER:
        return notify.managers_of(enrolment.project)
    coordinators = notify.role_holders("school_coordinator", enrolment.school.path)
    if step.approver.startswith(rules.SCHOOL_ROLE):
        role = step.approver.removeprefix(rules.SCHOOL_ROLE)
        people = Person.objects.filter(has_code("roles", role), org_id=enrolment.school_id).values_list(
            "pk", flat=True
        )
        return notify.accounts_of(list(people)) + coordinators
    return coordinators


def _url(request: LeaveRequest) -> str:
    return reverse("delivery:leave", args=[request.pk])


@transaction.atomic
def request_leave(
    *,
    enrolment: Enrolment,
    kind: str,
    reason: str,
    starts_on: date,
    ends_on: date,
    actor: User,
    request: HttpRequest | None = None,
) -> LeaveRequest:
    project = enrolment.project
    if (
        enrolment.status != EnrolmentStatus.ENROLLED
        or project.status not in lifecycle.OPEN_FOR_LEAVE
        or kind not in STATUS_OF_KIND
        or not reason.strip()
        or ends_on < starts_on
        or (project.ends_on and starts_on > project.ends_on)
        or (project.starts_on and ends_on < project.starts_on)
    ):
        raise LeaveNotAllowedError
    chain = settings_for(project).chain
    leave = LeaveRequest.objects.create(
        enrolment=enrolment,
        kind=kind,
        reason=reason.strip()[:1000],
        starts_on=starts_on,
        ends_on=ends_on,
        chain=rules.chain_json(chain),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    events.record(
        action="leave_requested",
        actor=actor,
        target=leave,
        org_path=enrolment.school.path,
        changes={"kind": kind, "from": starts_on.isoformat(), "to": ends_on.isoformat()},
        request=request,
    )
    notify.send(
        notify.exclude(deciders(leave), actor),
        "leave_waiting",
        project=project,
        url=_url(leave),
        name=enrolment.person.name,
    )
    return leave


def _apply(leave: LeaveRequest) -> list[int]:
    """Turn the marks of the request's lessons into leave; present or late marks stay."""
    status = STATUS_OF_KIND[leave.kind]
    changed = []
    for lesson in lessons_of(leave.enrolment).order_by("starts_at"):
        day = timezone.localtime(lesson.starts_at).date()
        if not leave.starts_on <= day <= leave.ends_on:
            continue
        existing = Attendance.objects.filter(lesson=lesson, enrolment=leave.enrolment).first()
        if existing is not None and existing.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
            continue
        Attendance.objects.update_or_create(
            lesson=lesson,
            enrolment=leave.enrolment,
            defaults={"status": status, "method": AttendanceMethod.LEAVE, "note": f"leave:{leave.pk}"},
        )
        changed.append(lesson.pk)
    return changed


@transaction.atomic
def decide_leave(
    *, leave: LeaveRequest, actor: User, approve: bool, note: str = "", request: HttpRequest | None = None
) -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    leave = LeaveRequest.objects.select_related(
        "enrolment__project__organiser", "enrolment__person", "enrolment__school", "enrolment__cohort"
    ).get(pk=leave.pk)
    if leave.status != LeaveStatus.PENDING:
        raise LeaveClosedError
    if not access.may_decide(actor, leave):
        raise NotYourDecisionError
    status, next_step = rules.decide(leave.steps, leave.step, approve)
    LeaveDecision.objects.create(
        request=leave, step=leave.step, approved=approve, note=note.strip()[:500], decided_by=actor
    )
    before = leave.status
    leave.status = status
    leave.step = next_step
    if status != LeaveStatus.PENDING:
        leave.decided_at = timezone.now()
    leave.save(update_fields=["status", "step", "decided_at"])
    events.record(
        action="leave_decided",
        actor=actor,
        target=leave,
        org_path=leave.enrolment.school.path,
        changes={"status": [before, leave.status], "approved": approve, **({"note": note} if note else {})},
        request=request,
    )
    project = leave.enrolment.project
    teacher = notify.accounts_of([leave.enrolment.person_id])
    if status == LeaveStatus.PENDING:
        notify.send(
            notify.exclude(deciders(leave), actor),
            "leave_waiting",
            project=project,
            url=_url(leave),
            name=leave.enrolment.person.name,
        )
    elif status == LeaveStatus.APPROVED:
        _apply(leave)
        notify.send(teacher, "leave_approved", project=project, url=_url(leave))
        _inputs_changed(project, [leave.enrolment_id])
    else:
        notify.send(teacher, "leave_rejected", project=project, url=_url(leave), reason=note.strip())
    return leave


@transaction.atomic
def withdraw_leave(*, leave: LeaveRequest, actor: User, request: HttpRequest | None = None) -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if leave.status != LeaveStatus.PENDING:
        raise LeaveClosedError
    leave.status = LeaveStatus.WITHDRAWN
    leave.decided_at = timezone.now()
    leave.save(update_fields=["status", "decided_at"])
    events.record(
        action="leave_decided",
        actor=actor,
        target=leave,
        org_path=leave.enrolment.school.path,
        changes={"status": ["pending", "withdrawn"]},
        request=request,
    )
    return leave


def waiting_for(user: User, limit: int = 50) -> list[LeaveRequest]:
    """Pending requests whose current step the user decides (the approver's inbox)."""
    if not user.is_authenticated:
        return []
    candidates = LeaveRequest.objects.filter(status=LeaveStatus.PENDING).select_related(
        "enrolment__project__organiser", "enrolment__person", "enrolment__school", "enrolment__cohort"
    )
    # Narrow by what the user could decide at all before checking each request; a teacher who
    # decides nothing is answered without a query of the requests.
    query = Q(pk__in=[])
    narrowed = False
    if user.person_id and has_perm(user, "training.tutor"):
        query |= Q(enrolment__cohort__tutor_id=user.person_id)
        narrowed = True
    if has_perm(user, access.SCHOOL_PERM):
        query |= path_q(scope_paths(user, access.SCHOOL_PERM), "enrolment__school__path")
        narrowed = True
    if user.person_id:
        # A step for a school role (德育主任 …) is decided by whoever holds it at the school.
        person = Person.objects.filter(pk=user.person_id).values_list("org_id", "roles").first()
        if person and person[0] and set(person[1] or ()) & set(rules.SCHOOL_ROLES):
            query |= Q(enrolment__school_id=person[0])
            narrowed = True
    managed = scope_paths(user, "training.manage")
    if managed:
        query |= path_q(managed, "enrolment__project__organiser__path")
        narrowed = True
    if not narrowed:
        return []
    found = []
    for leave in candidates.filter(query).order_by("created_at", "pk")[: limit * 4]:
        if access.may_decide(user, leave):
            found.append(leave)
            if len(found) >= limit:
                break
    return found
