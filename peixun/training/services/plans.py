"""Writes for annual plans and their planned projects."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from peixun.accounts.models import User
from peixun.audit import events
from peixun.orgs.models import Org
from peixun.training.models import AnnualPlan, PlanItem, Project
from peixun.training.services.projects import create_project


@transaction.atomic
def create_plan(
    *, org: Org, year: int, title: str, notes: str = "", actor: User, request: HttpRequest | None = None
) -> AnnualPlan:
    plan = AnnualPlan.objects.create(org=org, year=year, title=title, notes=notes, created_by=actor)
    events.record(
        action="plan_created",
        actor=actor,
        target=plan,
        org_path=org.path,
        changes={"year": year},
        request=request,
    )
    return plan


@transaction.atomic
def add_item(*, plan: AnnualPlan, actor: User, request: HttpRequest | None = None, **fields: Any) -> PlanItem:
    order = plan.items.count()
    item = PlanItem(plan=plan, order=order, **fields)
    item.full_clean(exclude=["plan"])
    item.save()
    events.record(
        action="plan_updated",
        actor=actor,
        target=plan,
        org_path=plan.org.path,
        changes={"item": [None, item.title], "trainees": item.planned_trainees},
        request=request,
    )
    return item


@transaction.atomic
def project_from_item(
    *, item: PlanItem, organiser: Org, actor: User, request: HttpRequest | None = None
) -> Project:
    """A draft project carrying the planned item's title, type, level, mode and trainee count."""
    if hasattr(item, "project") and item.project is not None:
        return item.project
    return create_project(
        organiser=organiser,
        actor=actor,
        plan_item=item,
        fields={
            "title": item.title,
            "project_type": item.project_type,
            "level": item.level,
            "mode": item.mode,
            "category": "knowledge_skills",
            "capacity": max(1, item.planned_trainees),
            "hours_credited": item.planned_hours,
        },
        request=request,
    )
