"""What a coursework file may be, told by its bytes rather than its name (no Django).

Accepted: PDF, Word (.docx, without macros) and images (PNG, JPEG, WebP). The name and the browser's
content type are ignored: a renamed executable is refused because its first bytes are not those of
any accepted kind. A .docx is a zip, so its entries are counted and sized before anything is read
(a zip bomb is refused), and its text can be read back to count its characters against the
assignment's minimum length.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from typing import cast
from xml.etree.ElementTree import Element, XMLPullParser

from peixun.lib import uploads
from peixun.lib.uploads import DOCX, JPEG, PDF, PNG, WEBP, Sniffed

ACCEPTED = frozenset({PDF, DOCX, PNG, JPEG, WEBP})
CONTENT_TYPES = {kind: uploads.CONTENT_TYPES[kind] for kind in ACCEPTED}
EXTENSIONS = {kind: uploads.EXTENSIONS[kind] for kind in ACCEPTED}
IMAGES = uploads.IMAGES
MAX_ZIP_ENTRIES = uploads.MAX_ZIP_ENTRIES
MAX_ZIP_UNPACKED = uploads.MAX_ZIP_UNPACKED

MAX_DOCUMENT_XML = 50 * 1024 * 1024
# Word nests tables in tables, but never this deep.
MAX_XML_DEPTH = 1000
_W_TEXT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_SPACE = re.compile(r"\s+")

__all__ = ["DOCX", "IMAGES", "JPEG", "PDF", "PNG", "WEBP", "Sniffed", "sniff"]


def sniff(data: bytes) -> Sniffed:
    """The accepted kind the bytes are (peixun.lib.uploads.sniff, without Excel workbooks), or
    Sniffed(None)."""
    sniffed = uploads.sniff(data)
    if sniffed.kind is not None and sniffed.kind not in ACCEPTED:
        return Sniffed(None, uploads.NOT_OFFICE)
    return sniffed


def docx_text(data: bytes) -> str:
    """The text of a .docx's body (paragraph runs joined), '' when it cannot be read. Word never
    writes a document type declaration, so one (entities that expand: a billion laughs) ends the
    reading, as does nesting deeper than MAX_XML_DEPTH (memory grows with every open element)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo("word/document.xml")
        if info.file_size > MAX_DOCUMENT_XML:
            return ""
        parser = XMLPullParser(events=("start", "end"))
        parts: list[str] = []
        depth = 0
        tail = b""
        with archive.open(info) as stream:
            while chunk := stream.read(64 * 1024):
                if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                    return ""
                tail = chunk[-16:]
                parser.feed(chunk)
                for event, element in cast(Iterator[tuple[str, Element]], parser.read_events()):
                    if event == "start":
                        depth += 1
                        if depth > MAX_XML_DEPTH:
                            return ""
                        continue
                    depth -= 1
                    if element.tag == _W_TEXT and element.text:
                        parts.append(element.text)
                    element.clear()
        return "".join(parts)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        return ""


def count_chars(text: str) -> int:
    """Characters as Chinese teachers count 字数: everything but whitespace."""
    return len(_SPACE.sub("", text or ""))
