"""Who may see and act on which project, enrolment, class and learning code. The permissions are
defined in peixun.orgs.access (PERMISSIONS); this module applies them to training objects.

- Plans and projects belong to their organiser: `training.view` / `training.manage` /
  `training.approve` over the organiser's org.
- From publication on, a project is also visible to everyone in its audience (an org subtree the
  user's grants or own school lie in, or one inside the user's subtree).
- Change requests (变更申请) belong to their project: the organiser's staff (`training.manage`) ask
  and edit, whoever may approve the project (`training.approve`) decides; both may read them.
- Enrolments are seen and acted on by the organiser's staff, by the school's coordinator
  (`training.nominate` over the teacher's school), by the county (`training.county_approve`) and by
  the teacher themself.

`access_*` fetch one object or answer 404 — the same for missing and out of scope. The training
pages and API ask only this module (it re-exports the org-level checks they use).
"""

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from peixun.core.compiled import CompiledLookup
from peixun.orgs.access import grants_of, has_perm, out_of_scope
from peixun.orgs.access import orgs_in_scope as orgs_in_scope
from peixun.orgs.access import path_q as path_q
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.access import scope_paths as scope_paths
from peixun.orgs.models import Org, Person, ancestor_paths
from peixun.training.models import ChangeRequest, Cohort, Enrolment, LearningCode, MandatoryRun, Project
from peixun.training.rules import lifecycle

# Every enrolment attempt opens its project first (compiled once: core/compiled.py).
PROJECT_WITH_ORGANISER = CompiledLookup(lambda pk: Project.objects.select_related("organiser").filter(pk=pk))


def own_paths(user) -> list[str]:
    """Org paths where the user belongs: every grant's org and the linked person's school."""
    paths = {grant.org_path for grant in grants_of(user)}
    person = person_of(user)
    if person is not None:
        paths.add(person.org.path)
    return sorted(paths)


def person_of(user) -> Person | None:
    """The account's person with their org: loaded with the account when it signed in this request
    (IdentifierBackend.get_user), else in one query and kept on the account."""
    if not getattr(user, "person_id", None):
        return None
    if user._meta.get_field("person").is_cached(user) and Person._meta.get_field("org").is_cached(
        user.person
    ):
        return user.person
    user.person = Person.objects.select_related("org").get(pk=user.person_id)
    return user.person


def _audience_q(user) -> Q:
    """Projects whose audience covers where the user belongs, or lies inside their subtrees."""
    ancestors = sorted({a for path in own_paths(user) for a in ancestor_paths(path)})
    inside = (
        path_q(scope_paths(user, "training.nominate"), "org__path")
        if has_perm(user, "training.nominate")
        else None
    )
    through = Project.audience.through
    covering = through.objects.filter(project_id=OuterRef("pk"), org__path__in=ancestors)
    query = Q(Exists(covering))
    if inside is not None:
        query |= Q(Exists(through.objects.filter(inside, project_id=OuterRef("pk"))))
    return query


def projects_visible(user) -> QuerySet[Project]:
    """Every project the user may open: organised in their scope, published to an audience they
    belong to, or one they are enrolled in."""
    if not user.is_authenticated:
        return Project.objects.none()
    query = path_q(scope_paths(user, "training.view"), "organiser__path")
    query |= Q(status__in=lifecycle.PUBLIC) & _audience_q(user)
    if user.person_id:
        query |= Q(Exists(Enrolment.objects.filter(project_id=OuterRef("pk"), person_id=user.person_id)))
    return Project.objects.filter(query)


def project_paths(project: Project) -> tuple[list[str], list[str]]:
    """(audience paths, excluded paths) of the project, cached on the instance. One plain SQL
    statement: this runs on every enrolment attempt, where the ORM's query building showed up."""
    cached = getattr(project, "_paths", None)
    if cached is None:
        audience_table = Project.audience.through._meta.db_table
        excluded_table = Project.excluded_orgs.through._meta.db_table
        org_table = Org._meta.db_table
        part = "SELECT %s, o.path FROM {} t JOIN {} o ON o.id = t.org_id WHERE t.project_id = %s"
        sql = " UNION ALL ".join(part.format(table, org_table) for table in (audience_table, excluded_table))
        with connection.cursor() as cursor:
            cursor.execute(sql, ["a", project.pk, "x", project.pk])
            rows = cursor.fetchall()
        cached = (
            sorted(path for kind, path in rows if kind == "a"),
            sorted(path for kind, path in rows if kind == "x"),
        )
        project._paths = cached  # type: ignore[attr-defined]  # a per-instance cache, not a field
    return cached


def can_see(user, project: Project) -> bool:
    """The rule of `projects_visible`, for one project already loaded (the hot path of enrolment:
    one cheap query instead of a filtered lookup)."""
    if not user.is_authenticated:
        return False
    if can(user, "training.view", project):
        return True
    if project.status in lifecycle.PUBLIC:
        audience, _excluded = project_paths(project)
        ancestors = {a for path in own_paths(user) for a in ancestor_paths(path)}
        if any(path in ancestors for path in audience):
            return True
        inside = scope_paths(user, "training.nominate")
        if any(path.startswith(prefix) for path in audience for prefix in inside):
            return True
    return (
        bool(user.person_id) and Enrolment.objects.filter(project=project, person_id=user.person_id).exists()
    )


def access_project(user, pk: int, perm: str | None = None) -> Project:
    """The project `pk` if the user may see it (perm None) or holds `perm` over its organiser."""
    project = PROJECT_WITH_ORGANISER.one(pk)
    if project is None or not (can_see(user, project) if perm is None else can(user, perm, project)):
        raise out_of_scope(user, "project", pk)
    return project


def can(user, perm: str, project: Project) -> bool:
    """Whether the user holds `perm` over the project's organiser."""
    return any(project.organiser.path.startswith(path) for path in scope_paths(user, perm))


def enrolments_in_scope(user, project: Project | None = None) -> QuerySet[Enrolment]:
    """Enrolments the user may see: all of a project they manage, those of teachers in their
    nominate or county scope, and their own."""
    query = path_q(scope_paths(user, "training.manage"), "project__organiser__path")
    query |= path_q(scope_paths(user, "training.nominate"), "school__path")
    if user.person_id:
        query |= Q(person_id=user.person_id)
    queryset = Enrolment.objects.filter(query)
    if project is not None:
        queryset = queryset.filter(project=project)
    return queryset


def access_enrolment(user, pk: int, perm: str | None = None) -> Enrolment:
    """The enrolment `pk`: for perm None, any the user may see; else one the user holds `perm`
    for — over the organiser (training.manage) or over the teacher's school (training.nominate,
    training.county_approve); "own" means the user's own enrolment."""
    queryset = Enrolment.objects.select_related("project", "project__organiser", "person", "school")
    if perm is None:
        queryset = queryset.filter(pk__in=enrolments_in_scope(user).values("pk"))
    elif perm == "own":
        queryset = queryset.filter(person_id=user.person_id) if user.person_id else queryset.none()
    elif perm == "training.manage":
        queryset = queryset.filter(path_q(scope_paths(user, perm), "project__organiser__path"))
    else:
        queryset = queryset.filter(path_q(scope_paths(user, perm), "school__path"))
    try:
        return queryset.get(pk=pk)
    except Enrolment.DoesNotExist:
        raise out_of_scope(user, "enrolment", pk) from None


def access_cohort(user, pk: int, perm: str = "training.manage") -> Cohort:
    """A class of a project the user manages; a tutor may open the class they tutor."""
    queryset = Cohort.objects.select_related("project", "project__organiser", "tutor")
    query = path_q(scope_paths(user, perm), "project__organiser__path")
    if perm == "training.manage" and user.person_id and has_perm(user, "training.tutor"):
        query |= Q(tutor_id=user.person_id)
    try:
        return queryset.filter(query).get(pk=pk)
    except Cohort.DoesNotExist:
        raise out_of_scope(user, "cohort", pk) from None


def access_code(user, pk: int) -> LearningCode:
    """A learning code of a school in the user's nominate scope."""
    queryset = LearningCode.objects.select_related("project", "school")
    try:
        return queryset.filter(path_q(scope_paths(user, "training.nominate"), "school__path")).get(pk=pk)
    except LearningCode.DoesNotExist:
        raise out_of_scope(user, "learning code", pk) from None


def schools_in_scope(user, perm: str = "training.nominate") -> QuerySet[Org]:
    return Org.objects.filter(path_q(scope_paths(user, perm), "path"), kind="school")


def change_requests_in_scope(user, perm: str | None = None) -> QuerySet[ChangeRequest]:
    """Change requests of the projects whose organiser the user holds `perm` over — for None,
    `training.manage` or `training.approve`."""
    perms = ("training.manage", "training.approve") if perm is None else (perm,)
    query = Q(pk__in=[])
    for code in perms:
        query |= path_q(scope_paths(user, code), "project__organiser__path")
    return ChangeRequest.objects.filter(query)


def access_change_request(user, pk: int, perm: str | None = None) -> ChangeRequest:
    """The change request `pk` of a project the user manages or may approve (perm None), or holds
    `perm` over; 404 otherwise, as for a missing one."""
    queryset = change_requests_in_scope(user, perm).select_related(
        "project", "project__organiser", "requested_by", "decided_by"
    )
    try:
        return queryset.get(pk=pk)
    except ChangeRequest.DoesNotExist:
        raise out_of_scope(user, "change request", pk) from None


def access_mandatory_run(user, pk: int) -> MandatoryRun:
    """A mandatory enrolment run of a project the user manages."""
    queryset = MandatoryRun.objects.select_related("project", "project__organiser", "actor", "undone_by")
    query = path_q(scope_paths(user, "training.manage"), "project__organiser__path")
    try:
        return queryset.filter(query).get(pk=pk)
    except MandatoryRun.DoesNotExist:
        raise out_of_scope(user, "mandatory enrolment", pk) from None
