"""Password checks: the common passwords of China, and nothing read off the roster."""

from datetime import date

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from peixun.accounts.validators import PersonalDataValidator, birth_date_forms, id_runs
from peixun.testing.factories import PASSWORD, make_person, make_user

ID_NUMBER = "32070519850314204X"
MOBILE = "13812345678"


@pytest.fixture
def holder(world):
    person = make_person(
        world.school_a1, "陈思", birth_date=date(1985, 3, 14), id_number=ID_NUMBER, mobile=MOBILE
    )
    return make_user("chensi", person=person)


def refusal(password: str, user=None) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize(
    "password",
    [
        "woaini1314",
        "5201314520",
        "qwe123456",
        "1qaz2wsx",
        "a1b2c3d4",
        "WoAiNi1314",
        "147258369",
        "xuexiao123",
    ],
)
def test_chinese_common_passwords_are_refused_in_chinese(password):
    assert "太常见" in refusal(password)


@pytest.mark.parametrize("password", ["123456", "a1b2c3", "111111", "5201314", "qwe123", "woaini1314"])
def test_the_short_common_ones_are_on_the_list_too(password):
    from peixun.accounts.validators import CommonPasswordValidator

    with pytest.raises(ValidationError):
        CommonPasswordValidator().validate(password)


def test_the_forms_of_a_birth_date_and_the_runs_of_an_id_number():
    assert birth_date_forms(date(1985, 3, 14)) == {"19850314", "850314", "0314"}
    runs = id_runs(ID_NUMBER)
    assert len(runs) == 13 and "320705" in runs and "14204x" in runs


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, said",
    [
        ("Lantern19850314", "出生日期"),
        ("Lantern850314!", "出生日期"),
        ("Orchard-0314-Kite", "出生日期"),
        ("Kite1985.03.14x", "出生日期"),
        ("Kite-320705-Lamp", "身份证"),
        ("Kite-14204X-Lamp", "身份证"),
        ("Kite-705198-Lamp", "身份证"),
        ("Kite-5678-Lamp", "手机"),
        ("Kite-345678-Lamp", "手机"),
        ("Kite13812345678", "手机"),
        ("Kite138 1234 5678", "手机"),
    ],
)
def test_a_password_holding_the_birth_date_id_number_or_phone_is_refused(holder, password, said):
    assert said in refusal(password, holder)


@pytest.mark.django_db
def test_a_password_of_nothing_personal_passes(holder):
    validate_password("Lantern-Orchard-42", holder)  # does not raise
    PersonalDataValidator().validate("19850314", user=None)  # no account: nothing to compare with


@pytest.mark.django_db
def test_the_first_sign_in_change_refuses_the_birth_date_with_a_chinese_message(client, holder):
    holder.must_change_password = True
    holder.save()
    client.force_login(holder)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "Kite19850314", "new_password2": "Kite19850314"},
    )
    assert response.status_code == 200
    assert "密码不能包含你的出生日期" in response.content.decode()
    assert "初始密码（通知单上的密码）" in response.content.decode()  # what "old password" means here
    holder.refresh_from_db()
    assert holder.must_change_password is True and holder.check_password(PASSWORD)
