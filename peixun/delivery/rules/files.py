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
from dataclasses import dataclass
from typing import cast
from xml.etree.ElementTree import Element, XMLPullParser

PDF = "pdf"
DOCX = "docx"
PNG = "png"
JPEG = "jpeg"
WEBP = "webp"

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    PNG: "image/png",
    JPEG: "image/jpeg",
    WEBP: "image/webp",
}
EXTENSIONS = {PDF: "pdf", DOCX: "docx", PNG: "png", JPEG: "jpg", WEBP: "webp"}
IMAGES = frozenset({PNG, JPEG, WEBP})

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNPACKED = 200 * 1024 * 1024
MAX_DOCUMENT_XML = 50 * 1024 * 1024
_W_TEXT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Sniffed:
    kind: str | None
    problem: str = ""  # why a file that looked like a zip was refused

    @property
    def ok(self) -> bool:
        return self.kind is not None


def _docx(data: bytes) -> Sniffed:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return Sniffed(None, "damaged")
    if len(infos) > MAX_ZIP_ENTRIES or sum(info.file_size for info in infos) > MAX_ZIP_UNPACKED:
        return Sniffed(None, "too_large_unpacked")
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        return Sniffed(None, "not_docx")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return Sniffed(None, "macros")
    return Sniffed(DOCX)


def sniff(data: bytes) -> Sniffed:
    """The accepted kind the bytes are, or Sniffed(None)."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return Sniffed(PDF)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(PNG)
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(JPEG)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(WEBP)
    if head.startswith(b"PK\x03\x04"):
        return _docx(data)
    return Sniffed(None)


def docx_text(data: bytes) -> str:
    """The text of a .docx's body (paragraph runs joined), '' when it cannot be read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo("word/document.xml")
        if info.file_size > MAX_DOCUMENT_XML:
            return ""
        parser = XMLPullParser(events=("end",))
        parts: list[str] = []
        with archive.open(info) as stream:
            while chunk := stream.read(64 * 1024):
                parser.feed(chunk)
                for _event, element in cast(Iterator[tuple[str, Element]], parser.read_events()):
                    # only "end" events were asked for: each comes with its element
                    if element.tag == _W_TEXT and element.text:
                        parts.append(element.text)
                    element.clear()
        return "".join(parts)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        return ""


def count_chars(text: str) -> int:
    """Characters as Chinese teachers count 字数: everything but whitespace."""
    return len(_SPACE.sub("", text or ""))
