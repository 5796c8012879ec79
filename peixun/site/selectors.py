"""Reads behind the site's pages: the counts each role cares about on the home page (one grouped
query per figure), and the audit log scoped by the org path each event carries.

Events about an object carry its org's path and are visible to bureau admins whose grants cover it.
Security events (sign-ins, failures, password changes) carry no org: they are visible only to bureau
admins granted on a root org (depth 0, the top of a region), and among those only the events of
accounts with a grant or a person record inside that admin's scope — plus events with no known
account (failed sign-ins with an unknown username). An admin of one region never sees another
region's sign-ins. See docs/decisions/0007-people-list-pagination.md ("Audit log scope").
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.audit.models import AuditEvent
from peixun.imports.models import ImportJob
from peixun.orgs.access import grants_of, path_q, scope_paths
from peixun.orgs.models import GrantRole, Org, OrgKind, Person, PersonStatus, RoleGrant, Section, Title


def _paths_for(user, roles: set[str]) -> list[str]:
    paths = sorted({grant.org_path for grant in grants_of(user) if grant.role in roles})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return kept


@dataclass
class Breakdown:
    """Counts per vocabulary code, in the vocabulary's order, with labels."""

    rows: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(count for _code, _label, count in self.rows)


def _breakdown(counts: dict[str, int], choices) -> Breakdown:
    rows = [(code, str(label), counts.get(code, 0)) for code, label in choices]
    known = {code for code, _label in choices}
    other = sum(count for code, count in counts.items() if code not in known)
    if other:
        rows.append(("", "—", other))
    return Breakdown(rows)


def _grouped(queryset, field_name: str) -> dict[str, int]:
    return {
        row[field_name]: row["n"] for row in queryset.values(field_name).annotate(n=Count("id")).order_by()
    }


@dataclass
class AdminSummary:
    schools: int
    people_by_status: Breakdown
    imports_waiting: int


def admin_summary(user) -> AdminSummary | None:
    """Bureau admins and centre staff: schools, people by status and imports waiting in their scope."""
    paths = _paths_for(user, {GrantRole.BUREAU_ADMIN, GrantRole.CENTRE_STAFF})
    if not paths:
        return None
    schools = Org.objects.filter(path_q(paths, "path"), kind=OrgKind.SCHOOL).count()
    people = Person.objects.filter(path_q(paths, "org__path"))
    imports_waiting = ImportJob.objects.filter(
        Q(created_by=user) | path_q(paths, "org__path"), ImportJob.waiting_q()
    ).count()
    return AdminSummary(
        schools=schools,
        people_by_status=_breakdown(_grouped(people, "status"), PersonStatus.choices),
        imports_waiting=imports_waiting,
    )


@dataclass
class CoordinatorSummary:
    schools: list[Org]
    by_section: Breakdown
    by_title: Breakdown
    active: int
    not_activated: int


def coordinator_summary(user) -> CoordinatorSummary | None:
    """School coordinators: their school's active teachers by section and title, and the linked
    accounts not yet activated (still holding the initial password they were given)."""
    paths = _paths_for(user, {GrantRole.SCHOOL_COORDINATOR})
    if not paths:
        return None
    schools = list(Org.objects.filter(path__in=paths).order_by("name"))
    people = Person.objects.filter(path_q(paths, "org__path"))
    active = people.filter(status=PersonStatus.ACTIVE)
    # Teacher accounts only, as on the list this number links to (staff passwords are the bureau's).
    not_activated = (
        get_user_model()
        .objects.filter(path_q(paths, "person__org__path"), must_change_password=True, is_active=True)
        .exclude(pk__in=RoleGrant.objects.exclude(role=GrantRole.TEACHER).values("user_id"))
        .count()
    )
    by_section = _breakdown(_grouped(active, "section"), [*Section.choices, ("", _("Not set"))])
    by_section.rows = [row for row in by_section.rows if row[0] or row[2]]
    return CoordinatorSummary(
        schools=schools,
        by_section=by_section,
        by_title=_breakdown(_grouped(active, "title"), Title.choices),
        active=active.count(),
        not_activated=not_activated,
    )


def own_person(user) -> Person | None:
    """The person record linked to the account, with its org, or None."""
    if not user.person_id:
        return None
    return Person.objects.select_related("org").filter(pk=user.person_id).first()


# --- The audit log --------------------------------------------------------------------------------


def _is_root(path: str) -> bool:
    return path.count("/") == 1


def audit_events_in_scope(user) -> QuerySet[AuditEvent]:
    paths = scope_paths(user, "audit.view")
    visible = path_q(paths, "org_path")
    roots = [path for path in paths if _is_root(path)]
    if roots:
        actor_granted = RoleGrant.objects.filter(path_q(roots, "org__path"), user=OuterRef("actor_id"))
        actor_employed = Person.objects.filter(path_q(roots, "org__path"), user=OuterRef("actor_id"))
        visible |= Q(org_path="") & (Q(actor__isnull=True) | Exists(actor_granted) | Exists(actor_employed))
    return AuditEvent.objects.select_related("actor__person").filter(visible)


@dataclass(frozen=True)
class AuditQuery:
    action: str = ""
    actor: str = ""
    object_type: str = ""
    since: date | None = None
    until: date | None = None


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(user, query: AuditQuery) -> QuerySet[AuditEvent]:
    """Events in the user's scope matching `query`, newest first."""
    queryset = audit_events_in_scope(user)
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
