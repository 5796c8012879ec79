"""Writes to accounts: role grants, passwords, and teacher accounts created from the roster.

Callers check access first (peixun.orgs.access: `accounts.manage` or `accounts.provision`, and the
org and account in scope); every change here is audited.
"""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from peixun.accounts.models import User
from peixun.audit import events
from peixun.orgs.models import GrantRole, Org, Person, PersonStatus, RoleGrant

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

security_log = logging.getLogger("peixun.security")

TEMPORARY_PASSWORD_LENGTH = 10
# No 0/O, 1/l/I: a temporary password is read out over the phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
INITIAL_PASSWORD_LENGTH = 6


class AccountError(Exception):
    """A refused account change, with a translatable message for the page."""

    def __init__(self, code: str, message: "StrOrPromise") -> None:
        super().__init__(code)
        self.code = code
        self.message = message


# --- Role grants ----------------------------------------------------------------------------------


@transaction.atomic
def grant_role(
    *, actor: User | None, user: User, role: str, org: Org, request: HttpRequest | None = None
) -> RoleGrant:
    """Give `user` `role` over `org`'s subtree; granting what the user already holds changes nothing."""
    if role not in GrantRole.values:
        raise AccountError("unknown_role", _("Unknown role."))
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, org=org)
    if created:
        events.record(
            action="grant_created",
            actor=actor,
            target=grant,
            org_path=org.path,
            changes={"user": [None, user.get_username()], "role": [None, role], "org": [None, org.code]},
            request=request,
        )
        actor_pk = getattr(actor, "pk", None)
        security_log.info("grant created: actor=%s user=%s role=%s org=%s", actor_pk, user.pk, role, org.pk)
    return grant


@transaction.atomic
def withdraw_grant(*, actor: User, grant: RoleGrant, request: HttpRequest | None = None) -> None:
    """Withdraw a grant. Nobody withdraws their own: another admin must (no locking oneself out)."""
    if grant.user_id == actor.pk:
        raise AccountError("own_grant", _("You cannot withdraw your own role. Ask another administrator."))
    org = grant.org
    events.record(
        action="grant_deleted",
        actor=actor,
        target=grant,
        org_path=org.path,
        changes={
            "user": [grant.user.get_username(), None],
            "role": [grant.role, None],
            "org": [org.code, None],
        },
        request=request,
    )
    security_log.info("grant deleted: actor=%s grant=%s", actor.pk, grant.pk)
    grant.delete()


# --- The first administrator ---------------------------------------------------------------------


@transaction.atomic
def create_administrator(*, username: str, org: Org, role: str = GrantRole.BUREAU_ADMIN) -> tuple[User, str]:
    """An account holding `role` over `org`'s subtree, made from the server's shell where no one can
    sign in yet (a new installation). Returns the account and its temporary password, shown once
    and to be changed at the first sign-in. An existing username is refused, not taken over."""
    if role not in GrantRole.values or role == GrantRole.TEACHER:
        raise AccountError("unknown_role", _("Unknown role."))
    username = username.strip()
    if not username:
        raise AccountError("username_empty", _("Give a username."))
    if User.objects.filter(username=username).exists():
        raise AccountError("username_taken", _("This username is already taken."))
    password = temporary_password()
    user = User(username=username, must_change_password=True)
    user.set_password(password)
    user.save()
    events.record(
        action="account_created",
        target=user,
        org_path=org.path,
        changes={"username": [None, username], "role": [None, role], "by": [None, "manage.py create_admin"]},
    )
    grant_role(actor=None, user=user, role=role, org=org)
    security_log.info("administrator created from the shell: user=%s role=%s org=%s", user.pk, role, org.pk)
    return user, password


# --- Passwords ------------------------------------------------------------------------------------


def temporary_password() -> str:
    """A random password to read out once; it must be changed at the next sign-in."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def _org_path_of(user: User) -> str:
    if user.person is not None:
        return user.person.org.path
    grant = RoleGrant.objects.filter(user=user).select_related("org").order_by("org__path").first()
    return grant.org.path if grant is not None else ""


@transaction.atomic
def reset_password(*, actor: User, user: User, request: HttpRequest | None = None) -> str:
    """Give `user` a temporary password (returned once, never stored in the clear) that must be
    changed at the next sign-in."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    events.record(
        action="password_reset", actor=actor, target=user, org_path=_org_path_of(user), request=request
    )
    security_log.info("password reset: actor=%s user=%s", actor.pk, user.pk)
    return password


@transaction.atomic
def change_password(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    """The user's own change of password (validated by the form); clears `must_change_password`."""
    had_to = user.must_change_password
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    events.record(
        action="password_changed",
        actor=user,
        target=user,
        org_path=_org_path_of(user),
        changes={"must_change_password": [True, False]} if had_to else None,
        request=request,
    )
    security_log.info("password changed: user=%s", user.pk)


# --- Teacher accounts from the roster -------------------------------------------------------------


def people_without_account(org: Org) -> QuerySet[Person]:
    """Active people in `org`'s subtree whose record no account is linked to."""
    return Person.objects.filter(
        org__path__startswith=org.path, status=PersonStatus.ACTIVE, user__isnull=True
    ).select_related("org")


@dataclass(frozen=True)
class _Planned:
    person: Person
    username: str
    password_hash: str


def _plan(people: list[Person]) -> list[_Planned]:
    """Usernames and password hashes, computed before any write. Hashing is the slow part (Argon2,
    ~0.1 s each by design), so it must not run inside the transaction that writes."""
    wanted = {p.mobile for p in people if p.mobile} | {f"t{p.pk}" for p in people}
    taken = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    planned = []
    for person in people:
        username = person.mobile if person.mobile and person.mobile not in taken else f"t{person.pk}"
        if username in taken:
            continue  # t<pk> taken by hand: this person needs an account made by an administrator
        taken.add(username)
        initial = person.reveal_id_number()[-INITIAL_PASSWORD_LENGTH:]
        planned.append(_Planned(person, username, make_password(initial)))
    return planned


def provision_teacher_accounts(
    *, people: Iterable[Person], actor: User, request: HttpRequest | None = None
) -> int:
    """Create a teacher account for each person without one; return how many were created.

    The username is the person's mobile phone when it is free, else `t<person id>`; the initial
    password is the last six characters of the ID number, to be changed at first sign-in; the
    account gets the `teacher` role over the person's org. People who gained an account meanwhile
    are skipped, so running it twice creates nothing the second time.
    """
    people = list(people)
    already = set(User.objects.filter(person__in=people).values_list("person_id", flat=True))
    planned = _plan([person for person in people if person.pk not in already])
    if not planned:
        return 0
    with transaction.atomic():
        # Re-check inside the transaction: another run may have linked some of these meanwhile.
        linked = set(
            User.objects.filter(person__in=[p.person for p in planned]).values_list("person_id", flat=True)
        )
        taken = set(
            User.objects.filter(username__in=[p.username for p in planned]).values_list("username", flat=True)
        )
        fresh = [p for p in planned if p.person.pk not in linked and p.username not in taken]
        users = User.objects.bulk_create(
            [
                User(
                    username=p.username, password=p.password_hash, person=p.person, must_change_password=True
                )
                for p in fresh
            ]
        )
        if users and users[0].pk is None:  # backends that do not return keys from bulk inserts
            by_name = dict(
                User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk")
            )
            for user in users:
                user.pk = by_name[user.username]
        RoleGrant.objects.bulk_create(
            [
                RoleGrant(user=user, role=GrantRole.TEACHER, org=p.person.org)
                for user, p in zip(users, fresh, strict=True)
            ]
        )
        for user, p in zip(users, fresh, strict=True):
            events.record(
                action="account_created",
                actor=actor,
                target=user,
                org_path=p.person.org.path,
                changes={"username": [None, user.username], "role": [None, GrantRole.TEACHER]},
                request=request,
            )
    security_log.info("teacher accounts created: actor=%s count=%s", getattr(actor, "pk", None), len(fresh))
    return len(fresh)
