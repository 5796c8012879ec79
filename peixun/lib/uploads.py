"""The one check for uploaded documents and images: what a file is, told by its bytes (never its
name or the browser's content type), and a name that is safe to store and to offer back.

Accepted kinds: PDF, Word (.docx) and Excel (.xlsx) without macros, and PNG, JPEG and WebP images.
A renamed executable, web page or SVG is refused because its first bytes are not those of any
accepted kind. Word and Excel files are zip archives: their entries are counted and their declared
unpacked sizes and compression ratios checked before anything reads them (a zip bomb is refused),
and an archive carrying a VBA project (a macro workbook or document renamed) is refused. Files
are stored as bytes and only ever offered back as downloads (Content-Disposition: attachment, the
content type of the kind the bytes were found to be, X-Content-Type-Options: nosniff), so a PDF's
scripts or bytes appended to an image never run in the site's origin.

Pure Python (no Django). Refusals raise UploadError, whose `message` is Chinese and says what to do.
"""

import io
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass

PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"
PNG = "png"
JPEG = "jpeg"
WEBP = "webp"

CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PNG: "image/png",
    JPEG: "image/jpeg",
    WEBP: "image/webp",
}
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", PNG: "png", JPEG: "jpg", WEBP: "webp"}
LABELS = {PDF: "PDF", DOCX: "Word（.docx）", XLSX: "Excel（.xlsx）", PNG: "PNG", JPEG: "JPEG", WEBP: "WebP"}
IMAGES = frozenset({PNG, JPEG, WEBP})
DOCUMENTS = frozenset({PDF, DOCX, XLSX, PNG, JPEG, WEBP})

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNPACKED = 200 * 1024 * 1024
# One entry both this large unpacked and this compressed is a bomb, whatever the total says.
MAX_ENTRY_RATIO = 200
RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 120

# Why an archive that looked like an Office file was refused.
DAMAGED = "damaged"
TOO_LARGE_UNPACKED = "too_large_unpacked"
NOT_OFFICE = "not_office"
MACROS = "macros"

MSG_EMPTY = "文件是空的，请选择要上传的文件"
MSG_MACROS = "文件含有宏（VBA），不能上传；请在 Office 中另存为不含宏的 .docx 或 .xlsx 后再上传"
MSG_UNPACKED = "文件内部结构异常（解压后过大或压缩比异常），无法读取；请重新保存后上传"
MSG_DAMAGED = "文件已损坏，无法读取；请重新保存后上传"


def _too_big_message(max_bytes: int) -> str:
    if max_bytes >= 1024 * 1024:
        return f"文件太大，不能超过 {max_bytes // (1024 * 1024)} MB，请压缩或拆分后上传"
    return f"文件太大，不能超过 {max_bytes // 1024} KB，请压缩后上传"


def _wrong_kind_message(kinds: Collection[str]) -> str:
    accepted = "、".join(LABELS[kind] for kind in sorted(kinds, key=list(LABELS).index))
    return f"只能上传 {accepted} 文件（按文件内容判断，改扩展名无效），请转换格式后再上传"


class UploadError(Exception):
    """An uploaded file that is refused; `message` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Sniffed:
    kind: str | None
    problem: str = ""  # why a file that looked like a zip was refused

    @property
    def ok(self) -> bool:
        return self.kind is not None


@dataclass(frozen=True)
class Checked:
    """An accepted upload: its kind, a safe name with the kind's extension and the content type to
    serve it with."""

    kind: str
    filename: str
    content_type: str


def _office(data: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return Sniffed(None, DAMAGED)
    if len(infos) > MAX_ZIP_ENTRIES or sum(info.file_size for info in infos) > MAX_ZIP_UNPACKED:
        return Sniffed(None, TOO_LARGE_UNPACKED)
    for info in infos:
        if (
            info.file_size > RATIO_CHECK_MIN_BYTES
            and info.file_size / max(info.compress_size, 1) > MAX_ENTRY_RATIO
        ):
            return Sniffed(None, TOO_LARGE_UNPACKED)
    names = {info.filename for info in infos}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return Sniffed(None, MACROS)
    if "[Content_Types].xml" not in names:
        return Sniffed(None, NOT_OFFICE)
    if "word/document.xml" in names:
        return Sniffed(DOCX)
    if "xl/workbook.xml" in names:
        return Sniffed(XLSX)
    return Sniffed(None, NOT_OFFICE)


def sniff(data: bytes) -> Sniffed:
    """The accepted kind the bytes are, or Sniffed(None) (with a problem for a refused archive)."""
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
        return _office(data)
    return Sniffed(None)


def safe_filename(name: str, kind: str | None = None) -> str:
    """The name without folders, control or invisible format characters, leading dots and
    surrounding spaces, at most MAX_NAME_CHARS characters, ending with the kind's extension when a
    kind is given ('file' when nothing is left). '../../etc/passwd\\r\\n.pdf' → 'passwd.pdf'."""
    base = (name or "").replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = base.strip().lstrip(".").strip()
    if kind is not None:
        extension = EXTENSIONS[kind]
        stem = base.rsplit(".", 1)[0] if "." in base else base
        stem = stem.strip()[: MAX_NAME_CHARS - len(extension) - 1] or "file"
        return f"{stem}.{extension}"
    return base[:MAX_NAME_CHARS] or "file"


def check_upload(data: bytes, name: str, *, kinds: Collection[str], max_bytes: int) -> Checked:
    """An upload accepted as one of `kinds` (by its bytes), or UploadError with a Chinese message:
    empty, larger than `max_bytes` (read max_bytes + 1 bytes to tell), not an accepted kind, a
    zip bomb, a damaged archive, or Office with macros."""
    if len(data) > max_bytes:
        raise UploadError(_too_big_message(max_bytes))
    if not data.strip():
        raise UploadError(MSG_EMPTY)
    sniffed = sniff(data)
    if sniffed.problem == MACROS:
        raise UploadError(MSG_MACROS)
    if sniffed.problem == TOO_LARGE_UNPACKED:
        raise UploadError(MSG_UNPACKED)
    if sniffed.problem == DAMAGED:
        raise UploadError(MSG_DAMAGED)
    if sniffed.kind is None or sniffed.kind not in kinds:
        raise UploadError(_wrong_kind_message(kinds))
    return Checked(sniffed.kind, safe_filename(name, sniffed.kind), CONTENT_TYPES[sniffed.kind])
