"""Fetching the accounts app's own scoped objects: 404 for missing and not-yours alike."""

import logging

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from peixun.accounts.models import PasswordSlipBatch
from peixun.orgs.access import has_perm

security_log = logging.getLogger("peixun.security")


def access_slips(user, pk) -> PasswordSlipBatch:
    """A batch of password slips: for the user who issued it only, while they may still issue
    passwords, and only for its hour."""
    try:
        if not (has_perm(user, "accounts.activate") or has_perm(user, "accounts.provision")):
            raise PasswordSlipBatch.DoesNotExist
        return PasswordSlipBatch.objects.get(pk=pk, created_by_id=user.pk, expires_at__gt=timezone.now())
    except (PasswordSlipBatch.DoesNotExist, ValidationError):
        security_log.warning("access denied: user=%s password slips %s missing or not theirs", user.pk, pk)
        raise Http404 from None
