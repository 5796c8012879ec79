"""Writes to accounts: role grants, passwords, teacher accounts created from the roster, and the
random initial passwords handed over once on slips (ADR 0033).

Callers check access first (peixun.orgs.access: `accounts.manage`, `accounts.provision` or
`accounts.activate`, and the org and account in scope); every change here is audited.
"""

import json
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.accounts.delivery import SLIP_PURPOSE, IssuedPassword, password_delivery
from peixun.accounts.delivery import purge_password_slips as purge_password_slips
from peixun.accounts.models import PasswordSlipBatch, User
from peixun.accounts.slips import Slip
from peixun.audit import events
from peixun.core.vault import vault
from peixun.orgs.models import GrantRole, Org, Person, PersonStatus, RoleGrant

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

security_log = logging.getLogger("peixun.security")

TEMPORARY_PASSWORD_LENGTH = 10
# No 0/O, 1/l/I: a temporary password is read out over the phone.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
SLIP_FORMATS = ("pdf", "xlsx")


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


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def temporary_password(user: User | None = None) -> str:
    """A random password to hand over once (10 characters of 55: about 58 bits); it must be
    changed at the next sign-in. It passes the password validators for `user` (a random one could
    happen to hold the tail of their phone number)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH))
        if not (any(c.isdigit() for c in password) and any(c.isalpha() for c in password)):
            continue
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def initial_password_expiry(now: datetime | None = None) -> datetime:
    """When a password issued now stops signing in: the end of the INITIAL_PASSWORD_DAYS-th local
    day after today, so the slip can print one plain date."""
    today = timezone.localdate(now or timezone.now())
    last_day = today + timedelta(days=settings.INITIAL_PASSWORD_DAYS)
    return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))


def _org_path_of(user: User) -> str:
    if user.person is not None:
        return user.person.org.path
    grant = RoleGrant.objects.filter(user=user).select_related("org").order_by("org__path").first()
    return grant.org.path if grant is not None else ""


@transaction.atomic
def reset_password(*, actor: User, user: User, request: HttpRequest | None = None) -> str:
    """Give `user` a temporary password (returned once, never stored in the clear) that must be
    changed at the next sign-in."""
    password = temporary_password(user)
    user.set_password(password)
    user.must_change_password = True
    user.initial_password_expires_at = initial_password_expiry()
    user.save(update_fields=["password", "must_change_password", "initial_password_expires_at"])
    events.record(
        action="password_reset", actor=actor, target=user, org_path=_org_path_of(user), request=request
    )
    security_log.info("password reset: actor=%s user=%s", actor.pk, user.pk)
    return password


@transaction.atomic
def change_password(*, user: User, password: str, request: HttpRequest | None = None) -> None:
    """The user's own change of password (validated by the form); clears `must_change_password`:
    the account is activated."""
    had_to = user.must_change_password
    user.set_password(password)
    user.must_change_password = False
    user.initial_password_expires_at = None
    user.save(update_fields=["password", "must_change_password", "initial_password_expires_at"])
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
    return (
        Person.objects.filter(org__path__startswith=org.path, status=PersonStatus.ACTIVE)
        .exclude(Exists(User.objects.filter(person_id=OuterRef("pk"))))  # see selectors._no_account
        .select_related("org")
    )


@dataclass(frozen=True)
class _Planned:
    person: Person
    username: str
    password: str  # in memory only, for the slips
    password_hash: str


@dataclass(frozen=True)
class Issued:
    """Accounts given new initial passwords, and the slips to download (None without an issuer)."""

    count: int
    batch: PasswordSlipBatch | None


def prepare_passwords(
    count: int, progress: Callable[[int, int], None] | None = None
) -> list[tuple[str, str]]:
    """`count` random initial passwords with their hashes, for `provision_teacher_accounts` to give
    out: hashing is the slow part (Argon2, ~0.1–0.3 s each by design), so a caller that must create
    accounts inside a longer transaction (an import's apply) hashes them before it starts."""
    pairs = []
    for done in range(count):
        password = temporary_password()
        pairs.append((password, make_password(password)))
        if progress is not None and done % 20 == 19:
            progress(done + 1, count)
    return pairs


def _password_for(user: User, pool: Iterator[tuple[str, str]]) -> tuple[str, str]:
    """A prepared password that passes the validators for `user` (one could hold the tail of their
    phone), else a new one hashed now."""
    for password, password_hash in pool:
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password, password_hash
    password = temporary_password(user)
    return password, make_password(password)


def _plan(people: list[Person], pool: Iterator[tuple[str, str]]) -> list[_Planned]:
    """Usernames, random initial passwords and their hashes, computed before any write. Hashing is
    the slow part (Argon2, ~0.1 s each by design), so it must not run inside the transaction that
    writes (prepared ones come from `pool`)."""
    wanted = {p.mobile for p in people if p.mobile} | {f"t{p.pk}" for p in people}
    taken = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    planned = []
    for person in people:
        username = person.mobile if person.mobile and person.mobile not in taken else f"t{person.pk}"
        if username in taken:
            continue  # t<pk> taken by hand: this person needs an account made by an administrator
        taken.add(username)
        password, password_hash = _password_for(User(username=username, person=person), pool)
        planned.append(_Planned(person, username, password, password_hash))
    return planned


def provision_teacher_accounts(
    *,
    people: Iterable[Person],
    actor: User,
    request: HttpRequest | None = None,
    passwords: Iterable[tuple[str, str]] = (),
) -> Issued:
    """Create a teacher account for each person without one, and the slips of their initial
    passwords for `actor` to download.

    The username is the person's mobile phone when it is free, else `t<person id>`; the initial
    password is random (never derived from personal data), expires after INITIAL_PASSWORD_DAYS
    and must be changed at first sign-in; the account gets the `teacher` role over the person's
    org. People who gained an account meanwhile are skipped, so running it twice creates nothing
    the second time. `passwords` are ones made beforehand by `prepare_passwords`, used first.
    The passwords go to their holders through the configured delivery (peixun.accounts.delivery).
    """
    people = list(people)
    already = set(User.objects.filter(person__in=people).values_list("person_id", flat=True))
    planned = _plan([person for person in people if person.pk not in already], iter(passwords))
    if not planned:
        return Issued(0, None)
    expires_at = initial_password_expiry()
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
                    username=p.username,
                    password=p.password_hash,
                    person=p.person,
                    must_change_password=True,
                    initial_password_expires_at=expires_at,
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
                changes={
                    "username": [None, user.username],
                    "role": [None, GrantRole.TEACHER],
                    "valid_until": [None, _iso(user.initial_password_valid_until)],
                },
                request=request,
            )
        batch = password_delivery().deliver(
            actor=actor,
            issued=[
                IssuedPassword(user, p.person.org, p.password) for user, p in zip(users, fresh, strict=True)
            ],
        )
    security_log.info("teacher accounts created: actor=%s count=%s", getattr(actor, "pk", None), len(fresh))
    return Issued(len(fresh), batch)


# --- Activation: the accounts still waiting for their holder, and new initial passwords ----------


def reset_initial_passwords(
    *,
    actor: User | None,
    accounts: Iterable[User],
    request: HttpRequest | None = None,
    activated_too: bool = False,
) -> Issued:
    """Give each not-yet-activated account a new random initial password (the old one stops
    working) and keep the slips for `actor` to download. Callers pass accounts from
    `selectors.inactive_teacher_accounts`; an account activated meanwhile is left alone — unless
    `activated_too` (a teacher who forgot their password, reset one by one from
    `selectors.teacher_accounts`): that account must then choose a new password again."""
    accounts = list(accounts)
    expires_at = initial_password_expiry()
    planned = [(account, temporary_password(account)) for account in accounts]
    # Hashing is the slow part: done before the transaction that writes.
    hashes = {account.pk: make_password(password) for account, password in planned}
    with transaction.atomic():
        issued = []
        for account, password in planned:
            before = account.initial_password_valid_until
            was_activated = account.is_activated
            waiting = {} if activated_too else {"must_change_password": True}
            changed = User.objects.filter(pk=account.pk, is_active=True, **waiting).update(
                password=hashes[account.pk], initial_password_expires_at=expires_at, must_change_password=True
            )
            if not changed or account.person is None:  # callers pass teacher accounts only
                continue
            org = account.person.org
            account.password = hashes[account.pk]
            account.initial_password_expires_at = expires_at
            account.must_change_password = True
            changes: dict[str, list] = {
                "valid_until": [_iso(before), _iso(account.initial_password_valid_until)]
            }
            if was_activated:
                changes["must_change_password"] = [False, True]
            events.record(
                action="account_password_reset",
                actor=actor,
                target=account,
                org_path=org.path,
                changes=changes,
                request=request,
            )
            issued.append(IssuedPassword(account, org, password))
        batch = password_delivery().deliver(actor=actor, issued=issued)
    security_log.info("initial passwords reset: actor=%s count=%s", getattr(actor, "pk", None), len(issued))
    return Issued(len(issued), batch)


class SlipsGone(AccountError):
    pass


@transaction.atomic
def take_slips(
    *, batch: PasswordSlipBatch, org_id: int, kind: str, actor: User, request: HttpRequest | None = None
) -> tuple[dict, list[Slip]]:
    """The slips of one school in a batch, for one download in `kind` ("pdf" or "xlsx"). Each file
    is given once; when every file has been given, the passwords are erased. Accounts activated or
    given another password since are left out (their slip would not work)."""
    batch = PasswordSlipBatch.objects.select_for_update().get(pk=batch.pk)
    school = next((school for school in batch.schools if school["id"] == org_id), None)
    if school is None or kind not in SLIP_FORMATS:
        raise SlipsGone("no_such_file", _("There is no such file in these slips."))
    if not batch.is_open:
        raise SlipsGone(
            "slips_gone",
            _("These slips can no longer be downloaded. Reset the passwords again to get new ones."),
        )
    key = f"{org_id}:{kind}"
    if key in batch.downloaded:
        raise SlipsGone(
            "already_downloaded",
            _("This file has already been downloaded once. If it is lost, reset these passwords again."),
        )
    payload = json.loads(vault().decrypt(batch.sealed, purpose=SLIP_PURPOSE))
    accounts = (
        User.objects.filter(
            pk__in=[int(pk) for pk in payload], person__org_id=org_id, must_change_password=True
        )
        .select_related("person__org")
        .order_by("person__name_pinyin", "pk")
    )
    login_url = settings.PUBLIC_URL + reverse("accounts:login")
    slips = []
    for account in accounts:
        person, valid_until = account.person, account.initial_password_valid_until
        if person is None or valid_until is None:  # filtered on both above: never
            continue
        password, stamp = payload[str(account.pk)]
        if account.initial_password_expires_at != datetime.fromisoformat(stamp):
            continue  # given another password since: this one would not work
        slips.append(
            Slip(
                name=person.name,
                school=person.org.name,
                username=account.username,
                password=password,
                login_url=login_url,
                valid_until=valid_until,
            )
        )
    batch.downloaded = [*batch.downloaded, key]
    every_file = {f"{school['id']}:{kind}" for school in batch.schools for kind in SLIP_FORMATS}
    if every_file <= set(batch.downloaded):
        batch.sealed = ""  # every file given: the passwords exist nowhere but in them
    batch.save(update_fields=["downloaded", "sealed"])
    events.record(
        action="password_slips_downloaded",
        actor=actor,
        target_repr=school["name"],
        org_path=school["path"],
        changes={"format": kind, "accounts": len(slips)},
        request=request,
    )
    security_log.info(
        "password slips downloaded: actor=%s batch=%s format=%s count=%s",
        actor.pk,
        batch.pk,
        kind,
        len(slips),
    )
    return school, slips
