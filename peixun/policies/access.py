"""Who may see and change which policy: a policy is visible to the holders of policies.view over
its org or below it (a county sees its city's policy); only holders of policies.manage over the
policy's own org change it. Everything else answers 404."""

from django.http import Http404

from peixun.orgs.access import path_in_scope
from peixun.policies.models import Policy, PolicyVersion, WhatIfRun
from peixun.policies.selectors import policies_visible


def access_policy(user, pk: int) -> Policy:
    policy = policies_visible(user).filter(pk=pk).first()
    if policy is None:
        raise Http404
    return policy


def access_version(user, pk: int) -> PolicyVersion:
    version = PolicyVersion.objects.select_related("policy__org").filter(pk=pk).first()
    if version is None or not policies_visible(user).filter(pk=version.policy_id).exists():
        raise Http404
    return version


def can_manage(user, policy: Policy) -> bool:
    return path_in_scope(user, "policies.manage", policy.org.path)


def access_managed_version(user, pk: int) -> PolicyVersion:
    version = access_version(user, pk)
    if not can_manage(user, version.policy):
        raise Http404
    return version


def access_run(user, pk: int) -> WhatIfRun:
    run = WhatIfRun.objects.select_related("version__policy__org", "org").filter(pk=pk).first()
    if run is None or not path_in_scope(user, "policies.view", run.org.path):
        raise Http404
    return run
