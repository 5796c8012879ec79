"""Password validators added to Django's (settings.AUTH_PASSWORD_VALIDATORS).

- `CommonPasswordValidator`: Django's list of 20,000 common passwords and the passwords most used
  in China (common_passwords_zh.txt: 123456, 5201314, woaini1314, a1b2c3, qwe123 …).
- `PersonalDataValidator`: no password may contain what a colleague can read off the roster or
  the person page — the birth date (YYYYMMDD, YYMMDD, MMDD), any six characters in a row of the ID
  number, the mobile phone or its last four to six digits.

Both check what the user types (the password change, including the one forced at first sign-in)
and the initial passwords the system issues (peixun.accounts.services).
"""

import contextlib
import re
from datetime import date
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHINESE_COMMON_PASSWORDS = Path(__file__).resolve().parent / "common_passwords_zh.txt"
ID_RUN = 6  # a run of this many characters of the ID number is refused
PHONE_TAIL = 4  # the last 4 digits: every longer tail, and the whole number, contains them
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's common passwords and the Chinese ones, compared in lower case."""

    def __init__(
        self, password_list_path=password_validation.CommonPasswordValidator.DEFAULT_PASSWORD_LIST_PATH
    ):
        super().__init__(password_list_path)
        lines = CHINESE_COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
        self.passwords |= {
            line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
        }


def birth_date_forms(birth: date) -> set[str]:
    """How a birth date appears in a password: 19850314, 850314 and 0314."""
    full = f"{birth:%Y%m%d}"
    return {full, full[2:], full[4:]}


def id_runs(number: str) -> set[str]:
    """Every run of ID_RUN characters of an ID number, lower case (a run of more contains one)."""
    number = _NOT_ALPHANUMERIC.sub("", number.lower())
    if len(number) < ID_RUN:
        return {number} if number else set()
    return {number[start : start + ID_RUN] for start in range(len(number) - ID_RUN + 1)}


class PersonalDataValidator:
    """Refuses a password holding the account holder's birth date, a run of their ID number or
    their phone number's tail. Separators typed inside (1985-03-14, 138 0013 8000) do not help."""

    def validate(self, password: str, user=None) -> None:
        person = getattr(user, "person", None) if user is not None else None
        if person is None:
            return
        typed = password.lower()
        compact = _NOT_ALPHANUMERIC.sub("", typed)

        def contains(fragment: str) -> bool:
            return bool(fragment) and (fragment in typed or fragment in compact)

        number = _id_number(person)
        births = {person.birth_date} if person.birth_date else set()
        if number and len(number) == 18 and number[:17].isdigit():
            with contextlib.suppress(ValueError):  # not a resident ID number after all
                births.add(date(int(number[6:10]), int(number[10:12]), int(number[12:14])))
        if any(contains(form) for birth in births for form in birth_date_forms(birth)):
            raise ValidationError(
                _("Your password can't contain your birth date."), code="password_has_birth_date"
            )
        if number and any(contains(run) for run in id_runs(number)):
            raise ValidationError(
                _("Your password can't contain part of your ID number."), code="password_has_id_number"
            )
        mobile = re.sub(r"\D", "", person.mobile or "")
        if len(mobile) >= PHONE_TAIL and contains(mobile[-PHONE_TAIL:]):
            raise ValidationError(
                _("Your password can't contain your mobile phone number or its last digits."),
                code="password_has_phone",
            )

    def get_help_text(self) -> str:
        return _("Your password can't contain your birth date, part of your ID number or your phone number.")


def _id_number(person) -> str:
    if not getattr(person, "id_number_encrypted", ""):
        return ""
    return person.reveal_id_number()
