"""An import job's file at rest: encrypted with the ID vault, since a roster holds ID numbers."""

import base64

from peixun.core.vault import vault


def seal(data: bytes) -> bytes:
    return vault().encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def unseal(content: bytes | memoryview | None) -> bytes:
    if not content:
        return b""
    return base64.b64decode(vault().decrypt(bytes(content).decode("ascii")))
