"""Disclosure copies: the victim's own photos without the metadata that is not evidence.

The suspect may read the dossier. A photo the victim took carries GPS coordinates and
device details in its EXIF/XMP metadata; the disclosure copy leaves them out, losslessly
(the image data is copied byte for byte, only metadata segments are dropped):

* JPEG: APP1 (EXIF, XMP), APP13 (IPTC) and COM segments are removed; the EXIF
  orientation is kept in a minimal new EXIF block so the photo shows the right way up.
* PNG: the eXIf, tEXt, zTXt, iTXt and tIME chunks are removed.

Other formats get no disclosure copy (the PDF shows a re-encoded preview, which never
carries metadata). The originals stay complete in ``originals/``.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image

_JPEG_DROP = {0xE1, 0xED, 0xFE}  # APP1, APP13, COM
_PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_ORIENTATION = 0x0112
_GPS_IFD = 0x8825


class NotStrippable(Exception):
    """The bytes are not a well-formed JPEG or PNG."""


@dataclass(frozen=True, slots=True)
class Stripped:
    data: bytes
    removed: tuple[str, ...]  # "exif", "gps", "xmp", "text"


def strip_metadata(data: bytes, media_type: str) -> Stripped:
    if media_type == "image/jpeg" or data[:2] == b"\xff\xd8":
        return _strip_jpeg(data)
    if data[:8] == _PNG_MAGIC:
        return _strip_png(data)
    raise NotStrippable(media_type)


def has_gps(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return bool(image.getexif().get_ifd(_GPS_IFD))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False


def gps_coordinates(data: bytes) -> tuple[float, float] | None:
    """(latitude, longitude) in degrees from EXIF, or None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            gps = image.getexif().get_ifd(_GPS_IFD)
        lat, lon = _degrees(gps.get(2), gps.get(1)), _degrees(gps.get(4), gps.get(3))
    except (OSError, ValueError, SyntaxError, TypeError, ZeroDivisionError,
            Image.DecompressionBombError):
        return None
    return (lat, lon) if lat is not None and lon is not None else None


def _degrees(value: object, ref: object) -> float | None:
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    d, m, s = (float(v) for v in value)
    sign = -1 if str(ref).upper() in ("S", "W") else 1
    return round(sign * (d + m / 60 + s / 3600), 6)


def _orientation_app1(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            orientation = image.getexif().get(_ORIENTATION)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return b""
    if not isinstance(orientation, int) or orientation == 1:
        return b""
    exif = Image.Exif()
    exif[_ORIENTATION] = orientation
    body = exif.tobytes()
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def _strip_jpeg(data: bytes) -> Stripped:
    if data[:2] != b"\xff\xd8":
        raise NotStrippable("jpeg")
    out, pos, removed = [b"\xff\xd8"], 2, set[str]()
    gps = has_gps(data)
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise NotStrippable("jpeg")
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            out.append(_orientation_app1(data) if removed else b"")
            out.append(data[pos:])
            return Stripped(_reorder(out), _removed(removed, gps))
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        segment = data[pos:pos + 2 + length]
        if marker in _JPEG_DROP:
            removed.add(_jpeg_kind(marker, segment))
        else:
            out.append(segment)
        pos += 2 + length
    raise NotStrippable("jpeg")


def _reorder(parts: list[bytes]) -> bytes:
    """Put the (optional) orientation APP1 right after SOI and APP0."""
    soi, *segments, app1, scan = parts
    head = [s for s in segments if s[1:2] == b"\xe0"]
    rest = [s for s in segments if s[1:2] != b"\xe0"]
    return b"".join([soi, *head, app1, *rest, scan])


def _jpeg_kind(marker: int, segment: bytes) -> str:
    if marker == 0xE1:
        return "xmp" if b"http://ns.adobe.com/xap" in segment[:64] else "exif"
    return "iptc" if marker == 0xED else "comment"


def _removed(kinds: set[str], gps: bool) -> tuple[str, ...]:
    return tuple(sorted(kinds | ({"gps"} if gps else set())))


def _exif_has_gps(exif_chunk: bytes) -> bool:
    exif = Image.Exif()
    try:
        exif.load(exif_chunk)
        return bool(exif.get_ifd(_GPS_IFD))
    except (OSError, ValueError, SyntaxError, struct.error):
        return False


def _strip_png(data: bytes) -> Stripped:
    out, pos, removed = [_PNG_MAGIC], 8, set[str]()
    gps = False
    while pos + 12 <= len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        chunk = data[pos:pos + 12 + length]
        if len(chunk) != 12 + length or zlib.crc32(chunk[4:-4]) != struct.unpack(
                ">I", chunk[-4:])[0]:
            raise NotStrippable("png")
        if kind in _PNG_DROP:
            removed.add("exif" if kind == b"eXIf" else "text")
            gps = gps or (kind == b"eXIf" and _exif_has_gps(chunk[8:-4]))
        else:
            out.append(chunk)
        pos += 12 + length
        if kind == b"IEND":
            return Stripped(b"".join(out), _removed(removed, gps))
    raise NotStrippable("png")
