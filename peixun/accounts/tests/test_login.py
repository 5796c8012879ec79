"""Sign-in by username, mobile phone or ID number; what is logged and audited about it."""

import logging
from datetime import date

import pytest
from axes.models import AccessAttempt, AccessLog
from django.urls import reverse

from peixun.accounts.backends import find_user
from peixun.accounts.tests.helpers import sign_in
from peixun.audit.models import AuditEvent
from peixun.lib.logging import MaskIdNumbersFilter, mask_id_numbers
from peixun.testing.factories import PASSWORD, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(world):
    """A teacher account linked to a person with a phone and an ID number ending in X."""
    person = make_person(
        world.school_a1,
        "孙丽",
        birth_date=date(1979, 6, 1),
        id_number="32070519790601086X",
        mobile="13812345678",
    )
    return make_user("t_sunli", person=person)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_teacher_signs_in_with_username(client, teacher):
    response = sign_in(client, "t_sunli", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("site:home")
    assert signed_in_user_id(client) == str(teacher.pk)


@pytest.mark.parametrize(
    "typed", ["13812345678", " 138 1234 5678 ", "+8613812345678", "１３８１２３４５６７８"]
)
def test_teacher_signs_in_with_mobile_phone_as_people_type_it(client, teacher, typed):
    assert sign_in(client, typed, PASSWORD).status_code == 302
    assert signed_in_user_id(client) == str(teacher.pk)


@pytest.mark.parametrize(
    "typed",
    [
        "32070519790601086X",
        "32070519790601086x",
        "320705 19790601 086X",
        "３２０７０５１９７９０６０１０８６ｘ",
    ],
)
def test_teacher_signs_in_with_id_number_in_any_common_spelling(client, teacher, typed):
    assert sign_in(client, typed, PASSWORD).status_code == 302
    assert signed_in_user_id(client) == str(teacher.pk)


def test_wrong_password_shows_the_translated_error_and_signs_nobody_in(client, teacher):
    response = sign_in(client, "t_sunli", "wrong-password")
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert "账号或密码" in response.content.decode() or "account or password" in response.content.decode()


def test_phone_shared_by_two_accounts_names_neither(world):
    first = make_person(world.school_a1, "甲", mobile="13900000001")
    second = make_person(world.school_a2, "乙", mobile="13900000001")
    make_user("t_first", person=first)
    make_user("t_second", person=second)
    assert find_user("13900000001") is None


def test_inactive_account_cannot_sign_in(client, teacher):
    teacher.is_active = False
    teacher.save()
    sign_in(client, "t_sunli", PASSWORD)
    assert signed_in_user_id(client) is None


def test_unknown_id_number_names_nobody(teacher):
    assert find_user("110101199003077777") is None


def test_username_is_case_sensitive_and_never_matched_upper_cased(world):
    make_user("ADMIN_X")
    assert find_user("admin_x") is None


def test_sign_in_and_sign_out_are_audited(client, teacher):
    sign_in(client, "13812345678", PASSWORD)
    client.post(reverse("accounts:logout"))
    actions = list(AuditEvent.objects.filter(actor=teacher).values_list("action", flat=True))
    assert sorted(actions) == ["login", "logout"]
    assert signed_in_user_id(client) is None


def test_logout_by_get_does_not_sign_out(client, teacher):
    sign_in(client, "t_sunli", PASSWORD)
    client.get(reverse("accounts:logout"))
    assert signed_in_user_id(client) == str(teacher.pk)


def test_failed_sign_in_with_id_number_keeps_the_number_out_of_audit_and_axes(client, teacher):
    number = "32070519790601086X"
    unknown = "110101199003071234"
    sign_in(client, number, "wrong-password")
    sign_in(client, unknown, "wrong-password")
    sign_in(client, number, PASSWORD)

    stored = [
        *AuditEvent.objects.values_list("target_repr", "changes"),
        *AccessAttempt.objects.values_list("username", "post_data", "get_data"),
        *AccessLog.objects.values_list("username", flat=True),
    ]
    text = repr(stored)
    for secret in (number, number.lower(), unknown, unknown[:-1]):
        assert secret not in text
    # The failure against a known account is filed under its username, the unknown one masked.
    failed = AuditEvent.objects.filter(action="login_failed").order_by("id")
    assert [event.target_repr for event in failed] == ["t_sunli", "110…"]


def test_no_log_record_holds_a_full_id_number_through_sign_in(client, teacher, caplog):
    number = "32070519790601086X"
    with caplog.at_level(logging.DEBUG):
        sign_in(client, number, "wrong-password")
        sign_in(client, "110101199003071234", "wrong-password")
        sign_in(client, number.lower(), PASSWORD)
    security = [record for record in caplog.records if record.name == "peixun.security"]
    assert len(security) == 3  # two failures and one sign-in
    for record in caplog.records:
        message = record.getMessage()
        assert number not in message
        assert number.lower() not in message
        assert "110101199003071234" not in message


def test_mask_filter_masks_an_id_number_in_any_log_record():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "typed %s and %s", ("32070519790601086X", "ok"), None
    )
    assert MaskIdNumbersFilter().filter(record) is True
    assert record.getMessage() == "typed 3207**********086X and ok"
    assert mask_id_numbers("id=32070519790601086x.") == "id=3207**********086x."


def test_the_configured_log_handler_masks_id_numbers():
    """caplog sees records before handlers filter them; the handler that writes them must mask."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, MaskIdNumbersFilter) for f in handler.filters)
    ]
    assert handlers, "the console handler lost its ID-masking filter"
    record = logging.LogRecord(
        "peixun.security", logging.WARNING, __file__, 1, "x=%s", ("32070519790601086X",), None
    )
    assert handlers[0].filter(record)
    assert "32070519790601086X" not in handlers[0].format(record)
