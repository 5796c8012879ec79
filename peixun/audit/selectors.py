"""Reads of the audit log, scoped like everything else by the org path each event carries.

Events about an object carry its org's path and are visible to bureau admins whose grants cover it.
Security events (sign-ins, failures, password changes) carry no org: they are visible only to bureau
admins granted on a root org (depth 0, the top of a region), and among those only the events of
accounts with a grant or a person record inside that admin's scope — plus events with no known
account (failed sign-ins with an unknown username). An admin of one region never sees another
region's sign-ins. See docs/decisions/0007-people-list-pagination.md ("Audit log scope").
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from peixun.audit.models import AuditEvent
from peixun.orgs.access import path_q, scope_paths
from peixun.orgs.models import Person, RoleGrant


def _is_root(path: str) -> bool:
    return path.count("/") == 1


def events_in_scope(user) -> QuerySet[AuditEvent]:
    paths = scope_paths(user, "audit.view")
    visible = path_q(paths, "org_path")
    roots = [path for path in paths if _is_root(path)]
    if roots:
        actor_granted = RoleGrant.objects.filter(path_q(roots, "org__path"), user=OuterRef("actor_id"))
        actor_employed = Person.objects.filter(path_q(roots, "org__path"), user=OuterRef("actor_id"))
        visible |= Q(org_path="") & (Q(actor__isnull=True) | Exists(actor_granted) | Exists(actor_employed))
    return AuditEvent.objects.filter(visible)


@dataclass(frozen=True)
class AuditQuery:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    since: date | None = None
    until: date | None = None


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events(user, query: AuditQuery) -> QuerySet[AuditEvent]:
    """Events in the user's scope matching `query`, newest first."""
    queryset = events_in_scope(user)
    if query.action:
        queryset = queryset.filter(action=query.action)
    if query.actor:
        queryset = queryset.filter(actor_name__istartswith=query.actor)
    if query.object_type:
        queryset = queryset.filter(target_type=query.object_type)
    if query.since:
        queryset = queryset.filter(created_at__gte=_local_midnight(query.since))
    if query.until:
        queryset = queryset.filter(created_at__lt=_local_midnight(query.until + timedelta(days=1)))
    return queryset.order_by("-created_at", "-id")


def object_types() -> list[tuple[str, str]]:
    """(label_lower, verbose name) of the project's models: the object types an event can name.
    Taken from the app registry, not from the log, so listing them never scans the table."""
    models = [model for model in apps.get_models() if model.__module__.startswith("peixun.")]
    return sorted(
        ((model._meta.label_lower, str(capfirst(model._meta.verbose_name))) for model in models),
        key=lambda item: item[1],
    )
