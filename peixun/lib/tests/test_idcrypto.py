import pytest

from peixun.lib.idcrypto import IdVault, InvalidToken, new_key

NUMBER = "11010519491231002X"


def test_a_number_comes_back_from_its_token_and_no_two_tokens_are_alike():
    box = IdVault([new_key()], "hash-key")
    first, second = box.encrypt(NUMBER), box.encrypt(NUMBER)
    assert first != second  # a fresh nonce each time: equal numbers do not show as equal tokens
    assert NUMBER not in first
    assert box.decrypt(first) == NUMBER == box.decrypt(second)


def test_an_old_key_still_opens_its_tokens_and_rotation_moves_them_to_the_newest():
    old, new = new_key(), new_key()
    token = IdVault([old], "hash-key").encrypt(NUMBER)
    both = IdVault([new, old], "hash-key")
    assert both.decrypt(token) == NUMBER
    rotated = both.rotate(token)
    assert IdVault([new], "hash-key").decrypt(rotated) == NUMBER
    with pytest.raises(InvalidToken):
        IdVault([new], "hash-key").decrypt(token)


@pytest.mark.parametrize(
    "damage", [lambda t: t[:-2] + ("A" if t[-2] != "A" else "B") + t[-1], lambda t: t[:10], "%%%"]
)
def test_an_altered_or_foreign_token_is_refused(damage):
    box = IdVault([new_key()], "hash-key")
    token = box.encrypt(NUMBER)
    with pytest.raises(InvalidToken):
        box.decrypt(damage(token) if callable(damage) else damage)


def test_a_key_of_the_wrong_size_is_refused_when_the_vault_is_built():
    with pytest.raises(ValueError, match="32 bytes"):
        IdVault(["c2hvcnQ="], "hash-key")


def test_the_lookup_hash_depends_on_the_key_and_the_document_type():
    box, other = IdVault([new_key()], "one"), IdVault([new_key()], "two")
    assert box.lookup_hash("resident_id", NUMBER) == IdVault([new_key()], "one").lookup_hash(
        "resident_id", NUMBER
    )
    assert box.lookup_hash("resident_id", NUMBER) != other.lookup_hash("resident_id", NUMBER)
    assert box.lookup_hash("resident_id", NUMBER) != box.lookup_hash("passport", NUMBER)


def test_a_token_made_for_one_purpose_opens_for_that_purpose_only():
    box = IdVault([new_key()], "hash-key")
    token = box.encrypt('{"7": "Kp4mWx9aRt"}', purpose="password-slips")
    assert box.decrypt(token, purpose="password-slips") == '{"7": "Kp4mWx9aRt"}'
    with pytest.raises(InvalidToken):
        box.decrypt(token)  # not an ID number
    with pytest.raises(InvalidToken):
        box.decrypt(box.encrypt(NUMBER), purpose="password-slips")
