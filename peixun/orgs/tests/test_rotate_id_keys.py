import pytest
from django.core.management import call_command
from django.test import override_settings

from peixun.audit.models import AuditEvent
from peixun.core.vault import vault
from peixun.lib.idcrypto import IdVault, InvalidToken, new_key
from peixun.orgs.models import Org, OrgKind, Person
from peixun.testing.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_vault():
    vault.cache_clear()
    yield
    vault.cache_clear()


def test_rotation_moves_every_number_to_the_new_key_and_is_audited(settings, fresh_vault):
    old, new = new_key(), new_key()
    settings.ID_ENCRYPTION_KEYS = [old]
    school = Org.objects.create(code="S1", name="实验小学", kind=OrgKind.SCHOOL)
    people = [make_person(school, f"教师{n}") for n in range(5)]
    numbers = {person.pk: person.reveal_id_number() for person in people}

    vault.cache_clear()
    with override_settings(ID_ENCRYPTION_KEYS=[new, old]):
        call_command("rotate_id_keys", "--batch-size", "2", verbosity=0)

    only_new = IdVault([new], settings.ID_HASH_KEY)
    only_old = IdVault([old], settings.ID_HASH_KEY)
    for pk, token in Person.objects.values_list("pk", "id_number_encrypted"):
        assert only_new.decrypt(token) == numbers[pk]
        with pytest.raises(InvalidToken):
            only_old.decrypt(token)
    assert AuditEvent.objects.get(action="id_keys_rotated").changes == {"people": 5}
