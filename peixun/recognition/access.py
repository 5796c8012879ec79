"""Who may see and act on declarations of outside training.

- A teacher sees and changes their own declarations (the account linked to the person).
- The school coordinator (`recognition.school`) reviews the declarations of the teachers of their
  school subtree, at the school's step.
- The bureau and the centre (`recognition.bureau`) review those of their subtree at the final
  step, and import platform files (`recognition.import`).
- A 全员培训 project's rule on recognised training is set by whoever manages the project.

`access_*` fetch one object or answer 404 — the same for missing and out of scope. The pages ask
only this module.
"""

from django.db.models import Q, QuerySet

from peixun.orgs.access import has_perm, out_of_scope, path_q, scope_paths
from peixun.orgs.access import require_perm as require_perm
from peixun.recognition.models import Declaration
from peixun.training import access as training_access
from peixun.training.models import Project

SCHOOL = "recognition.school"
BUREAU = "recognition.bureau"
IMPORT = "recognition.import"


def reviewer_scope(user) -> Q:
    """The declarations the user reviews at either step (nothing for a teacher)."""
    return path_q(scope_paths(user, SCHOOL) + scope_paths(user, BUREAU), "org_path")


def declarations_in_scope(user) -> QuerySet[Declaration]:
    """Their own, and those they review."""
    query = reviewer_scope(user)
    if user.is_authenticated and user.person_id:
        query |= Q(person_id=user.person_id)
    return Declaration.objects.filter(query)


def access_declaration(user, pk: int) -> Declaration:
    try:
        return declarations_in_scope(user).select_related("person", "person__org").get(pk=pk)
    except Declaration.DoesNotExist:
        raise out_of_scope(user, "declaration", pk) from None


def access_own_declaration(user, pk: int) -> Declaration:
    declaration = access_declaration(user, pk)
    if declaration.person_id != user.person_id:
        raise out_of_scope(user, "declaration", pk)
    return declaration


def reviews_at_school(user, declaration: Declaration) -> bool:
    return any(declaration.org_path.startswith(path) for path in scope_paths(user, SCHOOL))


def reviews_at_bureau(user, declaration: Declaration) -> bool:
    return any(declaration.org_path.startswith(path) for path in scope_paths(user, BUREAU))


def access_managed_project(user, pk: int) -> Project:
    return training_access.access_project(user, pk, "training.manage")


def may(user, perm: str) -> bool:
    return has_perm(user, perm)
