"""Who may see and act on quality's pages: the bureau and the centre (`training.manage`), over the
pools they keep and the projects they organise. Out of scope answers 404, as for missing.

- A trainer is in scope when its keeper (the bureau or centre whose pool it is) is in the user's
  `training.manage` subtree.
- A project's summary and archive go with the project (peixun.training.access).
"""

from django.db.models import QuerySet

from peixun.orgs.access import has_perm, out_of_scope, path_q, scope_paths
from peixun.orgs.access import people_in_scope as people_in_scope
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.models import Org
from peixun.quality.models import ProjectArchive, Trainer
from peixun.training import access as training_access
from peixun.training.models import Project

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
