"""Who may see and change interest groups.

- `interest.view` (bureau, centre, school coordinator, tutor): the terms that cover their subtree
  and the groups, students and subsidies of the schools in it.
- `interest.manage` (school coordinator): the school's students, groups, applications, scores
  and tutors.
- `interest.settings` (bureau, centre): the terms and their rules, for the orgs they cover.
- A group's tutor (the account linked to the group's tutor person, whatever its role) sees the
  group and keeps its deliverables; the school coordinator may correct them.

Out-of-scope objects answer 404, the same as missing ones.
"""

from django.db.models import Q, QuerySet

from peixun.interest.models import DeliverableFile, InterestGroup, Lesson, Term
from peixun.orgs.access import has_perm, out_of_scope, path_in_scope, path_q, scope_paths
from peixun.orgs.access import orgs_in_scope as orgs_in_scope
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.models import Org, OrgKind, ancestor_paths

VIEW = "interest.view"
MANAGE = "interest.manage"
SETTINGS = "interest.settings"


def may(user, perm: str, path: str = "") -> bool:
    if path:
        return path_in_scope(user, perm, path)
    return has_perm(user, perm)


def _tutor_q(user) -> Q:
    person_id = getattr(user, "person_id", None)
    return Q(tutor_id=person_id) if person_id else Q(pk__in=[])


def tutors_a_group(user) -> bool:
    return InterestGroup.objects.filter(_tutor_q(user)).exists()


def require_view(request) -> None:
    """interest.view, or a group of one's own to tutor."""
    if not has_perm(request.user, VIEW) and not tutors_a_group(request.user):
        require_perm(request, VIEW)


def terms_in_scope(user, perm: str = VIEW) -> QuerySet[Term]:
    """The terms of the orgs the user covers, and of the orgs above them (a school sees its
    county's terms); for `interest.settings` only those of the orgs covered."""
    paths = scope_paths(user, perm)
    query = path_q(paths, "org_path")
    if perm != SETTINGS:
        above = {ancestor for path in paths for ancestor in ancestor_paths(path)}
        query |= Q(org_path__in=above)
        tutored = InterestGroup.objects.filter(_tutor_q(user)).values("term_id")
        query |= Q(pk__in=tutored)
    return Term.objects.filter(query)


def access_term(user, pk: int, perm: str = VIEW) -> Term:
    try:
        return terms_in_scope(user, perm).get(pk=pk)
    except Term.DoesNotExist:
        raise out_of_scope(user, "term", pk) from None


def schools_in_scope(user, perm: str = VIEW) -> QuerySet[Org]:
    return Org.objects.filter(path_q(scope_paths(user, perm), "path"), kind=OrgKind.SCHOOL)


def access_school(user, pk: int, perm: str = VIEW) -> Org:
    try:
        return schools_in_scope(user, perm).get(pk=pk)
    except Org.DoesNotExist:
        raise out_of_scope(user, "school", pk) from None


def groups_in_scope(user) -> QuerySet[InterestGroup]:
    """The groups of the schools the user may view, and those they tutor."""
    return InterestGroup.objects.filter(path_q(scope_paths(user, VIEW), "org_path") | _tutor_q(user))


def access_group(user, pk: int) -> InterestGroup:
    try:
        return groups_in_scope(user).select_related("term", "school", "tutor").get(pk=pk)
    except InterestGroup.DoesNotExist:
        raise out_of_scope(user, "interest group", pk) from None


def access_group_to_manage(user, pk: int) -> InterestGroup:
    group = access_group(user, pk)
    if not path_in_scope(user, MANAGE, group.org_path):
        raise out_of_scope(user, "interest group", pk)
    return group


def may_deliver(user, group: InterestGroup) -> bool:
    return group.tutor_id == getattr(user, "person_id", None) or path_in_scope(user, MANAGE, group.org_path)


def access_group_to_deliver(user, pk: int) -> InterestGroup:
    """The group if the user is its tutor or may manage its school; 404 otherwise."""
    group = access_group(user, pk)
    if not may_deliver(user, group):
        raise out_of_scope(user, "interest group", pk)
    return group


def access_lesson(user, pk: int) -> Lesson:
    try:
        lesson = Lesson.objects.select_related("group").get(pk=pk)
    except Lesson.DoesNotExist:
        raise out_of_scope(user, "interest lesson", pk) from None
    access_group_to_deliver(user, lesson.group_id)
    return lesson


def access_file(user, pk: int) -> DeliverableFile:
    try:
        found = DeliverableFile.objects.get(pk=pk)
    except DeliverableFile.DoesNotExist:
        raise out_of_scope(user, "interest file", pk) from None
    access_group(user, found.group_id)
    return found
