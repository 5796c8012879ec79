"""What a proof file may be, told by its first bytes rather than its name (no Django): a PDF or an
image (PNG, JPEG, WebP), at most MAX_BYTES."""

MAX_BYTES = 5 * 1024 * 1024

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
WEBP = "webp"

CONTENT_TYPES = {PDF: "application/pdf", PNG: "image/png", JPEG: "image/jpeg", WEBP: "image/webp"}
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp"}


def sniff(data: bytes) -> str | None:
    """The kind of the file, or None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None
