"""Who may see and keep the teachers' records.

- A teacher sees their own records (the account linked to the person), read only.
- The school coordinator (`records.edit`) keeps those of their school's teachers.
- The bureau and the centre (`records.view`) read every list and report of their subtree; the
  bureau (`records.settings`) sets the figures and marks rural schools.

`access_*` fetch one object or answer 404 — the same for missing and out of scope.
"""

from django.db.models import QuerySet

from peixun.orgs.access import has_perm, out_of_scope, path_in_scope, scope_paths
from peixun.orgs.access import path_q as path_q
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.models import Org, OrgKind, Person

VIEW = "records.view"
EDIT = "records.edit"
SETTINGS = "records.settings"


def access_person(user, pk: int) -> Person:
    """A teacher whose records the user may see: in their subtree, or themselves."""
    try:
        person = Person.objects.select_related("org").get(pk=pk)
    except Person.DoesNotExist:
        raise out_of_scope(user, "person", pk) from None
    if path_in_scope(user, VIEW, person.org.path):
        return person
    if user.is_authenticated and user.person_id == person.pk:
        return person
    raise out_of_scope(user, "person", pk)


def may_edit(user, person: Person) -> bool:
    return path_in_scope(user, EDIT, person.org.path)


def orgs_in_scope(user, perm: str = VIEW) -> QuerySet[Org]:
    return Org.objects.filter(path_q(scope_paths(user, perm), "path"))


def access_org(user, pk: int, perm: str = VIEW) -> Org:
    try:
        return orgs_in_scope(user, perm).get(pk=pk)
    except Org.DoesNotExist:
        raise out_of_scope(user, "org", pk) from None


def access_school_to_mark(user, pk: int) -> Org:
    org = access_org(user, pk, SETTINGS)
    if org.kind != OrgKind.SCHOOL:
        raise out_of_scope(user, "org", pk)
    return org


def paths(user, perm: str = VIEW) -> list[str]:
    return scope_paths(user, perm)


def may(user, perm: str) -> bool:
    return has_perm(user, perm)
