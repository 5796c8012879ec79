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
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peixun.assessment.models import Objection, ObjectionStatus, Result, ResultStatus
from peixun.audit.models import AuditEvent
from peixun.core.templatetags.peixun import zh_date
from peixun.delivery import selectors as delivery_selectors
from peixun.delivery.models import LeaveRequest, LeaveStatus, Lesson, LessonStatus
from peixun.delivery.selectors import TodayLesson, WorkItem
from peixun.imports.models import ImportJob
from peixun.ledger.models import ComplianceResult
from peixun.ledger.selectors import Standing
from peixun.orgs.access import grants_of, has_perm, path_q, roles_of, scope_paths
from peixun.orgs.models import GrantRole, Org, OrgKind, Person, PersonStatus, RoleGrant, Section, Title
from peixun.training import selectors as training_selectors
from peixun.training.hooks import InboxPanel
from peixun.training.models import Enrolment, EnrolmentStatus, Project, ProjectStatus, SchoolQuota
from peixun.training.rules import lifecycle
from peixun.training.selectors import Inbox, Suggestion


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
    # The actors' grants too: an account without a person is shown by its first grant.
    return (
        AuditEvent.objects.select_related("actor__person")
        .prefetch_related(Prefetch("actor__grants", queryset=RoleGrant.objects.select_related("org")))
        .filter(visible)
    )


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


# --- The home page: what each role has to do today -----------------------------------------------
# Each section reads a fixed number of queries, however many projects, classes or trainees there are
# (the tests count them).

HOME_LIST = 5  # a section lists this many and links to the page with all of them
LEAVE_RECENT = timedelta(days=14)  # decided leave stays on the teacher's home page this long


@dataclass
class TeacherDay:
    """A teacher's day: lessons today (check in), coursework to hand in, leave asked for, open
    trainings that fill what they still lack, and nominations or offers to confirm."""

    lessons: list[TodayLesson]
    work: list[WorkItem]
    work_count: int
    leave: list[LeaveRequest]
    suggestions: list[Suggestion]
    to_confirm: list[Enrolment]


def teacher_day(
    user, standing: Standing | None, to_confirm: list[Enrolment], now: datetime
) -> TeacherDay | None:
    """For an account linked to a person who is a teacher (a teacher's grant, no grant at all, or
    enrolled somewhere): staff who are no trainees do not get an empty teacher's day."""
    if not user.person_id:
        return None
    roles = roles_of(user)
    if roles and GrantRole.TEACHER not in roles and not delivery_selectors.my_enrolments(user):
        return None
    lessons = delivery_selectors.my_lessons(user, days=1, now=now)
    work = [item for item in delivery_selectors.my_coursework(user, now) if item.to_hand_in]
    leave = [
        request
        for request in delivery_selectors.my_leave_requests(user, limit=20)
        if request.status == LeaveStatus.PENDING
        or (request.decided_at is not None and request.decided_at >= now - LEAVE_RECENT)
    ]
    return TeacherDay(
        lessons=lessons,
        work=work[:HOME_LIST],
        work_count=len(work),
        leave=leave[:HOME_LIST],
        suggestions=training_selectors.suggestions(user, standing, limit=3) if standing is not None else [],
        to_confirm=to_confirm,
    )


@dataclass(frozen=True)
class AtRisk:
    """A trainee who may fail, and why in words."""

    enrolment: Enrolment
    project: Project
    reasons: list[str]


@dataclass
class TutorDay:
    """A tutor's day: lessons today, the trainees' work to grade and leave to decide (the inbox's
    own sections, so both pages say the same), and the trainees who may fail."""

    lessons: list[Lesson]
    to_grade: InboxPanel | None
    leave: InboxPanel | None
    at_risk: list[AtRisk]
    at_risk_count: int


def _risks(gates: list[dict] | None) -> list[str]:
    """Why a trainee's result may fail: absences at the limit, so one more fails (the moment the
    trainee is warned too), or past it; required work past due and not handed in. Read from the
    gates the result stores (peixun.assessment)."""
    reasons = []
    for gate in gates or []:
        params = (gate.get("reason") or {}).get("params") or {}
        if gate.get("code") == "absence" and gate.get("state") in ("failed", "pending"):
            try:
                absences = int(params.get("absences", "0"))
                limit = int(Decimal(params.get("limit", "0")))
            except (ArithmeticError, ValueError):
                continue
            if absences > limit:
                reasons.append(
                    str(
                        _("absent %(absences)s times, over the limit of %(limit)s")
                        % {"absences": absences, "limit": limit}
                    )
                )
            elif absences and absences == limit:
                reasons.append(
                    str(
                        _("absent %(absences)s times: one more absence fails (the limit is %(limit)s)")
                        % {"absences": absences, "limit": limit}
                    )
                )
        elif gate.get("code") == "coursework" and gate.get("state") == "failed":
            reasons.append(
                str(_("required coursework missing: %(titles)s") % {"titles": params.get("titles", "")})
            )
    return reasons


def tutor_day(user, now: datetime, panels: list[InboxPanel]) -> TutorDay | None:
    """A tutor's day: their lessons today, their trainees' work to grade and the leave waiting for
    them (the inbox's panels), and the trainees who may fail (absences near the limit, required
    work missing)."""
    if not user.person_id or not has_perm(user, "training.tutor"):
        return None
    by_anchor = {panel.anchor: panel for panel in panels}
    results = (
        Result.objects.filter(
            enrolment__cohort__tutor_id=user.person_id,
            enrolment__status=EnrolmentStatus.ENROLLED,
            project__status__in=lifecycle.MARKING,
        )
        .exclude(status=ResultStatus.PASSED)
        .order_by("project__starts_on", "enrolment__cohort__number", "enrolment__person__name_pinyin")
    )
    # Only the gates of every result are read (a tutor may have a thousand trainees); the people
    # and projects only of those shown.
    risks = {}
    for pk, gates in results.values_list("pk", "gates"):
        reasons = _risks(gates)
        if reasons:
            risks[pk] = reasons
    shown = list(risks)[: HOME_LIST * 2]
    found = Result.objects.select_related("enrolment__person", "enrolment__cohort", "project").in_bulk(shown)
    at_risk = [AtRisk(found[pk].enrolment, found[pk].project, risks[pk]) for pk in shown]
    return TutorDay(
        lessons=delivery_selectors.tutor_lessons_on(user, timezone.localdate(now)),
        to_grade=by_anchor.get("grade"),
        leave=by_anchor.get("leave"),
        at_risk=at_risk,
        at_risk_count=len(risks),
    )


@dataclass
class SchoolDay:
    """A school coordinator's desk: places to fill before enrolment closes, teachers with no
    account, and the school's compliance."""

    quotas: list[SchoolQuota]
    without_account: int
    governed: int
    compliant: int
    exempt: int

    @property
    def short(self) -> int:
        return self.governed - self.compliant - self.exempt


def school_day(user, now: datetime) -> SchoolDay | None:
    paths = _paths_for(user, {GrantRole.SCHOOL_COORDINATOR})
    if not paths:
        return None
    quotas = list(
        SchoolQuota.objects.filter(
            path_q(paths, "org__path"), project__status__in=lifecycle.OPEN_FOR_ENROLMENT
        )
        .filter(Q(project__enrol_closes_at__isnull=True) | Q(project__enrol_closes_at__gt=now))
        .select_related("project", "org")
        .order_by(F("project__enrol_closes_at").asc(nulls_last=True), "project_id")[: HOME_LIST * 2]
    )
    without_account = (
        Person.objects.filter(path_q(paths, "org__path"), status=PersonStatus.ACTIVE)
        .exclude(Exists(get_user_model().objects.filter(person_id=OuterRef("pk"))))
        .count()
    )
    figures = ComplianceResult.objects.filter(path_q(paths, "org_path")).aggregate(
        governed=Count("pk"),
        compliant=Count("pk", filter=Q(compliant=True, exempt=False)),
        exempt=Count("pk", filter=Q(exempt=True)),
    )
    return SchoolDay(quotas, without_account, figures["governed"], figures["compliant"], figures["exempt"])


@dataclass
class Waiting:
    """One kind of thing waiting for the user, how many, and where it is."""

    label: str
    count: int
    url: str


@dataclass
class Alert:
    text: str
    url: str
    level: str = "warning"


@dataclass
class OfficeDay:
    """Centre staff and bureau admins: the projects in their scope by state, and the alerts."""

    by_status: list[tuple[str, str, int]]
    alerts: list[Alert]

    @property
    def total(self) -> int:
        return sum(count for _code, _label, count in self.by_status)


def office_day(user, now: datetime) -> OfficeDay | None:
    view_paths = scope_paths(user, "training.view")
    if not view_paths:
        return None
    counts = _grouped(Project.objects.filter(path_q(view_paths, "organiser__path")), "status")
    by_status = [
        (code, str(label), counts[code]) for code, label in ProjectStatus.choices if counts.get(code)
    ]
    manage = path_q(scope_paths(user, "training.manage"), "project__organiser__path")
    alerts = []
    not_closed = (
        Lesson.objects.filter(manage, status=LessonStatus.SCHEDULED, ends_at__lt=now - timedelta(days=1))
        .select_related("project")
        .order_by("ends_at", "pk")
    )
    first = not_closed.first()
    if first is not None:
        count = not_closed.count()
        alerts.append(
            Alert(
                ngettext(
                    "%(count)s lesson ended more than a day ago and its register is not closed "
                    "(the oldest in %(title)s).",
                    "%(count)s lessons ended more than a day ago and their registers are not closed "
                    "(the oldest in %(title)s).",
                    count,
                )
                % {"count": count, "title": first.project.title},
                reverse("delivery:lesson", args=[first.pk]),
            )
        )
    closing = list(
        Project.objects.filter(
            path_q(scope_paths(user, "training.manage"), "organiser__path"),
            status__in=lifecycle.OPEN_FOR_ENROLMENT,
            enrol_closes_at__gt=now,
            enrol_closes_at__lte=now + timedelta(days=7),
            places_taken__lt=F("min_size"),
        ).order_by("enrol_closes_at")[:HOME_LIST]
    )
    for project in closing:
        alerts.append(
            Alert(
                _(
                    "%(title)s: enrolment closes on %(day)s with %(taken)s of at least %(minimum)s "
                    "places taken."
                )
                % {
                    "title": project.title,
                    "day": zh_date(timezone.localtime(project.enrol_closes_at).date()),
                    "taken": project.places_taken,
                    "minimum": project.min_size,
                },
                reverse("training:project-enrolments", args=[project.pk]),
            )
        )
    objections = Objection.objects.filter(
        path_q(scope_paths(user, "training.manage"), "round__project__organiser__path"),
        status=ObjectionStatus.OPEN,
    ).select_related("round__project")
    first_objection = objections.order_by("raised_at", "pk").first()
    if first_objection is not None:
        count = objections.count()
        project = first_objection.round.project
        alerts.append(
            Alert(
                ngettext(
                    "%(count)s objection to an excellent-trainee list waits for your answer (%(title)s).",
                    "%(count)s objections to excellent-trainee lists wait for your answer "
                    "(the oldest in %(title)s).",
                    count,
                )
                % {"count": count, "title": project.title},
                reverse("assessment:excellence", args=[project.pk]),
                "danger",
            )
        )
    return OfficeDay(by_status, alerts)


def waiting_for_me(inbox: Inbox, panels: list[InboxPanel]) -> list[Waiting]:
    """What the inbox holds, by kind, each linked to its section: the same counts as the inbox."""
    url = reverse("training:inbox")
    rows = [
        Waiting(str(_("Projects to approve")), len(inbox.projects), f"{url}#projects"),
        Waiting(str(_("Change requests")), inbox.changes, f"{url}#changes"),
        Waiting(str(_("Enrolments to approve")), inbox.enrolments_waiting, f"{url}#enrolments"),
        Waiting(str(_("Exemption requests")), inbox.exemptions_waiting, f"{url}#exemptions"),
        Waiting(str(_("To confirm")), len(inbox.to_confirm), f"{url}#to-confirm"),
    ]
    rows += [Waiting(panel.label, panel.count, f"{url}#{panel.anchor}") for panel in panels]
    return [row for row in rows if row.count]
