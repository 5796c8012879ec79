"""Accounts: who can log in. What an account may see is given by its role grants (peixun.orgs)."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A User is one login. A teacher's account is linked to their Person record; staff accounts
    may be linked too.

    An account made from the roster, or whose password someone else reset, holds a random initial
    password it must change at its first sign-in (`must_change_password`): until then it is
    未激活 (not activated), afterwards 已激活. An initial password that is still unchanged at
    `initial_password_expires_at` no longer signs in (ADR 0033).
    """

    person = models.OneToOneField(
        "orgs.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        verbose_name=_("person"),
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    initial_password_expires_at = models.DateTimeField(
        _("initial password expires at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def display_name(self) -> str:
        """What people read for this account: the person's name, else the full name, else what
        the account is by its first grant (教育局管理员（示范县教育局）), else the username."""
        if self.person is not None:
            return self.person.name
        if full_name := self.get_full_name():
            return full_name
        cached = getattr(self, "_peixun_display_name", None)
        if cached is None:
            if "grants" in getattr(self, "_prefetched_objects_cache", {}):  # a list's prefetch
                grant = min(self.grants.all(), key=lambda g: g.pk, default=None)
            else:
                grant = self.grants.select_related("org").order_by("pk").first()
            if grant is None:
                cached = self.username
            else:
                role, org = grant.get_role_display(), grant.org.name
                cached = str(_("%(role)s (%(org)s)") % {"role": role, "org": org})
            self._peixun_display_name = cached
        return str(cached)

    @property
    def is_activated(self) -> bool:
        """已激活: the holder has signed in and chosen their own password."""
        return not self.must_change_password

    @property
    def initial_password_valid_until(self) -> date | None:
        """The last day the initial password signs in (the slip prints it), or None."""
        if self.initial_password_expires_at is None:
            return None
        return timezone.localtime(self.initial_password_expires_at - timedelta(microseconds=1)).date()

    def initial_password_expired(self) -> bool:
        """An initial password still unchanged after its expiry no longer signs in."""
        return (
            self.must_change_password
            and self.initial_password_expires_at is not None
            and timezone.now() >= self.initial_password_expires_at
        )


class LoginLockout(models.Model):
    """A LoginLockout remembers how often one (identifier, IP address) pair has been locked out of
    signing in, so that each lockout within a day lasts longer than the one before
    (peixun.accounts.lockout).

    `username` is the lockout key django-axes also stores: the account's username when the typed
    identifier names an account, otherwise a keyed hash of anything shaped like a number — never a
    raw ID number.
    """

    username = models.CharField(_("account"), max_length=255)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("lockouts"), default=0)
    locked_at = models.DateTimeField(_("locked at"))
    locked_until = models.DateTimeField(_("locked until"))

    class Meta:
        verbose_name = _("sign-in lockout")
        verbose_name_plural = _("sign-in lockouts")
        constraints = [
            models.UniqueConstraint(fields=["username", "ip_address"], name="loginlockout_pair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip_address} ×{self.count}"


class SignInFailure(models.Model):
    """A SignInFailure is one failed sign-in of one lockout key (as in LoginLockout) from one
    address, kept for a day so that the failures of one account can be counted across addresses
    (peixun.accounts.lockout). Attempts refused during a lockout are not recorded."""

    username = models.CharField(_("account"), max_length=255)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [models.Index(fields=["username", "failed_at"], name="signinfailure_key_time")]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip_address} {self.failed_at:%Y-%m-%d %H:%M}"


class AccountLockout(models.Model):
    """An AccountLockout pauses signing in to one account (lockout key) from every address it has
    not signed in from lately, after many failures from any addresses, and remembers how often that
    happened, so that each pause within a day lasts longer than the one before
    (peixun.accounts.lockout)."""

    username = models.CharField(_("account"), max_length=255, unique=True)
    count = models.PositiveSmallIntegerField(_("lockouts"), default=0)
    locked_at = models.DateTimeField(_("locked at"))
    locked_until = models.DateTimeField(_("locked until"))

    class Meta:
        verbose_name = _("account sign-in lockout")
        verbose_name_plural = _("account sign-in lockouts")

    def __str__(self) -> str:
        return f"{self.username} ×{self.count}"


class PasswordSlipBatch(models.Model):
    """A PasswordSlipBatch keeps the initial passwords just issued to some accounts — encrypted
    with the ID vault, never in clear text — only until the user who issued them has downloaded
    the slips (a PDF and a workbook per school), each file once, and for at most an hour
    (ADR 0033). Then the passwords are erased; the hashes on the accounts are all that is left.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("issued by")
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("downloadable until"), db_index=True)
    count = models.PositiveIntegerField(_("accounts"))
    # AES-GCM (peixun.lib.idcrypto, purpose "password-slips") of the JSON {account id: password};
    # empty once every file has been downloaded.
    sealed = models.TextField(blank=True)
    # The schools the accounts belong to, one file of each kind per school:
    # [{"id": org id, "name": …, "path": …, "count": accounts}] (nothing secret).
    schools = models.JSONField(default=list, blank=True)
    # The files already downloaded, as "<org id>:pdf" and "<org id>:xlsx".
    downloaded = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("initial password slips")
        verbose_name_plural = _("initial password slips")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ×{self.count}"

    @property
    def is_open(self) -> bool:
        """Its passwords can still be downloaded."""
        return bool(self.sealed) and timezone.now() < self.expires_at
