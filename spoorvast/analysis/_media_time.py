"""The dates photos and recordings carry about themselves, made into Instants.

Internal to :mod:`spoorvast.analysis.media`. Two source formats:

* EXIF (CIPA DC-008): ``DateTimeOriginal`` ``"YYYY:MM:DD HH:MM:SS"``, optional
  ``SubSecTimeOriginal`` (decimal digits) and ``OffsetTimeOriginal`` / ``OffsetTime``
  (``"+HH:MM"``).
* MediaInfo dates: ``"2026-03-04 21:15:00 UTC"``, ``"UTC 2026-03-04 21:15:00"``, ISO 8601
  with or without an offset, or a date alone.

Zones follow the order of :mod:`spoorvast.model.instant`: an offset (or a UTC marker)
in the source is EXPLICIT; otherwise the wall time is resolved in the case zone as
ASSUMED_ZONE and the caller records that as a problem. Anything that is not a real
moment raises ValueError.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from spoorvast.model import instant
from spoorvast.model.instant import Instant, OffsetSource, Precision

_EXIF_WALL = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})", re.ASCII)
_EXIF_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})", re.ASCII)
_SUBSEC = re.compile(r"\d+", re.ASCII)
_MEDIAINFO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|UTC|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)
_MEDIAINFO_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})", re.ASCII)
# Container "creation time" fields left at zero read as these moments: not a date.
_UNSET = frozenset({datetime(1904, 1, 1), datetime(1970, 1, 1)})
_STRIP = " \x00\t\r\n"


@dataclass(frozen=True, slots=True)
class Stamp:
    """A moment as the source wrote it: wall time, its offset if given, its precision."""

    wall: datetime  # naive
    offset: timedelta | None
    precision: Precision
    raw: str


def resolve(stamp: Stamp, zone_name: str) -> tuple[Instant, bool]:
    """The Instant of a stamp, and whether its zone had to be assumed."""
    try:
        if stamp.offset is None:
            return instant.from_local(
                stamp.wall, zone_name, OffsetSource.ASSUMED_ZONE, stamp.precision, stamp.raw
            ), True
        aware = stamp.wall.replace(tzinfo=timezone(stamp.offset))
        return instant.from_aware(
            aware, OffsetSource.EXPLICIT, stamp.precision, raw=stamp.raw
        ), False
    except OverflowError as exc:  # year 1 or 9999 pushed out of range by the offset
        raise ValueError("moment out of range") from exc


def exif_stamp(date_text: str, subsec: str | None, offsets: Sequence[str | None]) -> Stamp:
    """DateTimeOriginal with its sub-seconds and the first well-formed offset."""
    text = date_text.strip(_STRIP)
    match = _EXIF_WALL.fullmatch(text)
    if match is None:
        raise ValueError("not an EXIF date")
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    wall = datetime(year, month, day, hour, minute, second)
    digits = _subsec_digits(subsec)
    offset_text, offset = _first_offset(offsets)
    raw = text + (f".{digits}" if digits else "") + (f" {offset_text}" if offset_text else "")
    if not digits:
        return Stamp(wall, offset, Precision.SECOND, raw)
    millis = int(digits[:3].ljust(3, "0"))
    return Stamp(wall.replace(microsecond=millis * 1000), offset, Precision.MILLISECOND, raw)


def _subsec_digits(subsec: str | None) -> str:
    text = (subsec or "").strip(_STRIP)
    return text if _SUBSEC.fullmatch(text) else ""


def _first_offset(offsets: Sequence[str | None]) -> tuple[str, timedelta | None]:
    for candidate in offsets:
        text = (candidate or "").strip(_STRIP)
        match = _EXIF_OFFSET.fullmatch(text)
        if match is not None:
            offset = _offset(*match.groups())
            if offset is not None:
                return text, offset
    return "", None


def _offset(sign: str, hours: str, minutes: str) -> timedelta | None:
    """A UTC offset within ±14 hours (the range of real zones), else None."""
    if int(hours) > 14 or int(minutes) > 59:
        return None
    size = timedelta(hours=int(hours), minutes=int(minutes))
    return -size if sign == "-" else size


def mediainfo_stamp(text: str) -> Stamp | None:
    """A MediaInfo date; None for a container's zero date (no date was written)."""
    raw = text.strip(_STRIP)
    utc_first = raw.startswith("UTC ")
    match = _MEDIAINFO.fullmatch(raw.removeprefix("UTC ").strip() if utc_first else raw)
    if match is None:
        raise ValueError("not a recognised date")
    wall, precision = _mediainfo_wall(match.groups()[:7])
    if wall in _UNSET:
        return None
    zone_text = match.group(8)
    if zone_text is None:
        return Stamp(wall, timedelta(0) if utc_first else None, precision, raw)
    return Stamp(wall, _mediainfo_offset(zone_text), precision, raw)


def _mediainfo_wall(parts: Sequence[str | None]) -> tuple[datetime, Precision]:
    year, month, day, hour, minute, second, fraction = parts
    date = (int(str(year)), int(str(month)), int(str(day)))
    if hour is None or minute is None:
        return datetime(*date), Precision.DAY
    if second is None:
        return datetime(*date, int(hour), int(minute)), Precision.MINUTE
    wall = datetime(*date, int(hour), int(minute), int(second))
    if not fraction:
        return wall, Precision.SECOND
    precision = Precision.MILLISECOND if len(fraction) <= 3 else Precision.MICROSECOND
    return wall.replace(microsecond=int(fraction[:6].ljust(6, "0"))), precision


def _mediainfo_offset(zone_text: str) -> timedelta:
    if zone_text in ("Z", "UTC"):
        return timedelta(0)
    match = _MEDIAINFO_OFFSET.fullmatch(zone_text)
    offset = _offset(*match.groups()) if match else None
    if offset is None:
        raise ValueError("not a UTC offset")
    return offset
