"""The ledger follows changes in the org tree and the registry: an org move rewrites the paths
copied onto compliance results; people an import created or whose facts it changed are
re-evaluated once the import has committed (a background task)."""

import functools

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.dispatch import receiver

from peixun.ledger.models import ComplianceResult
from peixun.orgs.signals import people_changed, subtree_moved

REFRESH_CHUNK = 5000


@receiver(subtree_moved)
def move_result_paths(sender, old_path: str, new_path: str, **kwargs) -> None:
    ComplianceResult.objects.filter(org_path__startswith=old_path).update(
        org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1))
    )


@receiver(people_changed)
def refresh_changed_people(sender, person_ids: list[int], **kwargs) -> None:
    from peixun.ledger import tasks

    ids = sorted(set(person_ids))
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        transaction.on_commit(functools.partial(tasks.refresh_people.enqueue, chunk))
