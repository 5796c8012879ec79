"""Who may see, confirm and reopen annual training returns.

- `returns.view` (bureau, centre, school coordinator): the returns of the schools in their subtree.
- `returns.confirm` (school coordinator): confirm their school's return.
- `returns.reopen` (bureau admin, centre staff): return a confirmed return to the school, with a reason.

Out-of-scope schools answer 404, the same as missing ones.
"""

from django.db.models import QuerySet

from peixun.orgs.access import has_perm, out_of_scope, path_in_scope, path_q, scope_paths
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.models import Org, OrgKind

VIEW = "returns.view"
CONFIRM = "returns.confirm"
REOPEN = "returns.reopen"


def schools_in_scope(user, perm: str = VIEW) -> QuerySet[Org]:
    return Org.objects.filter(path_q(scope_paths(user, perm), "path"), kind=OrgKind.SCHOOL)


def access_school(user, pk: int, perm: str = VIEW) -> Org:
    try:
        return schools_in_scope(user, perm).get(pk=pk)
    except Org.DoesNotExist:
        raise out_of_scope(user, "school", pk) from None


def scope_names(user) -> list[str]:
    """The orgs at the top of the user's scope (the reporting unit the form prints)."""
    paths = scope_paths(user, VIEW)
    return list(Org.objects.filter(path__in=paths).order_by("path").values_list("name", flat=True))


def may(user, perm: str, path: str = "") -> bool:
    if path:
        return path_in_scope(user, perm, path)
    return has_perm(user, perm)
