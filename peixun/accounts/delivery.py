"""How the initial passwords the system issues reach their holders: the seam where an SMS or WeChat
sender plugs in (docs/accounts.md).

Every password the system issues to a teacher — an account made from the roster or by an import,
a coordinator's reset — is handed to the configured `PasswordDelivery` once, inside the
transaction that sets it, as `IssuedPassword`s (the account, its school, the password in clear).
The default, `SlipDelivery`, keeps them encrypted for the issuer's one download of printed slips
and an Excel list (ADR 0033). Another sender is a class with the same `deliver` method, named by
the `PASSWORD_DELIVERY` setting (a dotted path). It must not send from inside the transaction
(it may still roll back): queue the sending with `transaction.on_commit`, and never log, audit or
store a password in clear (a task's arguments are stored: keep them encrypted with
`peixun.core.vault`, purpose of its own, as `SlipDelivery` does).
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from peixun.accounts.models import PasswordSlipBatch, User
from peixun.core.vault import vault
from peixun.orgs.models import Org

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How long the slips of newly issued passwords can be downloaded by whoever issued them.
SLIP_LIFETIME = timedelta(hours=1)
SLIP_PURPOSE = "password-slips"


@dataclass(frozen=True)
class IssuedPassword:
    """One password just issued: to `account` (linked to a person of `org`), valid until
    `account.initial_password_expires_at`, to be changed at the first sign-in."""

    account: User
    org: Org
    password: str


class PasswordDelivery(Protocol):
    """Hands newly issued initial passwords to their holders.

    `deliver` is called once per issue, inside the transaction that sets the passwords, with the
    issuer (`actor`: None from the shell or a test) and every password issued. It returns the slips
    the issuer downloads (a `PasswordSlipBatch`) when the passwords go out on paper through the
    issuer, or None when they went another way; the pages then tell the issuer `sent_note` (for
    instance "已通过短信发送给教师本人")."""

    sent_note: "StrOrPromise"

    def deliver(self, *, actor: User | None, issued: list[IssuedPassword]) -> PasswordSlipBatch | None: ...


class SlipDelivery:
    """The default: the passwords wait, encrypted with the ID vault, for the issuer to download a
    PDF of slips to print and an Excel list per school, each once, within SLIP_LIFETIME."""

    sent_note = ""  # the slips page says it all

    def deliver(self, *, actor: User | None, issued: list[IssuedPassword]) -> PasswordSlipBatch | None:
        purge_password_slips()
        if actor is None or not getattr(actor, "is_authenticated", False) or not issued:
            return None  # without an issuer the accounts stay 未激活 until reset
        payload = {
            str(item.account.pk): [item.password, item.account.initial_password_expires_at.isoformat()]
            for item in issued
            if item.account.initial_password_expires_at is not None
        }
        schools: dict[int, dict] = {}
        for item in issued:
            org = item.org
            entry = schools.setdefault(org.pk, {"id": org.pk, "name": org.name, "path": org.path, "count": 0})
            entry["count"] += 1
        return PasswordSlipBatch.objects.create(
            created_by=actor,
            expires_at=timezone.now() + SLIP_LIFETIME,
            count=len(issued),
            sealed=vault().encrypt(json.dumps(payload), purpose=SLIP_PURPOSE),
            schools=sorted(schools.values(), key=lambda school: school["path"]),
        )


@cache
def _configured(path: str) -> PasswordDelivery:
    return import_string(path)()


def password_delivery() -> PasswordDelivery:
    """The configured delivery (settings.PASSWORD_DELIVERY, default SlipDelivery)."""
    return _configured(getattr(settings, "PASSWORD_DELIVERY", "peixun.accounts.delivery.SlipDelivery"))


def purge_password_slips() -> int:
    """Delete the slips whose hour has passed; returns how many batches went."""
    deleted, _by_model = PasswordSlipBatch.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
