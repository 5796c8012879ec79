"""Who may see the daily participation figures: the bureau and the centre for the schools of their
subtree, a school coordinator for their own school (`participation.view`). Rows outside the scope
are not in the query at all."""

from django.db.models import QuerySet

from peixun.orgs.access import orgs_in_scope, path_q, scope_paths
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.models import Org
from peixun.participation.models import DailySnapshot

VIEW = "participation.view"


def schools_in_scope(user) -> QuerySet[Org]:
    return orgs_in_scope(user, VIEW).filter(kind="school").order_by("path")


def snapshots_in_scope(user) -> QuerySet[DailySnapshot]:
    return DailySnapshot.objects.filter(path_q(scope_paths(user, VIEW), "school__path"))
