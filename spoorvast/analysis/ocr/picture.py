"""Getting a picture ready for Tesseract: safely opened, first frame, grey, light.

Nothing is decoded before its size has passed the decompression-bomb limit
(:data:`MAX_PIXELS`, Pillow's own ``Image.MAX_IMAGE_PIXELS``): a 20,000 × 20,000
picture is refused from its header, never allocated. An animated picture is read from
its first frame. A dark-mode screenshot (light text on dark) is inverted, and so are
dark bands across a light one (a coloured title bar), because Tesseract reads dark
text on light best. Centred pills darker than the page with lighter text on them
(Telegram's white-on-grey day separator) are found apart (:func:`pills`) and given to
Tesseract again on their own, inverted and stretched to full contrast
(:func:`pill_picture`). Everything stays in memory.
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


BLOCK_DIFF = 20  # grey levels from the page's background that make a block
TEXT_DIFF = 40  # grey levels from a block's own colour that make its text
BLOCK_GAP = 12  # pixels of background that do not split a block across
PILL_BORDER = 10  # white pixels put around a pill for Tesseract
CENTRED = 0.04  # share of the width by which a pill's two margins may differ
PILL_HEIGHT = 0.1  # share of the width a pill (one line of text) is at most high
PILL_WIDTH = 0.5  # share of the width a pill (a day, a date) is at most wide


def pills(prepared: Prepared) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x, y, width, height)`` of centred one-line blocks darker than the page
    with lighter text on them (a day pill), found as bands of rows and then runs of
    columns that differ from the page's background."""
    pixels = numpy.asarray(prepared.image)
    background = int(numpy.bincount(pixels.ravel(), minlength=256).argmax())
    differs = numpy.abs(pixels.astype(numpy.int16) - background) > BLOCK_DIFF
    width = pixels.shape[1]
    found = []
    for top, bottom in _runs(numpy.asarray(differs.any(axis=1)), 0):
        if bottom - top > PILL_HEIGHT * width:
            continue  # more than one line: bubbles, not a pill
        for left, right in _runs(numpy.asarray(differs[top:bottom].any(axis=0)),
                                 BLOCK_GAP):
            centred = abs(left - (width - right)) <= CENTRED * width
            narrow = right - left <= PILL_WIDTH * width
            if centred and narrow and _light_on_dark(pixels[top:bottom, left:right]):
                found.append((left, top, right - left, bottom - top))
    return found


def pill_picture(prepared: Prepared, box: tuple[int, int, int, int], scale: int) -> bytes:
    """The pill inverted (dark text on light), stretched to full contrast and enlarged
    ``scale`` times, encoded for Tesseract."""
    left, top, width, height = box
    block = numpy.asarray(prepared.image)[top:top + height, left:left + width]
    flipped = Image.fromarray(_stretched(255 - block), mode="L")
    enlarged = flipped.resize((width * scale, height * scale), Image.Resampling.LANCZOS)
    framed = ImageOps.expand(enlarged, border=PILL_BORDER * scale, fill=255)
    buffer = io.BytesIO()
    framed.save(buffer, "PPM")
    return buffer.getvalue()


def _runs(flags: numpy.ndarray, gap: int) -> list[tuple[int, int]]:
    """(start, end) of the runs of True, joined across gaps of at most ``gap``."""
    edges = numpy.flatnonzero(numpy.diff(numpy.concatenate(([0], flags.view(numpy.int8),
                                                            [0]))))
    runs: list[tuple[int, int]] = []
    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        if runs and start - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def _light_on_dark(block: numpy.ndarray) -> bool:
    """A filled block (its two ends, half-way down, have its own colour) whose text is
    lighter than it."""
    middle = int(numpy.median(block))
    row = block[block.shape[0] // 2]
    ends = numpy.concatenate((row[1:5], row[-5:-1])).astype(numpy.int16)
    if ends.size == 0 or int(numpy.abs(ends - middle).max()) > TEXT_DIFF // 2:
        return False
    lighter = int((block > middle + TEXT_DIFF).sum())
    darker = int((block < middle - TEXT_DIFF).sum())
    return middle < 255 - TEXT_DIFF and lighter > darker and lighter * 100 > block.size


def _stretched(block: numpy.ndarray) -> numpy.ndarray:
    low, high = int(block.min()), int(block.max())
    if high <= low:
        return block
    return ((block.astype(numpy.int32) - low) * 255 // (high - low)).astype(numpy.uint8)


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
