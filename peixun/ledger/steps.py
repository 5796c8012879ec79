"""What the ledger does at the moments of the apps below it, registered in `LedgerConfig.ready()`:

- an org subtree moved (peixun.orgs.hooks): the paths copied onto compliance results follow, in the
  move's transaction;
- people an import created or whose facts it changed: they are re-evaluated once the import has committed (a
  background task);
- a policy version was adopted (peixun.policies.hooks): everyone under the policy's org is
  recomputed in the background once the adoption has committed;
- a what-if run of a policy version is queued: the ledger's task does its work;
- a policy being written is previewed on one person: the ledger evaluates their hours.
"""

import functools

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from peixun.ledger import selectors, tasks
from peixun.ledger.models import ComplianceResult
from peixun.ledger.services import start_recompute
from peixun.orgs import hooks as org_hooks
from peixun.policies import hooks as policy_hooks

REFRESH_CHUNK = 5000


def move_result_paths(*, old_path: str, new_path: str) -> None:
    ComplianceResult.objects.filter(org_path__startswith=old_path).update(
        org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1))
    )


def refresh_changed_people(*, person_ids: list[int]) -> None:
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        transaction.on_commit(functools.partial(tasks.refresh_people.enqueue, chunk))


def recompute_governed(*, version, actor) -> None:
    org = version.policy.org
    transaction.on_commit(lambda: start_recompute(org=org, actor=actor))


def register() -> None:
    org_hooks.subtree_moved.add(move_result_paths, order=10, name="ledger.result_paths")
    org_hooks.people_changed.add(refresh_changed_people, order=10, name="ledger.refresh")
    policy_hooks.adopted.add(recompute_governed, order=10, name="ledger.recompute")
    policy_hooks.what_if_task.add(tasks.run_what_if, order=10, name="ledger.what_if")
    policy_hooks.sample_result.add(selectors.sample_result, order=10, name="ledger.sample_result")
