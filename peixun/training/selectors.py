"""Reads for training pages and the API: project lists for staff and for teachers (eligible first,
with the reasons for the rest), a project's parts, eligibility facts in bulk, enrolment lists,
inboxes, change requests, planned-versus-actual figures, classes and learning codes."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.audit.selectors import events_about
from peixun.ledger.selectors import Standing
from peixun.orgs.access import path_q, scope_paths
from peixun.orgs.models import Org, Person, PersonStatus
from peixun.policies.rules import Earned, codes
from peixun.policies.rules.engine import selects
from peixun.training import access
from peixun.training.models import (
    HOLDING,
    LIVE,
    OPEN_CHANGE_STATUSES,
    AnnualPlan,
    ApprovalStage,
    ChangeRequest,
    ChangeRequestStatus,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    ExemptionRequest,
    ExemptionStatus,
    LearningCode,
    MandatoryRun,
    Notice,
    PlanItem,
    Prize,
    Project,
    ProjectStatus,
)
from peixun.training.rules import eligibility, lifecycle

# --- Eligibility --------------------------------------------------------------------------------------


def audience_paths(project: Project) -> tuple[list[str], list[str]]:
    """(audience paths, excluded paths), cached on the instance."""
    return access.project_paths(project)


def rules_for(project: Project) -> eligibility.TargetRules:
    paths, excluded = audience_paths(project)
    return project.target_rules(paths, excluded)


def _needs_history(rules: eligibility.TargetRules) -> bool:
    return bool(rules.exclude_trained_level)


def trainings_of(person_ids: list[int]) -> dict[int, list[eligibility.PastTraining]]:
    """Past trainings per person: enrolled places in projects that were delivered."""
    rows = Enrolment.objects.filter(
        person_id__in=person_ids, status=EnrolmentStatus.ENROLLED, project__status__in=lifecycle.DELIVERED
    ).values_list("person_id", "project__project_type", "project__level", "project__starts_on")
    history: dict[int, list[eligibility.PastTraining]] = defaultdict(list)
    for person_id, project_type, level, starts_on in rows:
        if starts_on is not None:
            history[person_id].append(eligibility.PastTraining(project_type, level, starts_on.year))
    return history


def prizes_of(person_ids: list[int]) -> dict[int, list[eligibility.Prize]]:
    prizes: dict[int, list[eligibility.Prize]] = defaultdict(list)
    for person_id, level, rank, year in Prize.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "level", "rank", "year"
    ):
        prizes[person_id].append(eligibility.Prize(level, rank, year))
    return prizes


def facts_for(
    people: list[Person], *, history: bool = True, prizes: bool = True
) -> dict[int, eligibility.PersonFacts]:
    """Eligibility facts for many people at once (two queries at most). People need `org` loaded."""
    ids = [person.pk for person in people]
    trainings = trainings_of(ids) if history and ids else {}
    won = prizes_of(ids) if prizes and ids else {}
    return {
        person.pk: eligibility.PersonFacts(
            person_id=person.pk,
            org_path=person.org.path,
            gender=person.gender,
            birth_date=person.birth_date,
            section=person.section,
            subjects=tuple(person.subjects),
            title=person.title,
            roles=tuple(person.roles),
            status=person.status,
            trainings=tuple(trainings.get(person.pk, ())),
            prizes=tuple(won.get(person.pk, ())),
        )
        for person in people
    }


def decide(
    project: Project, people: list[Person], today: date | None = None
) -> dict[int, eligibility.Decision]:
    """The eligibility decision for each person."""
    rules = rules_for(project)
    today = today or timezone.localdate()
    facts = facts_for(people, history=_needs_history(rules), prizes=bool(rules.exclude_prize_level))
    return {
        pk: eligibility.evaluate(rules, fact, today=today, project_year=project.year)
        for pk, fact in facts.items()
    }


def decision_for(project: Project, person: Person, today: date | None = None) -> eligibility.Decision:
    return decide(project, [person], today)[person.pk]


def audience_people(project: Project) -> QuerySet[Person]:
    """Active people in the project's audience subtrees (before the other target rules)."""
    paths, _excluded = audience_paths(project)
    return Person.objects.filter(path_q(paths, "org__path"), status=PersonStatus.ACTIVE).select_related("org")


def eligible_people(
    project: Project, *, within: list[str] | None = None, mandatory: bool = False
) -> list[Person]:
    """People of the audience (optionally within some subtrees) who may enrol (or must, with
    `mandatory`), in pinyin order."""
    people = audience_people(project)
    if within is not None:
        people = people.filter(path_q(within, "org__path"))
    people_list = list(people.order_by("org__path", "name_pinyin", "id"))
    decisions = decide(project, people_list)
    key = "mandatory" if mandatory else "eligible"
    return [person for person in people_list if getattr(decisions[person.pk], key)]


@dataclass(frozen=True)
class AudienceMember:
    """One person of a project's audience as a bulk read sees them (no model instance)."""

    person_id: int
    school_id: int
    name_pinyin: str
    subjects: tuple[str, ...]
    decision: eligibility.Decision


def decided_audience(
    project: Project, *, mandatory: bool = False, today: date | None = None
) -> list[AudienceMember]:
    """`eligible_people` for a whole audience at once — a county's thousands for mandatory
    enrolment: the columns the rules read, decided in bulk, without a model instance each (which
    cost most of the time). In the same order."""
    rules = rules_for(project)
    today = today or timezone.localdate()
    rows = list(
        audience_people(project)
        .order_by("org__path", "name_pinyin", "id")
        .values_list(
            "id",
            "org_id",
            "org__path",
            "gender",
            "birth_date",
            "section",
            "subjects",
            "title",
            "roles",
            "status",
            "name_pinyin",
        )
    )
    ids = [row[0] for row in rows]
    trainings = trainings_of(ids) if ids and _needs_history(rules) else {}
    won = prizes_of(ids) if ids and rules.exclude_prize_level else {}
    key = "mandatory" if mandatory else "eligible"
    found = []
    for pk, org_id, path, gender, birth, section, subjects, title, roles, status, pinyin in rows:
        facts = eligibility.PersonFacts(
            person_id=pk,
            org_path=path,
            gender=gender,
            birth_date=birth,
            section=section,
            subjects=tuple(subjects),
            title=title,
            roles=tuple(roles),
            status=status,
            trainings=tuple(trainings.get(pk, ())),
            prizes=tuple(won.get(pk, ())),
        )
        decision = eligibility.evaluate(rules, facts, today=today, project_year=project.year)
        if getattr(decision, key):
            found.append(AudienceMember(pk, org_id, pinyin, tuple(subjects), decision))
    return found


# --- Project lists ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFilter:
    q: str = ""
    status: str = ""
    level: str = ""
    mode: str = ""
    year: int | None = None


def project_list(user, query: ProjectFilter) -> QuerySet[Project]:
    projects = access.projects_visible(user).select_related("organiser")
    if query.q:
        projects = projects.filter(Q(title__icontains=query.q) | Q(organiser__name__icontains=query.q))
    if query.status:
        projects = projects.filter(status=query.status)
    if query.level:
        projects = projects.filter(level=query.level)
    if query.mode:
        projects = projects.filter(mode=query.mode)
    if query.year:
        projects = projects.filter(
            Q(starts_on__year=query.year) | Q(starts_on__isnull=True, created_at__year=query.year)
        )
    return projects.order_by("-created_at", "-id")


@dataclass
class TeacherRow:
    project: Project
    decision: eligibility.Decision
    enrolment: Enrolment | None
    open_now: bool


def teacher_projects(user, query: ProjectFilter) -> list[TeacherRow]:
    """Published projects for the teacher: the ones they are enrolled in, then those they may enrol
    in (open first), then the others with the reasons they may not."""
    person = access.person_of(user)
    if person is None:  # callers ask for teachers only
        return []
    projects = list(project_list(user, query).filter(status__in=lifecycle.PUBLIC)[:200])
    enrolments = {
        e.project_id: e for e in Enrolment.objects.filter(person=person, project__in=[p.pk for p in projects])
    }
    now = timezone.now()
    facts_cache = facts_for([person])[person.pk]
    paths = _paths_for_projects(projects)
    rows = []
    for project in projects:
        project._paths = paths.get(project.pk, ([], []))  # type: ignore[attr-defined]  # project_paths' cache
        rules = rules_for(project)
        decision = eligibility.evaluate(
            rules, facts_cache, today=timezone.localdate(), project_year=project.year
        )
        rows.append(TeacherRow(project, decision, enrolments.get(project.pk), project.enrolment_open(now)))

    def rank(row: TeacherRow):
        live = row.enrolment is not None and row.enrolment.status in LIVE
        return (0 if live else 1 if row.decision.eligible else 2, 0 if row.open_now else 1, -row.project.pk)

    return sorted(rows, key=rank)


def _paths_for_projects(projects: list[Project]) -> dict[int, tuple[list[str], list[str]]]:
    ids = [p.pk for p in projects]
    result: dict[int, tuple[list[str], list[str]]] = {pk: ([], []) for pk in ids}
    for pk, path in Project.audience.through.objects.filter(project_id__in=ids).values_list(
        "project_id", "org__path"
    ):
        result[pk][0].append(path)
    for pk, path in Project.excluded_orgs.through.objects.filter(project_id__in=ids).values_list(
        "project_id", "org__path"
    ):
        result[pk][1].append(path)
    return result


def project_detail(project: Project) -> Project:
    """The project with its parts loaded."""
    return (
        Project.objects.select_related("organiser", "plan_item__plan", "lottery")
        .prefetch_related("courses", "budget_lines", "trainers", "attachments", "audience", "excluded_orgs")
        .get(pk=project.pk)
    )


def budget_total(project: Project) -> Decimal:
    return project.budget_lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def enrolment_counts(project: Project, queryset: QuerySet[Enrolment] | None = None) -> dict[str, int]:
    queryset = queryset if queryset is not None else project.enrolments.all()
    counts = dict(queryset.values("status").annotate(n=Count("id")).order_by().values_list("status", "n"))
    return {status: counts.get(status, 0) for status in EnrolmentStatus.values}


def project_events(project: Project, *, limit: int = 20) -> list[AuditEvent]:
    return events_about(project, limit=limit)


# --- Enrolments ---------------------------------------------------------------------------------------


def project_enrolments(user, project: Project, *, status: str = "", school: Org | None = None, q: str = ""):
    queryset = access.enrolments_in_scope(user, project).select_related("person", "school", "cohort")
    if status:
        queryset = queryset.filter(status=status)
    if school is not None:
        queryset = queryset.filter(school__path__startswith=school.path)
    if q:
        queryset = queryset.filter(
            Q(person__name__startswith=q) | Q(person__name_pinyin__startswith=q.lower())
        )
    return queryset.order_by("lottery_rank", "created_at", "id")


def waitlist(project: Project) -> QuerySet[Enrolment]:
    """The waitlist in promotion order: lottery rank first (a drawn waitlist), then arrival."""
    return (
        project.enrolments.filter(status=EnrolmentStatus.WAITLISTED)
        .select_related("person", "school")
        .order_by(F("lottery_rank").asc(nulls_last=True), "created_at", "id")
    )


def mandatory_runs(project: Project) -> QuerySet[MandatoryRun]:
    """A project's mandatory enrolment runs, latest first."""
    return MandatoryRun.objects.filter(project=project).select_related("actor", "undone_by", "project")


def my_enrolments(person: Person) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(person=person)
        .select_related("project", "project__organiser", "cohort", "cohort__tutor")
        .prefetch_related("exemptions")
        .order_by("-created_at")
    )


def waitlist_position(enrolment: Enrolment) -> int | None:
    if enrolment.status != EnrolmentStatus.WAITLISTED:
        return None
    ids = list(waitlist(enrolment.project).values_list("id", flat=True))
    return ids.index(enrolment.pk) + 1 if enrolment.pk in ids else None


# --- Inbox --------------------------------------------------------------------------------------------


@dataclass
class Inbox:
    projects: list[Project]
    school_stage: list[Enrolment]
    county_stage: list[Enrolment]
    exemptions_school: list[ExemptionRequest]
    exemptions_county: list[ExemptionRequest]
    to_confirm: list[Enrolment]
    # Change requests (变更申请) waiting for the user's decision, and those returned to the user's projects.
    changes_to_decide: list[ChangeRequest]
    changes_returned: list[ChangeRequest]

    @property
    def enrolments_waiting(self) -> int:
        return len(self.school_stage) + len(self.county_stage)

    @property
    def exemptions_waiting(self) -> int:
        return len(self.exemptions_school) + len(self.exemptions_county)

    @property
    def changes(self) -> int:
        return len(self.changes_to_decide) + len(self.changes_returned)

    @property
    def total(self) -> int:
        return (
            len(self.projects)
            + len(self.changes_to_decide)
            + len(self.changes_returned)
            + len(self.school_stage)
            + len(self.county_stage)
            + len(self.exemptions_school)
            + len(self.exemptions_county)
            + len(self.to_confirm)
        )


INBOX_LIMIT = 200


def inbox(user) -> Inbox:
    """What waits for the user: projects to approve, enrolments and exemptions at their stage,
    and their own nominations and offers to confirm. A section the user has no scope for is empty
    without a query (every home page asks: most users are teachers, who approve nothing)."""
    approve_paths = scope_paths(user, "training.approve")
    school_paths = scope_paths(user, "training.nominate")
    county_paths = scope_paths(user, "training.county_approve")
    projects = (
        list(
            Project.objects.filter(path_q(approve_paths, "organiser__path"), status=ProjectStatus.SUBMITTED)
            .select_related("organiser")
            .order_by("status_changed_at", "id")[:INBOX_LIMIT]
        )
        if approve_paths
        else []
    )
    pending = Enrolment.objects.filter(status=EnrolmentStatus.PENDING).select_related(
        "person", "school", "project"
    )
    exemptions = ExemptionRequest.objects.select_related(
        "enrolment", "enrolment__person", "enrolment__school", "enrolment__project"
    )
    school_stage, exemptions_school = [], []
    if school_paths:
        school_stage = list(
            pending.filter(path_q(school_paths, "school__path"), stage=ApprovalStage.SCHOOL).order_by(
                "created_at"
            )[:INBOX_LIMIT]
        )
        exemptions_school = list(
            exemptions.filter(
                path_q(school_paths, "enrolment__school__path"), status=ExemptionStatus.PENDING_SCHOOL
            )[:INBOX_LIMIT]
        )
    county_stage, exemptions_county = [], []
    if county_paths:
        county_stage = list(
            pending.filter(path_q(county_paths, "school__path"), stage=ApprovalStage.COUNTY).order_by(
                "created_at"
            )[:INBOX_LIMIT]
        )
        exemptions_county = list(
            exemptions.filter(
                path_q(county_paths, "enrolment__school__path"), status=ExemptionStatus.PENDING_COUNTY
            )[:INBOX_LIMIT]
        )
    to_confirm = []
    if user.person_id:
        to_confirm = list(
            Enrolment.objects.filter(
                person_id=user.person_id, status__in=lifecycle.TO_CONFIRM
            ).select_related("project")
        )
    changes_to_decide, changes_returned = [], []
    if approve_paths:
        changes_to_decide = list(
            change_requests(user, "training.approve", ChangeRequestStatus.PENDING)[:INBOX_LIMIT]
        )
    if scope_paths(user, "training.manage"):
        changes_returned = list(
            change_requests(user, "training.manage", ChangeRequestStatus.RETURNED)[:INBOX_LIMIT]
        )
    return Inbox(
        projects,
        school_stage,
        county_stage,
        exemptions_school,
        exemptions_county,
        to_confirm,
        changes_to_decide=changes_to_decide,
        changes_returned=changes_returned,
    )


# --- Change requests ------------------------------------------------------------------------------------


def change_requests(user, perm: str | None = None, status: str = "") -> QuerySet[ChangeRequest]:
    """Change requests of the projects the user manages or may approve (or holds `perm` over), the
    longest waiting first; `status` "open" for those waiting or returned."""
    queryset = access.change_requests_in_scope(user, perm).select_related(
        "project", "project__organiser", "requested_by", "decided_by"
    )
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_CHANGE_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("submitted_at", "id")


def open_change_request(project: Project) -> ChangeRequest | None:
    """The project's one open change request (waiting or returned), if any."""
    return (
        ChangeRequest.objects.filter(project=project, status__in=OPEN_CHANGE_STATUSES)
        .select_related("requested_by", "decided_by")
        .first()
    )


def notices_of(user) -> QuerySet[Notice]:
    """The user's notices, the newest first."""
    return Notice.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


# --- Plans ---------------------------------------------------------------------------------------------


def plans(user) -> QuerySet[AnnualPlan]:
    return (
        AnnualPlan.objects.filter(path_q(scope_paths(user, "training.plan"), "org__path"))
        .select_related("org")
        .annotate(item_count=Count("items"), planned_trainees=Sum("items__planned_trainees"))
    )


@dataclass
class PlanRow:
    item: PlanItem
    project: Project | None
    actual_trainees: int
    actual_hours: Decimal
    actual_budget: Decimal


@dataclass
class PlanFigures:
    rows: list[PlanRow]
    planned_trainees: int
    planned_hours: Decimal
    planned_budget: Decimal
    actual_trainees: int
    actual_hours: Decimal
    actual_budget: Decimal
    projects: int


def plan_figures(plan: AnnualPlan) -> PlanFigures:
    """Planned against actual for each item and in total. Actual trainees are the places held
    in the item's project; actual hours its hours credited; actual budget its budget lines."""
    items = list(plan.items.select_related("project").annotate(budget=Sum("project__budget_lines__amount")))
    rows = []
    for item in items:
        project = getattr(item, "project", None)
        rows.append(
            PlanRow(
                item=item,
                project=project,
                actual_trainees=project.places_taken if project else 0,
                actual_hours=project.hours_credited if project else Decimal("0"),
                actual_budget=item.budget or Decimal("0"),
            )
        )
    return PlanFigures(
        rows=rows,
        planned_trainees=sum(row.item.planned_trainees for row in rows),
        planned_hours=sum((row.item.planned_hours for row in rows), Decimal("0")),
        planned_budget=sum((row.item.planned_budget for row in rows), Decimal("0")),
        actual_trainees=sum(row.actual_trainees for row in rows),
        actual_hours=sum((row.actual_hours for row in rows), Decimal("0")),
        actual_budget=sum((row.actual_budget for row in rows), Decimal("0")),
        projects=sum(1 for row in rows if row.project),
    )


# --- Classes and learning codes ------------------------------------------------------------------------


def cohorts(project: Project) -> list[Cohort]:
    return list(
        project.cohorts.select_related("tutor", "tutor__org").annotate(
            size=Count("enrolments", filter=Q(enrolments__status__in=HOLDING))
        )
    )


def roster(cohort: Cohort) -> QuerySet[Enrolment]:
    """The class roster (花名册): its trainees holding a place, by school then pinyin."""
    return (
        cohort.enrolments.filter(status__in=HOLDING)
        .select_related("person", "school")
        .order_by("school__path", "person__name_pinyin", "id")
    )


def unassigned(project: Project) -> QuerySet[Enrolment]:
    return project.enrolments.filter(status__in=HOLDING, cohort__isnull=True).select_related(
        "person", "school"
    )


def codes_for(user, project: Project) -> QuerySet[LearningCode]:
    """The project's learning codes the user may see: all for its managers, their schools' for
    coordinators."""
    if access.can(user, "training.manage", project):
        queryset = project.learning_codes.all()
    else:
        queryset = project.learning_codes.filter(
            path_q(scope_paths(user, "training.nominate"), "school__path")
        )
    return queryset.select_related("school", "person")


def code_summary(codes: QuerySet[LearningCode]) -> list[dict]:
    """Per school: codes, given out, registered, given out but never registered."""
    rows = (
        codes.values("school_id", "school__name")
        .annotate(
            total=Count("id"),
            issued=Count("id", filter=Q(person__isnull=False)),
            registered=Count("id", filter=Q(registered_at__isnull=False)),
            silent=Count("id", filter=Q(person__isnull=False, registered_at__isnull=True)),
        )
        .order_by("school__name")
    )
    return list(rows)


# --- Trainings that would help a teacher short of hours ----------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """An open training the teacher may enrol in, and the missing requirements it would count toward."""

    project: Project
    counts_toward: list[str]


def suggestions(user, standing: Standing, limit: int = 5) -> list[Suggestion]:
    """Open projects the teacher is eligible for and not enrolled in whose hours would count toward
    a requirement they have not met yet (those serving named requirements first)."""
    result = standing.result
    if result is None or result.compliant or standing.version is None:
        return []
    short = set(result.short_rules)
    failing = [rule for rule in standing.version.rules.rules if rule.id in short]
    found = []
    for row in teacher_projects(user, ProjectFilter()):
        if not (row.decision.eligible and row.open_now and row.enrolment is None):
            continue
        project = row.project
        hours = Earned(
            on=timezone.localdate(),
            hours=project.hours_credited,
            category=project.category,
            level=project.level,
            mode=project.mode,
            tags=frozenset(codes.canonical_tags(project.tags)),
            credit_class=project.credit_class,
            source="project",
        )
        labels = [rule.label for rule in failing if selects(rule, hours)]
        if labels or "total" in short:
            found.append(Suggestion(project, labels))
    found.sort(key=lambda item: -len(item.counts_toward))
    return found[:limit]


@dataclass(frozen=True)
class TagRepair:
    project: Project
    unknown: list[str]
    known: list[str]


def projects_with_unknown_tags(user) -> list[TagRepair]:
    """The projects the user manages whose tags (or their courses' tags) are off the closed list, so
    their hours could not be credited: the 标签修复 page."""
    projects = (
        Project.objects.filter(path_q(scope_paths(user, "training.manage"), "organiser__path"))
        .filter(Q(tags__gt="") | Q(courses__tags__gt=""))
        .select_related("organiser")
        .prefetch_related("courses")
        .distinct()
        .order_by("-starts_on", "pk")
    )
    found = []
    for project in projects:
        tags = list(project.tags) + [tag for course in project.courses.all() for tag in course.tags]
        unknown = list(dict.fromkeys(codes.unknown_tags(tags)))
        if unknown:
            known = [tag for tag in codes.canonical_tags(project.tags) if tag in codes.TAGS]
            found.append(TagRepair(project, unknown, known))
    return found
