"""Getting a picture ready for Tesseract: safely opened, first frame, grey, light.

Nothing is decoded before its size has passed the decompression-bomb limit
(:data:`MAX_PIXELS`, Pillow's own ``Image.MAX_IMAGE_PIXELS``): a 20,000 × 20,000
picture is refused from its header, never allocated. An animated picture is read from
its first frame. A dark-mode screenshot (light text on dark) is inverted, and so are
dark bands across a light one (a coloured title bar), because Tesseract reads dark
text on light best. Everything stays in memory.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy
from PIL import Image, ImageOps, ImageStat

MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485
DARK_MEAN = 110  # mean grey level (0-255) below which a picture is dark mode
_BOMB = (Image.DecompressionBombWarning, Image.DecompressionBombError)
_HEIF = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1", b"ftypheif")


class PictureRefused(Exception):
    """The picture cannot be read; ``code`` names why (no content in it)."""

    def __init__(self, code: str, params: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Prepared:
    data: bytes  # an encoded grey picture (PGM) for Tesseract
    width: int
    height: int
    dark: bool
    frame_count: int
    image: Image.Image  # the same grey picture, dark text on light


def strip(prepared: Prepared, bottom: int, scale: int) -> bytes:
    """The top ``bottom`` pixels, enlarged ``scale`` times, encoded for Tesseract
    (the status bar's small print reads better larger)."""
    top = prepared.image.crop((0, 0, prepared.width, max(1, bottom)))
    enlarged = top.resize((top.width * scale, top.height * scale), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    enlarged.save(buffer, "PPM")
    return buffer.getvalue()


def prepare(data: bytes, max_pixels: int = MAX_PIXELS) -> Prepared:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data)
        with image:
            _check_size(image, max_pixels)
            frames = _frame_count(image)
            grey = _grey(_first_frame(image))
    dark = ImageStat.Stat(grey).mean[0] < DARK_MEAN
    light = _light_rows(ImageOps.invert(grey) if dark else grey)
    buffer = io.BytesIO()
    light.save(buffer, "PPM")
    return Prepared(buffer.getvalue(), grey.width, grey.height, dark, frames, light)


def _light_rows(grey: Image.Image) -> Image.Image:
    """Rows that are still dark (an app's coloured title bar) are inverted as well."""
    pixels = numpy.asarray(grey)
    dark_rows = pixels.mean(axis=1) < DARK_MEAN
    if not dark_rows.any():
        return grey
    fixed = pixels.copy()
    fixed[dark_rows] = 255 - fixed[dark_rows]
    return Image.fromarray(fixed, mode="L")


def open_checked(data: bytes, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """The first frame, decoded, as RGB; refused like :func:`prepare` refuses."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data)
        with image:
            _check_size(image, max_pixels)
            return _rgb(_first_frame(image))


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data))
    except _BOMB as exc:
        raise PictureRefused("too-large") from exc
    except Exception as exc:  # untrusted bytes: any parser error means "cannot read"
        if data[4:12] in _HEIF:
            raise PictureRefused("heic") from exc
        raise PictureRefused("unreadable", (("reason", type(exc).__name__),)) from exc


def _check_size(image: Image.Image, max_pixels: int) -> None:
    width, height = image.size
    if width * height > max_pixels:
        raise PictureRefused("too-large", (("width", str(width)), ("height", str(height))))


def _frame_count(image: Image.Image) -> int:
    try:
        return int(getattr(image, "n_frames", 1))
    except Exception:  # a damaged later frame: the first one may still be fine
        return 1


def _first_frame(image: Image.Image) -> Image.Image:
    try:
        image.seek(0)
        image.load()
        return image.copy()
    except _BOMB as exc:
        raise PictureRefused("too-large") from exc
    except Exception as exc:  # truncated or corrupt pixel data
        raise PictureRefused("unreadable", (("reason", type(exc).__name__),)) from exc


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(background, rgba).convert("RGB")
    try:
        return image.convert("RGB")
    except ValueError:  # a mode without an RGB conversion: its first band is the lightness
        return image.getchannel(0).convert("RGB")


def _grey(image: Image.Image) -> Image.Image:
    return _rgb(image).convert("L") if image.mode not in ("L", "1") else image.convert("L")
