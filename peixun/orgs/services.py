"""Writes to the org tree and the people registry. Every change is audited."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.http import HttpRequest

from peixun.audit import events
from peixun.core.vault import vault
from peixun.orgs import hooks
from peixun.orgs.models import Org, Person


@transaction.atomic
def create_org(
    *, code: str, name: str, kind: str, parent: Org | None = None, actor: AbstractBaseUser | None = None
) -> Org:
    org = Org.objects.create(code=code, name=name, kind=kind, parent=parent)
    org.path = org.own_path()
    org.depth = org.path.count("/") - 1
    org.save(update_fields=["path", "depth"])
    events.record(
        action="org_created",
        actor=actor,
        target=org,
        org_path=org.path,
        changes={"code": [None, code], "name": [None, name], "kind": [None, kind]},
    )
    return org


def move_subtree(org: Org, new_parent: Org | None) -> None:
    """Re-root `org` under `new_parent`, rewriting the paths of its whole subtree in one UPDATE."""
    if new_parent is not None and new_parent.path.startswith(org.path):
        raise ValueError("an org cannot move under its own subtree")
    old_path = org.path
    org.parent = new_parent
    new_path = org.own_path()
    org.save(update_fields=["parent"])
    depth_change = new_path.count("/") - old_path.count("/")
    Org.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    org.refresh_from_db(fields=["path", "depth"])
    hooks.subtree_moved.run(old_path=old_path, new_path=new_path)


def reveal_id_number(*, person: Person, actor: AbstractBaseUser, request: HttpRequest | None = None) -> str:
    """The full ID number, with an audit row saying who saw it. Callers check `people.reveal_id`."""
    number = person.reveal_id_number()
    events.record(action="id_revealed", actor=actor, target=person, org_path=person.org.path, request=request)
    return number


def reencrypt_id_numbers(*, batch_size: int = 2000) -> int:
    """Re-encrypt every stored ID number under the newest of ID_ENCRYPTION_KEYS (after a key was
    put in front), one transaction per batch, so it is safe to stop and run again. Returns the
    number of people rewritten; one id_keys_rotated event records the run."""
    box = vault()
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            people = list(
                Person.objects.select_for_update()
                .filter(pk__in=ids[start : start + batch_size])
                .only("pk", "id_number_encrypted")
            )
            for person in people:
                person.id_number_encrypted = box.rotate(person.id_number_encrypted)
            Person.objects.bulk_update(people, ["id_number_encrypted"])
    events.record(action="id_keys_rotated", changes={"people": len(ids)})
    return len(ids)
