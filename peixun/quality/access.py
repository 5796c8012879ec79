"""Who may see and act on quality's pages: the bureau and the centre (`training.manage`), over the
pools they keep and the projects they organise. Out of scope answers 404, as for missing.

- A trainer is in scope when its keeper (the bureau or centre whose pool it is) is in the user's
  `training.manage` subtree.
- A project's summary and archive go with the project (peixun.training.access).
- Comparisons (quality.compare): every trainee of a project organised in the user's subtree, and
  the trainees of the user's own schools in projects organised above it (ADR 0070).
"""

from django.db.models import Q, QuerySet

from peixun.orgs.access import has_perm, out_of_scope, path_q, scope_paths
from peixun.orgs.access import people_in_scope as people_in_scope
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.models import Org
from peixun.quality.models import ProjectArchive, Trainer
from peixun.training import access as training_access
from peixun.training.models import Enrolment, EnrolmentStatus, Project

MANAGE = "training.manage"


def trainers_in_scope(user) -> QuerySet[Trainer]:
    return Trainer.objects.filter(path_q(scope_paths(user, MANAGE), "org_path"))


def access_trainer(user, pk: int) -> Trainer:
    try:
        return trainers_in_scope(user).select_related("keeper", "person", "person__org").get(pk=pk)
    except Trainer.DoesNotExist:
        raise out_of_scope(user, "trainer", pk) from None


def keepers(user) -> QuerySet[Org]:
    """The orgs whose pool the user may add to: the bureaus and centres of their scope."""
    return (
        Org.objects.filter(path_q(scope_paths(user, MANAGE), "path")).exclude(kind="school").order_by("path")
    )


def access_managed_project(user, pk: int) -> Project:
    return training_access.access_project(user, pk, MANAGE)


def access_archive(user, pk: int) -> ProjectArchive:
    try:
        archive = ProjectArchive.objects.select_related("project", "project__organiser").get(pk=pk)
    except ProjectArchive.DoesNotExist:
        raise out_of_scope(user, "archive", pk) from None
    if not training_access.can(user, MANAGE, archive.project):
        raise out_of_scope(user, "archive", pk)
    return archive


def may(user, perm: str = MANAGE) -> bool:
    return has_perm(user, perm)


# --- Comparisons (RULES D9, F8, G4) ----------------------------------------------------------------
# A bureau or centre compares every trainee of the projects it organises, and the trainees of its
# own schools in projects organised above it; a school coordinator sees its own school's part.
COMPARE = "quality.compare"
# The year's plan against what ran is the planning bureau's and centre's (schools have no plan).
PLAN = "training.plan"


def visible_enrolments_q(user, prefix: str = "") -> Q:
    """Enrolments (or rows reaching one through `prefix`) whose figures the user may compare: of a
    project organised in their scope, or of a trainee of a school in it."""
    paths = scope_paths(user, COMPARE)
    return path_q(paths, f"{prefix}project__organiser__path") | path_q(paths, f"{prefix}school__path")


def covers_organiser(user, project: Project) -> bool:
    return training_access.can(user, COMPARE, project)


def access_compared_project(user, pk: int) -> Project:
    """The project `pk` if the user may compare its results: organised in their scope, with an
    enrolled trainee of a school in it, or published to them; 404 otherwise (as for missing)."""
    project = Project.objects.select_related("organiser").filter(pk=pk).first()
    if project is None:
        raise out_of_scope(user, "project", pk)
    if covers_organiser(user, project):
        return project
    schools = path_q(scope_paths(user, COMPARE), "school__path")
    if Enrolment.objects.filter(schools, project=project, status=EnrolmentStatus.ENROLLED).exists():
        return project
    # A project published to the user's area that none of their schools joined: the page says so
    # (its tab is on the project page they can open), rather than answering 404.
    if training_access.can_see(user, project):
        return project
    raise out_of_scope(user, "project", pk)
