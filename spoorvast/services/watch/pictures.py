"""The difference of two screenshots, as a picture a person reads: the later screenshot
faded, with every pixel that differs from the earlier one in red (Pillow ``ImageChops``).
Both are scaled to :data:`WIDTH` pixels and cut to the shorter height, so memory stays
bounded for any page."""

from __future__ import annotations

import io

from PIL import Image, ImageChops, ImageOps

WIDTH = 800
MAX_HEIGHT = 4_000
MAX_PIXELS = 60_000_000  # a larger screenshot is not decoded
THRESHOLD = 24  # of 255: smaller differences (anti-aliasing) are not marked


def _scaled(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as picture:
        if picture.width * picture.height > MAX_PIXELS:
            raise ValueError("picture too large")
        rgb = picture.convert("RGB")
    height = max(1, round(rgb.height * WIDTH / max(1, rgb.width)))
    return rgb.resize((WIDTH, height)).crop((0, 0, WIDTH, min(height, MAX_HEIGHT)))


def difference(before: bytes, after: bytes) -> tuple[bytes, float]:
    """(PNG of the difference, share of pixels that differ, 0–1)."""
    old, new = _scaled(before), _scaled(after)
    height = min(old.height, new.height)
    old, new = old.crop((0, 0, WIDTH, height)), new.crop((0, 0, WIDTH, height))
    mask = ImageChops.difference(old, new).convert("L").point(
        lambda v: 255 if v > THRESHOLD else 0)
    faded = Image.blend(ImageOps.grayscale(new).convert("RGB"),
                        Image.new("RGB", new.size, "white"), 0.6)
    faded.paste(Image.new("RGB", new.size, (220, 0, 0)), mask=mask)
    histogram = mask.histogram()
    share = histogram[255] / max(1, WIDTH * height)
    out = io.BytesIO()
    faded.save(out, "PNG", optimize=False)
    return out.getvalue(), share
