"""Who may see and change whose hours: a person's hours are seen by the person and by those who
hold `ledger.view` over their org, granted and reversed under `ledger.grant`; compliance reports
follow `compliance.view` over the org subtree; what-if runs follow `policies.view` over the run's
org (peixun.policies.access). The ledger pages ask only this module (it
re-exports the org-level checks they use); `access_*` answer 404 for missing and not-yours alike.
"""

from peixun.ledger.models import CreditEntry
from peixun.orgs.access import access_org as access_org
from peixun.orgs.access import access_person, out_of_scope, path_in_scope
from peixun.orgs.access import has_perm as has_perm
from peixun.orgs.access import path_q as path_q
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.access import scope_paths as scope_paths
from peixun.orgs.models import Person
from peixun.policies.access import access_run as access_run
from peixun.policies.access import access_version as access_version
from peixun.policies.access import changes_visible as changes_visible


def access_hours_person(user, pk: int, perm: str = "ledger.view") -> Person:
    """The person whose hours the user may see: in their `perm` subtree, or themselves."""
    if user.is_authenticated and user.person_id == pk and perm == "ledger.view":
        return Person.objects.select_related("org").get(pk=pk)
    if not has_perm(user, perm):
        raise out_of_scope(user, "person", pk)
    return access_person(user, pk, perm=perm)


def access_entry(user, pk: int) -> CreditEntry:
    """An entry the user may reverse (ledger.grant over the person's org), else 404."""
    entry = CreditEntry.objects.select_related("person__org").filter(pk=pk).first()
    if entry is None or not path_in_scope(user, "ledger.grant", entry.person.org.path):
        raise out_of_scope(user, "credit entry", pk)
    return entry
