"""Who may make and revoke API keys: the bureau (`api.keys`), for the orgs in its subtrees. The
API keys page asks only this module (it re-exports the org-level checks it uses); `access_key`
answers 404 for missing and not-yours alike."""

from django.db.models import QuerySet

from peixun.api.models import ApiKey
from peixun.orgs.access import orgs_in_scope, out_of_scope, path_q, scope_paths
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.models import Org


def key_orgs(user) -> QuerySet[Org]:
    """Orgs the user may make a key for."""
    return orgs_in_scope(user, "api.keys")


def keys_in_scope(user) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(path_q(scope_paths(user, "api.keys"), "org__path"))


def access_key(user, pk: int) -> ApiKey:
    key = keys_in_scope(user).select_related("org").filter(pk=pk).first()
    if key is None:
        raise out_of_scope(user, "api key", pk)
    return key
