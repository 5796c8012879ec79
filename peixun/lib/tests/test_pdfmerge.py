"""Merging PDFs: every page in order, one bookmark per document, metadata, and an image repeated in
every document kept once."""

import io

from PIL import Image
from pypdf import PdfReader
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from peixun.lib.pdfmerge import Merger


def _document(text: str, pages: int = 1) -> bytes:
    image = Image.new("RGB", (200, 200), (180, 20, 20))
    for x in range(0, 200, 7):
        for y in range(0, 200, 5):
            image.putpixel((x, y), (x, y, (x * y) % 255))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for number in range(pages):
        c.drawString(72, 720, f"{text} page {number + 1}")
        c.drawImage(ImageReader(image), 72, 400, 200, 200)
        c.showPage()
    c.save()
    return buffer.getvalue()


def test_pages_in_order_with_a_bookmark_per_document_and_repeated_images_kept_once():
    documents = [_document("alpha"), _document("beta", pages=2), _document("gamma")]
    merger = Merger(title="Certificates", author="Bureau")
    for text, document in zip(("alpha", "beta", "gamma"), documents, strict=True):
        merger.add(document, text)
    content = merger.finish()
    reader = PdfReader(io.BytesIO(content))
    texts = [page.extract_text() for page in reader.pages]
    assert merger.pages == len(texts) == 4
    assert [t.split()[0] for t in texts] == ["alpha", "beta", "beta", "gamma"]
    assert [(item.title, reader.get_destination_page_number(item)) for item in reader.outline] == [
        ("alpha", 0),
        ("beta", 1),
        ("gamma", 3),
    ]
    assert reader.metadata is not None and reader.metadata.title == "Certificates"
    assert len(content) < sum(len(document) for document in documents) / 2
