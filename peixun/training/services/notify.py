"""Who gets an in-app notice, and writing them (in the caller's transaction, so a notice exists
exactly when the change it reports does)."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from peixun.accounts.models import User
from peixun.core import bulk
from peixun.orgs.access import PERMISSIONS
from peixun.orgs.models import Person, RoleGrant, ancestor_paths
from peixun.training.models import Notice, Project


def holders(perm: str, over_path: str) -> list[int]:
    """Accounts holding `perm` over the org at `over_path` (a grant on it or an ancestor)."""
    return list(
        RoleGrant.objects.filter(
            role__in=PERMISSIONS[perm], org__path__in=ancestor_paths(over_path), user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def accounts_of(people: Iterable[Person | int]) -> list[int]:
    ids = [p if isinstance(p, int) else p.pk for p in people]
    return list(
        get_user_model().objects.filter(person_id__in=ids, is_active=True).values_list("id", flat=True)
    )


def project_url(project: Project) -> str:
    return reverse("training:project-detail", args=[project.pk])


def send(
    user_ids: Iterable[int], kind: str, *, project: Project | None = None, url: str = "", **params: Any
) -> int:
    """One notice per account (duplicates dropped)."""
    ids = list(dict.fromkeys(user_ids))
    if project is not None:
        params.setdefault("title", project.title)
        url = url or project_url(project)
    Notice.objects.bulk_create(
        [Notice(user_id=user_id, kind=kind, params=params, project=project, url=url) for user_id in ids],
        batch_size=1000,
    )
    return len(ids)


def send_each(messages: Iterable[tuple[int, dict[str, Any]]], kind: str, *, project: Project) -> int:
    """One notice per (account, its own parameters) — everyone a mandatory enrolment reached, a
    county's thousands —, written at once (peixun.core.bulk)."""
    url = project_url(project)
    now = timezone.now()
    rows = [
        (user_id, kind, {"title": project.title, **params}, project.pk, url, now, None)
        for user_id, params in messages
    ]
    fields = ["user_id", "kind", "params", "project_id", "url", "created_at", "read_at"]
    return bulk.insert_rows(Notice, fields, rows)


def managers_of(project: Project) -> list[int]:
    return holders("training.manage", project.organiser.path)


def creator_and_managers(project: Project) -> list[int]:
    ids = managers_of(project)
    if project.created_by_id:
        ids.insert(0, project.created_by_id)
    return ids


def exclude(ids: Iterable[int], actor: User | None) -> list[int]:
    """Nobody is told about what they did themselves."""
    actor_id = getattr(actor, "pk", None)
    return [user_id for user_id in ids if user_id != actor_id]


def role_holders(role: str, over_path: str) -> list[int]:
    """Accounts with exactly `role` over the org at `over_path` (a grant on it or an ancestor)."""
    return list(
        RoleGrant.objects.filter(role=role, org__path__in=ancestor_paths(over_path), user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
