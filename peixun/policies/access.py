"""Who may see and change which policy: a policy is visible to the holders of policies.view over
its org or below it (a county sees its city's policy); only holders of policies.manage over the
policy's own org change it. Everything else answers 404. The policy pages ask only this module
(it re-exports the org-level checks they use)."""

from django.db.models import QuerySet

from peixun.orgs.access import access_org as access_org
from peixun.orgs.access import orgs_in_scope as orgs_in_scope
from peixun.orgs.access import out_of_scope, path_q
from peixun.orgs.access import path_in_scope as path_in_scope
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.access import scope_paths as scope_paths
from peixun.policies.models import Policy, PolicyVersion, WhatIfChange, WhatIfRun
from peixun.policies.selectors import policies_visible


def access_policy(user, pk: int) -> Policy:
    policy = policies_visible(user).filter(pk=pk).first()
    if policy is None:
        raise out_of_scope(user, "policy", pk)
    return policy


def access_version(user, pk: int) -> PolicyVersion:
    version = PolicyVersion.objects.select_related("policy__org").filter(pk=pk).first()
    if version is None or not policies_visible(user).filter(pk=version.policy_id).exists():
        raise out_of_scope(user, "policy version", pk)
    return version


def can_manage(user, policy: Policy) -> bool:
    return path_in_scope(user, "policies.manage", policy.org.path)


def access_managed_version(user, pk: int) -> PolicyVersion:
    version = access_version(user, pk)
    if not can_manage(user, version.policy):
        raise out_of_scope(user, "policy version", pk)
    return version


def access_run(user, pk: int) -> WhatIfRun:
    run = WhatIfRun.objects.select_related("version__policy__org", "org").filter(pk=pk).first()
    if run is None or not path_in_scope(user, "policies.view", run.org.path):
        raise out_of_scope(user, "what-if run", pk)
    return run


def changes_visible(user, run: WhatIfRun) -> QuerySet[WhatIfChange]:
    """The people of a run whose standing changes, among those the user may see (policies.view
    over their org): the run's whole list for whoever may open the run, never anyone outside."""
    paths = scope_paths(user, "policies.view")
    return (
        WhatIfChange.objects.filter(run=run).filter(path_q(paths, "org_path")).select_related("person__org")
    )
