"""Writes for API keys: make one (with its service account and role grant) and revoke it."""

import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.api.auth import digest
from peixun.api.models import ApiKey
from peixun.audit import events
from peixun.core.apiscope import ACTIONS
from peixun.orgs.models import Org, RoleGrant


@transaction.atomic
def create_api_key(
    *,
    org: Org,
    name: str,
    role: str,
    actor: User,
    actions: Iterable[str] = tuple(ACTIONS),
    rate_limit: int = 120,
    request: HttpRequest | None = None,
) -> tuple[ApiKey, str]:
    """A new key for `org` with `role`, allowed `actions` (peixun.core.apiscope.ACTIONS) and
    `rate_limit` calls a minute. Returns the key and its secret, which is shown only now."""
    actions = [code for code in ACTIONS if code in set(actions)]
    prefix = secrets.token_hex(4)
    secret = f"pxk_{prefix}_{secrets.token_urlsafe(32)}"
    account = get_user_model().objects.create(username=f"api-{prefix}", first_name=name[:150])
    account.set_unusable_password()
    account.save(update_fields=["password"])
    RoleGrant.objects.create(user=account, role=role, org=org)
    key = ApiKey.objects.create(
        org=org,
        name=name,
        role=role,
        actions=actions,
        rate_limit=rate_limit,
        account=account,
        prefix=prefix,
        digest=digest(secret),
        created_by=actor,
    )
    events.record(
        action="api_key_created",
        actor=actor,
        target=key,
        org_path=org.path,
        changes={
            "role": role,
            "prefix": prefix,
            "actions": "、".join(str(ACTIONS[code]) for code in actions),
            "rate_limit": rate_limit,
        },
        request=request,
    )
    return key, secret


@transaction.atomic
def revoke_api_key(*, key: ApiKey, actor: User, request: HttpRequest | None = None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        get_user_model().objects.filter(pk=key.account_id).update(is_active=False)
        events.record(
            action="api_key_revoked", actor=actor, target=key, org_path=key.org.path, request=request
        )
    return key
