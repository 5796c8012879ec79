"""Who may manage which account: accounts are scoped by the orgs their grants and their person lie
in (`accounts.manage`: the bureau; `accounts.provision`: a school creating its teachers' accounts).
The rules live in peixun.orgs.access beside the grants they read; the accounts pages ask only this
module, which re-exports them. Password slips are for the user who issued them only.
"""

import logging

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from peixun.accounts.models import PasswordSlipBatch
from peixun.orgs.access import access_account as access_account
from peixun.orgs.access import access_grant as access_grant
from peixun.orgs.access import access_org as access_org
from peixun.orgs.access import accounts_in_scope as accounts_in_scope
from peixun.orgs.access import has_perm as has_perm
from peixun.orgs.access import out_of_scope as out_of_scope
from peixun.orgs.access import path_in_scope as path_in_scope
from peixun.orgs.access import require_perm as require_perm

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
