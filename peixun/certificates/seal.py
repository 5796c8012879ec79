"""A stand-in seal image for demo data and tests (no Django): a red ring with a star, the issuing
body's name along the top arc and a line below the star, on a transparent background. A real
template carries the scanned seal its issuing body uploads."""

import io
import math

from PIL import Image, ImageDraw, ImageFont

from peixun.lib import pdf

RED = (200, 24, 24, 235)


def make_seal(name: str, line: str = "培训专用章", size: int = 360) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = size // 36
    draw.ellipse((margin, margin, size - margin, size - margin), outline=RED, width=size // 28)
    centre = size / 2
    outer, inner = size / 7, size / 7 * 0.382
    star = [
        (
            centre + (outer if point % 2 == 0 else inner) * math.sin(math.pi * point / 5),
            centre - (outer if point % 2 == 0 else inner) * math.cos(math.pi * point / 5),
        )
        for point in range(10)
    ]
    draw.polygon(star, fill=RED)
    font_path = str(pdf.find_font())
    glyph_size = int(size / 9.5)
    font = ImageFont.truetype(font_path, glyph_size)
    radius = size / 2 - margin - size / 28 - glyph_size * 0.75
    count = len(name)
    spread = min(240.0, 22.0 * count)  # degrees of arc the name covers
    for index, char in enumerate(name):
        angle = -spread / 2 + spread * (index + 0.5) / count  # 0 is the top, clockwise
        tile = Image.new("RGBA", (glyph_size * 2, glyph_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((glyph_size, glyph_size), char, font=font, fill=RED, anchor="mm")
        tile = tile.rotate(-angle, resample=Image.Resampling.BICUBIC)
        radians = math.radians(angle)
        x = centre + radius * math.sin(radians) - glyph_size
        y = centre - radius * math.cos(radians) - glyph_size
        image.alpha_composite(tile, (int(x), int(y)))
    small = ImageFont.truetype(font_path, int(size / 13))
    draw.text((centre, centre + size * 0.27), line, font=small, fill=RED, anchor="mm")
    output = io.BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()
