"""Many PDFs as one (no Django): the documents appended in order, each with a bookmark, and objects
that are byte-for-byte the same in several of them — a seal image, a colour space — kept once.

Certificates are drawn one document each, each with its own font subset and its own copy of the
seal: 100 of a class weigh 4.8 MB as files and 3.9 MB merged with the seal kept once (measured,
docs/decisions/0037-bulk-certificate-files.md).
"""

import io

from pypdf import PdfReader, PdfWriter


class Merger:
    """Append documents with `add`, then take the merged file from `finish` (once)."""

    def __init__(self, *, title: str = "", author: str = "") -> None:
        self.writer = PdfWriter()
        self.pages = 0
        self.title = title
        self.author = author

    def add(self, content: bytes, bookmark: str = "") -> None:
        """Append every page of one PDF, the first one bookmarked with `bookmark` when given."""
        reader = PdfReader(io.BytesIO(content))
        first = len(self.writer.pages)
        for page in reader.pages:
            self.writer.add_page(page)
        self.pages += len(reader.pages)
        if bookmark and len(self.writer.pages) > first:
            self.writer.add_outline_item(title=bookmark, page_number=first)

    def finish(self) -> bytes:
        metadata = {key: value for key, value in (("/Title", self.title), ("/Author", self.author)) if value}
        if metadata:
            self.writer.add_metadata(metadata)
        self.writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
        output = io.BytesIO()
        self.writer.write(output)
        return output.getvalue()
