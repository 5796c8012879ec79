"""Who may see and act on honours.

- The bureau (`honours.manage`) runs the selections of its subtree: creates them, reviews
  nominations, publishes the public notice, decides objections, makes the list final; reviews the
  title holders of its subtree each year and renews or ends their titles.
- A school coordinator (`honours.nominate`) nominates teachers of their school to the selections of
  the bureaus above it, and sees their school's nominations.
- A teacher sees their own honours and titles and logs their guidance hours.
- Anyone sees the public notice of a selection while it is in notice or final: names and schools.

`access_*` fetch one object or answer 404 — the same for missing and out of scope.
"""

from django.db.models import Q, QuerySet

from peixun.honours.models import Honour, Nomination, Selection, SelectionStatus
from peixun.orgs.access import has_perm, out_of_scope, path_q, scope_paths
from peixun.orgs.access import people_in_scope as people_in_scope
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.models import ancestor_paths

MANAGE = "honours.manage"
NOMINATE = "honours.nominate"


def managed_selections(user) -> QuerySet[Selection]:
    return Selection.objects.filter(path_q(scope_paths(user, MANAGE), "org__path"))


def open_to_school(user) -> QuerySet[Selection]:
    """The selections run by a bureau above one of the coordinator's schools."""
    above = {path for school in scope_paths(user, NOMINATE) for path in ancestor_paths(school)}
    return Selection.objects.filter(org__path__in=sorted(above))


def access_selection(user, pk: int) -> Selection:
    try:
        return managed_selections(user).select_related("org").get(pk=pk)
    except Selection.DoesNotExist:
        raise out_of_scope(user, "selection", pk) from None


def access_school_selection(user, pk: int) -> Selection:
    try:
        return open_to_school(user).select_related("org").get(pk=pk)
    except Selection.DoesNotExist:
        raise out_of_scope(user, "selection", pk) from None


def nominations_in_scope(user) -> QuerySet[Nomination]:
    """The nominations of the user's school, and those of the selections the user runs."""
    query = path_q(scope_paths(user, NOMINATE), "org_path") | path_q(
        scope_paths(user, MANAGE), "selection__org__path"
    )
    return Nomination.objects.filter(query)


def school_nominations(user) -> QuerySet[Nomination]:
    """The nominations of the coordinator's schools."""
    return Nomination.objects.filter(path_q(scope_paths(user, NOMINATE), "org_path"))


def access_nomination(user, pk: int) -> Nomination:
    try:
        return (
            nominations_in_scope(user).select_related("selection", "kind", "person", "person__org").get(pk=pk)
        )
    except Nomination.DoesNotExist:
        raise out_of_scope(user, "nomination", pk) from None


def manages(user, selection: Selection) -> bool:
    return any(selection.org.path.startswith(path) for path in scope_paths(user, MANAGE))


def nominates_for(user, nomination: Nomination) -> bool:
    return any(nomination.org_path.startswith(path) for path in scope_paths(user, NOMINATE))


def honours_in_scope(user) -> QuerySet[Honour]:
    return Honour.objects.filter(path_q(scope_paths(user, MANAGE), "org_path"))


def access_honour(user, pk: int) -> Honour:
    try:
        return honours_in_scope(user).select_related("person", "person__org", "kind").get(pk=pk)
    except Honour.DoesNotExist:
        raise out_of_scope(user, "honour", pk) from None


def public_selection(pk: int) -> Selection:
    """A selection shown to the public: only while in notice, or final."""
    try:
        return Selection.objects.select_related("org").get(
            Q(status=SelectionStatus.NOTICE) | Q(status=SelectionStatus.FINAL), pk=pk
        )
    except Selection.DoesNotExist:
        raise out_of_scope(None, "selection", pk) from None


def may(user, perm: str) -> bool:
    return has_perm(user, perm)
