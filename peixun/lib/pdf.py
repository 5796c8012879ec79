"""PDFs with Chinese text that every viewer shows: one TrueType CJK font, found once, registered
with reportlab, and embedded as a subset in each document (docs/decisions/0028-pdf-font.md).

reportlab embeds TrueType (glyf) fonts only, not the OpenType/CFF fonts of Debian's
fonts-noto-cjk, and a PDF that merely names a font shows boxes where the reader's machine lacks
it. The font is LXGW WenKai (霞鹜文楷, SIL OFL 1.1): the whole basic CJK block and more, shipped
unmodified in peixun/lib/fonts/ so a fresh machine needs nothing else. Where it is missing, the
same font from Debian's fonts-lxgw-wenkai is used; PDF_FONT_PATH names any other TrueType font.
"""

import os
from functools import cache
from pathlib import Path
from typing import cast

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "PeixunCJK"
VENDORED_FONT = Path(__file__).resolve().parent / "fonts" / "LXGWWenKai-Regular.ttf"
SYSTEM_FONTS = (
    Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)


# Closing punctuation never starts a line (避头点).
NO_LINE_START = frozenset("，。、；：？！）》」』”’%．,.;:!?)")


class FontMissing(RuntimeError):
    pass


def candidates(configured: str = "") -> list[Path]:
    paths = [Path(configured)] if configured else []
    return [*paths, VENDORED_FONT, *SYSTEM_FONTS]


def find_font(configured: str | None = None) -> Path:
    """The first readable font: PDF_FONT_PATH, the vendored one, then the system's."""
    configured = os.environ.get("PDF_FONT_PATH", "") if configured is None else configured
    for path in candidates(configured):
        if path.is_file():
            return path
    raise FontMissing(
        "No CJK TrueType font for PDFs: restore peixun/lib/fonts/LXGWWenKai-Regular.ttf, install "
        "Debian's fonts-lxgw-wenkai, or set PDF_FONT_PATH to a TrueType (glyf) CJK font."
    )


@cache
def font_name(configured: str | None = None) -> str:
    """Register the font with reportlab once per process and return its name."""
    path = find_font(configured)
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


@cache
def _covered() -> frozenset[int]:
    font = cast(TTFont, pdfmetrics.getFont(font_name()))  # registered as a TrueType font above
    return frozenset(font.face.charToGlyph)


def missing_characters(text: str) -> str:
    """The characters of `text` the font has no glyph for (shown as boxes), in order, once each."""
    covered = _covered()
    seen: dict[str, None] = {}
    for char in text:
        if not char.isspace() and ord(char) not in covered:
            seen.setdefault(char)
    return "".join(seen)


def text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font_name(), size)


@cache
def _char_width(char: str) -> float:
    """The width of one character at size 1 (kerning plays no part in CJK text)."""
    return pdfmetrics.stringWidth(char, font_name(), 1)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break text into lines no wider than `width`: anywhere between CJK characters, at spaces
    between Latin words, never before closing punctuation (避头点)."""
    limit = width / size
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        used = 0.0
        for char in paragraph:
            advance = _char_width(char)
            if line and used + advance > limit and char not in NO_LINE_START:
                # Keep a Latin word whole when it can move down.
                cut = line.rfind(" ")
                if char != " " and cut > 0 and line[-1:].isascii() and line[-1:].isalnum():
                    lines.append(line[:cut])
                    line = line[cut + 1 :] + char
                else:
                    lines.append(line)
                    line = char.lstrip()
                used = sum(_char_width(c) for c in line)
            else:
                line += char
                used += advance
        lines.append(line)
    return lines
