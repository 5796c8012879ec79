"""Sign-in by username, mobile phone or ID number, with one password.

An identifier is tried as a username first, then — written the way people type them, with spaces,
full-width digits, a lower-case x or a +86 prefix — as the mobile phone of the person an account is
linked to, then as that person's resident ID number, found through its keyed hash (no scan, and
the number is never compared or stored in the clear). A phone shared by two linked accounts names
neither: those people sign in with their username or ID number.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from peixun.core.compiled import CompiledLookup
from peixun.core.vault import vault
from peixun.lib import idnumbers

MOBILE = re.compile(r"1[3-9][0-9]{9}")
RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]")
# The signed-in account with its person and their org: the one query every request makes.
SIGNED_IN = CompiledLookup(
    lambda pk: get_user_model()._default_manager.select_related("person__org").filter(pk=pk)
)


def _mobile(text: str) -> str | None:
    digits = text.replace("-", "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits if MOBILE.fullmatch(digits) else None


def find_user(identifier: str | None):
    """The account an identifier names, or None when it names nobody or more than one account."""
    User = get_user_model()
    typed = (identifier or "").strip()
    if not typed:
        return None
    candidate = idnumbers.normalize(typed)
    user = User.objects.filter(username=typed).first()
    if user is None and candidate != typed and candidate.isdigit():
        # A username that is a phone number, typed with spaces or full-width digits.
        user = User.objects.filter(username=candidate).first()
    if user is not None:
        return user
    mobile = _mobile(candidate)
    if mobile is not None:
        users = list(User.objects.filter(person__mobile=mobile)[:2])
        return users[0] if len(users) == 1 else None
    if RESIDENT_ID.fullmatch(candidate):
        lookup = vault().lookup_hash("resident_id", candidate)
        return User.objects.filter(person__id_hash=lookup).first()
    return None


class IdentifierBackend(ModelBackend):
    """Authenticates whatever `find_user` resolves; permissions come from role grants, not here."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Spend the same hashing time as a real check, so a miss is not faster than a hit.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in account with its person and their org, in the one query every request
        makes (a teacher's pages all need them)."""
        user = SIGNED_IN.one(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
