"""Who may see and change training funds.

- `finance.view`: the bureau and the centre see every school of their subtree; the school
  coordinator sees their own school.
- `finance.manage` (bureau, centre): issue fee statements and record payments.
- `finance.budget` (bureau, centre, coordinator): a school's budget figures, its spending and its
  book subsidies, within their scope.
- `finance.policy` (bureau): the year's shares, subsidy amount and rule on late withdrawals.

Out-of-scope objects answer 404, the same as missing ones.
"""

from django.db.models import QuerySet

from peixun.finance.models import Statement
from peixun.orgs.access import has_perm, out_of_scope, path_in_scope, path_q, scope_paths
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.models import Org, OrgKind

VIEW = "finance.view"
MANAGE = "finance.manage"
BUDGET = "finance.budget"
POLICY = "finance.policy"


def schools_in_scope(user, perm: str = VIEW) -> QuerySet[Org]:
    return Org.objects.filter(path_q(scope_paths(user, perm), "path"), kind=OrgKind.SCHOOL)


def access_school(user, pk: int, perm: str = VIEW) -> Org:
    try:
        return schools_in_scope(user, perm).get(pk=pk)
    except Org.DoesNotExist:
        raise out_of_scope(user, "school", pk) from None


def statements_in_scope(user) -> QuerySet[Statement]:
    return Statement.objects.filter(path_q(scope_paths(user, VIEW), "org_path"))


def access_statement(user, pk: int, perm: str = VIEW) -> Statement:
    try:
        statement = statements_in_scope(user).select_related("school").get(pk=pk)
    except Statement.DoesNotExist:
        raise out_of_scope(user, "statement", pk) from None
    if not path_in_scope(user, perm, statement.org_path):
        raise out_of_scope(user, "statement", pk)
    return statement


def may(user, perm: str, path: str = "") -> bool:
    if path:
        return path_in_scope(user, perm, path)
    return has_perm(user, perm)
