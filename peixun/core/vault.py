"""The ID vault configured from settings: ID_ENCRYPTION_KEYS and ID_HASH_KEY (the cryptography is
peixun.lib.idcrypto)."""

from functools import cache

from django.conf import settings

from peixun.lib.idcrypto import IdVault


@cache
def vault() -> IdVault:
    """The vault built from settings; read on first use, never at import time."""
    return IdVault(settings.ID_ENCRYPTION_KEYS, settings.ID_HASH_KEY)
