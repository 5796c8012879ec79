"""An import job's file at rest: encrypted with the ID vault, since a roster holds ID numbers; and
the full list of what its check found each row would change, compressed and sealed the same way
(it names people)."""

import base64
import json
import zlib
from collections.abc import Sequence

from peixun.core.vault import vault
from peixun.orgs.imports.common import RowChange


def seal(data: bytes) -> bytes:
    return vault().encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def unseal(content: bytes | memoryview | None) -> bytes:
    if not content:
        return b""
    return base64.b64decode(vault().decrypt(bytes(content).decode("ascii")))


def seal_changes(changes: Sequence[RowChange]) -> bytes:
    if not changes:
        return b""
    text = json.dumps([change.as_json() for change in changes], ensure_ascii=False, separators=(",", ":"))
    return seal(zlib.compress(text.encode("utf-8")))


def unseal_changes(content: bytes | memoryview | None) -> list[RowChange]:
    data = unseal(content)
    if not data:
        return []
    return [RowChange.from_json(value) for value in json.loads(zlib.decompress(data))]
