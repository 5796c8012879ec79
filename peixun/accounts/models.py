"""Accounts: who can log in. What an account may see is given by its role grants (peixun.orgs)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A User is one login. A teacher's account is linked to their Person record; staff accounts
    may be linked too. Imported accounts must change their password at first login."""

    person = models.OneToOneField(
        "orgs.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        verbose_name=_("person"),
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def display_name(self) -> str:
        if self.person is not None:
            return self.person.name
        return self.get_full_name() or self.username


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
