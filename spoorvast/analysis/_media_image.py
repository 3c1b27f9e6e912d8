"""Facts from pictures: Pillow (MIT-CMU) and imagehash (BSD-2). Internal to media.py.

Nothing is decoded before its size has passed Pillow's decompression-bomb limit
(``Image.MAX_IMAGE_PIXELS``): a larger picture is identified from its header only, and
reported with its size. GPS coordinates are never read out, only whether they exist:
the victim's location is not evidence. Pillow's logging and warnings are silenced while
it reads (it logs EXIF values, coordinates included), except the bomb warning, which is
turned into an error and handled.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import IO, NamedTuple

from PIL import ExifTags, Image, ImageFile

from spoorvast.analysis import picture_preview
from spoorvast.analysis._media_base import (
    EXIF_TIME_ASSUMED_ZONE,
    EXIF_TIME_INVALID,
    EXIF_UNREADABLE,
    FORMAT_NOT_READABLE,
    IMAGE_TOO_LARGE,
    IMAGE_UNREADABLE,
    PREVIEW_FAILED,
    Reading,
    failure,
    quiet,
)
from spoorvast.analysis._media_time import exif_stamp, resolve
from spoorvast.model.instant import Instant
from spoorvast.model.records import Location, MediaFacts, Problem, Severity

_MAKE, _MODEL = 0x010F, 0x0110
_DATE_TIME_ORIGINAL, _SUBSEC_TIME_ORIGINAL = 0x9003, 0x9291
_OFFSET_TIME_ORIGINAL, _OFFSET_TIME = 0x9011, 0x9010
_GPS_LATITUDE, _GPS_LONGITUDE = 0x0002, 0x0004
_HASH_INPUT_EDGE = 256  # the perceptual hash is computed on a copy at most this wide
_DEVICE_MAX_CHARS = 100
_BOMB = (Image.DecompressionBombWarning, Image.DecompressionBombError)
_FORMAT_NAMES = {
    "image/heic": "HEIC",
    "image/heic-sequence": "HEIC",
    "image/heif": "HEIF",
    "image/heif-sequence": "HEIF",
}
_DATE_FIELD = Location(field="DateTimeOriginal")


class _ExifFacts(NamedTuple):
    taken_at: Instant | None = None
    device: str | None = None
    gps_present: bool | None = None


def read_image(path: Path, media_type: str, zone_name: str, preview: bool = False) -> Reading:
    """``preview``: also make the picture's reduced copy for the dossier (see
    :mod:`~spoorvast.analysis.picture_preview`) when the dossier would show one, from
    the same decode where it can (a 1080 x 2400 PNG screenshot, measured: 13 ms without,
    +7 ms with it, where a preview made from the file alone takes 16 ms)."""
    with _quiet_pillow():
        try:
            image = Image.open(path)
        except _BOMB:
            return _read_too_large(path, zone_name)
        except Exception as exc:  # untrusted bytes: any parser error is a finding
            return Reading(None, (_not_opened(media_type, exc),))
        with image:
            reading = _read(image, zone_name, decode=True)
            if not preview or not _previewed(reading, path, media_type):
                return reading
            return _with_preview(reading, image, path)


def _previewed(reading: Reading, path: Path, media_type: str) -> bool:
    """Decoded whole (an unreadable picture has its finding already) and shown in a
    dossier."""
    decoded = reading.media is not None and reading.media.perceptual_hash is not None
    return decoded and picture_preview.wanted(media_type, path.stat().st_size)


def _with_preview(reading: Reading, image: ImageFile.ImageFile, path: Path) -> Reading:
    try:
        made = picture_preview.from_decoded(image)
        if made is None:
            with path.open("rb") as handle:
                made = picture_preview.from_file(handle)
    except (picture_preview.PreviewFailed, OSError) as exc:
        reason = str(exc) if isinstance(exc, picture_preview.PreviewFailed) else "OSError"
        problem = Problem(Severity.INFO, PREVIEW_FAILED, (("reason", reason),))
        return replace(reading, problems=(*reading.problems, problem))
    return replace(reading, preview=made)


@contextmanager
def _quiet_pillow() -> Iterator[None]:
    with quiet("PIL"):
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _read(image: ImageFile.ImageFile, zone_name: str, decode: bool) -> Reading:
    problems: list[Problem] = []
    width, height = image.size
    frames = _frame_count(image, problems)
    phash = _perceptual_hash(image, problems) if decode else None
    readable = phash is not None or _exif_in_header(image)
    exif = _exif_facts(image, zone_name, problems) if readable else _ExifFacts()
    facts = MediaFacts(
        width=width,
        height=height,
        frame_count=frames,
        taken_at=exif.taken_at,
        device=exif.device,
        gps_present=exif.gps_present,
        perceptual_hash=phash,
    )
    return Reading(facts, tuple(problems))


def _read_too_large(path: Path, zone_name: str) -> Reading:
    with path.open("rb") as handle:
        image = _identify(handle)
        if image is None:
            return Reading(None, (_too_large("?", "?"),))
        with image:
            reading = _read(image, zone_name, decode=False)
    width, height = image.size
    return Reading(reading.media, (_too_large(str(width), str(height)), *reading.problems))


def _too_large(width: str, height: str) -> Problem:
    return Problem(Severity.WARNING, IMAGE_TOO_LARGE, (("width", width), ("height", height)))


def _identify(handle: IO[bytes]) -> ImageFile.ImageFile | None:
    """Open the header with Pillow's plugins, as Image.open does, minus the size check."""
    Image.init()
    prefix = handle.read(16)
    for name in Image.ID:
        factory, accept = Image.OPEN[name]
        verdict = accept(prefix) if accept else True
        if isinstance(verdict, str) or not verdict:
            continue
        handle.seek(0)
        try:
            return factory(handle, "")
        except Exception:  # not this plugin's format after all: try the next, as Pillow does
            continue
    return None


def _exif_in_header(image: ImageFile.ImageFile) -> bool:
    """Whether EXIF can be read without decoding (Pillow decodes a PNG to find it).

    So a PNG that is too large, or whose pixels are damaged, has no EXIF facts unless
    its EXIF chunk comes before the pixels.
    """
    return image.format != "PNG" or "exif" in image.info


def _not_opened(media_type: str, exc: Exception) -> Problem:
    if media_type in _pillow_media_types():
        return failure(IMAGE_UNREADABLE, exc)
    return Problem(Severity.INFO, FORMAT_NOT_READABLE, (("format", _format_name(media_type)),))


@cache
def _pillow_media_types() -> frozenset[str]:
    Image.init()
    return frozenset(Image.MIME.values())


def _format_name(media_type: str) -> str:
    subtype = media_type.partition("/")[2].removeprefix("x-").split("+")[0]
    return _FORMAT_NAMES.get(media_type, subtype.upper()[:20])


def _frame_count(image: ImageFile.ImageFile, problems: list[Problem]) -> int | None:
    try:
        return int(getattr(image, "n_frames", 1))
    except Exception as exc:  # a damaged later frame
        problems.append(failure(IMAGE_UNREADABLE, exc))
        return None


def _perceptual_hash(image: ImageFile.ImageFile, problems: list[Problem]) -> str | None:
    # imported here: imagehash loads numpy and SciPy (0.1 s, and OpenBLAS threads that
    # spin beside a chat import on a small machine), wanted only for pictures
    import imagehash
    try:
        image.draft(None, (_HASH_INPUT_EDGE, _HASH_INPUT_EDGE))  # JPEG: decode at 1/2…1/8
        reduced = _grey(image)
        reduced.thumbnail((_HASH_INPUT_EDGE, _HASH_INPUT_EDGE))
        return str(imagehash.phash(reduced))
    except Exception as exc:  # truncated or corrupt pixel data
        problems.append(failure(IMAGE_UNREADABLE, exc))
        return None


def _grey(image: ImageFile.ImageFile) -> Image.Image:
    try:
        return image.convert("L")
    except ValueError:  # no conversion to grey (LAB): its first band is the lightness
        return image.getchannel(0).convert("L")


def _exif_facts(image: ImageFile.ImageFile, zone_name: str, problems: list[Problem]) -> _ExifFacts:
    try:
        exif = image.getexif()
        details = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception as exc:  # damaged EXIF block
        problems.append(failure(EXIF_UNREADABLE, exc))
        return _ExifFacts()
    taken_at = _taken_at(exif, details, zone_name, problems)
    return _ExifFacts(taken_at, _device(exif), _gps_present(gps))


def _taken_at(
    ifd0: Image.Exif, details: dict[int, object], zone_name: str, problems: list[Problem]
) -> Instant | None:
    value = details.get(_DATE_TIME_ORIGINAL, ifd0.get(_DATE_TIME_ORIGINAL))
    if value is None:
        return None
    offsets = (_text(details.get(_OFFSET_TIME_ORIGINAL)), _text(details.get(_OFFSET_TIME)))
    try:
        stamp = exif_stamp(_text(value) or "", _text(details.get(_SUBSEC_TIME_ORIGINAL)), offsets)
        taken_at, assumed = resolve(stamp, zone_name)
    except ValueError:
        problems.append(Problem(Severity.WARNING, EXIF_TIME_INVALID, location=_DATE_FIELD))
        return None
    if assumed:
        params = (("zone", zone_name),)
        problems.append(Problem(Severity.INFO, EXIF_TIME_ASSUMED_ZONE, params, _DATE_FIELD))
    return taken_at


def _text(value: object) -> str | None:
    """An EXIF ASCII value as text; None when absent or not text at all."""
    if isinstance(value, bytes):
        return value.decode("ascii", "replace")
    return value if isinstance(value, str) else None


def _device(ifd0: Image.Exif) -> str | None:
    make, model = _clean(ifd0.get(_MAKE)), _clean(ifd0.get(_MODEL))
    if make and model.casefold().startswith(make.casefold()):
        return model or None  # "Canon" + "Canon EOS R6" reads "Canon EOS R6"
    return " ".join(part for part in (make, model) if part) or None


def _clean(value: object) -> str:
    """Printable text only (control characters read as spaces), spaces collapsed."""
    text = _text(value) or ""
    printable = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    return " ".join(printable.split())[:_DEVICE_MAX_CHARS]


def _gps_present(gps: dict[int, object]) -> bool:
    return any(gps.get(tag) not in (None, "", ()) for tag in (_GPS_LATITUDE, _GPS_LONGITUDE))
