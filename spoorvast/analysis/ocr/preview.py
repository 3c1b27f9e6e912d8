"""A blurred preview for a picture the user marked as harmful.

The picture is shrunk first (at most :data:`EDGE` pixels on its long side) and then
blurred so strongly that nothing can be recognised, yet its colours and layout let the
user tell which picture it is. The preview is sealed in the vault like any derived
file; no thumbnail is written anywhere else.
"""

from __future__ import annotations

import io

from PIL import Image, ImageFilter

EDGE = 320
MEDIA_TYPE = "image/png"


def blurred(image: Image.Image, edge: int = EDGE) -> bytes:
    small = image.convert("RGB")
    small.thumbnail((edge, edge))
    radius = max(6.0, max(small.size) / 18)
    buffer = io.BytesIO()
    small.filter(ImageFilter.GaussianBlur(radius)).save(buffer, "PNG")
    return buffer.getvalue()


def placeholder(edge: int = EDGE) -> bytes:
    """For a picture that cannot be opened: a plain grey square (no content at all)."""
    buffer = io.BytesIO()
    Image.new("RGB", (edge, edge), (128, 128, 128)).save(buffer, "PNG")
    return buffer.getvalue()
