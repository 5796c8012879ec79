"""Reads behind the home page: the counts each role cares about, one grouped query per figure."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from peixun.imports.models import ImportJob
from peixun.orgs.access import grants_of, path_q
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
