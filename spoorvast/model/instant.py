"""The one time type of spoorvast.

An :class:`Instant` is a UTC moment together with how we know it: the raw text as the
source showed it, where its UTC offset came from, the zone used, and its precision.
Instants are made here and nowhere else; there are no naive datetimes in spoorvast.

Order of zone sources (used by every importer that resolves local times):

1. an explicit offset in the source (``+02:00``, ``CEST`` mapped to an offset) → EXPLICIT
2. a Unix epoch / UTC field in the source → EPOCH
3. the case's named zone, because the source shows local time only → ASSUMED_ZONE
4. a time the user typed, in the case zone → USER
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from itertools import repeat
from operator import floordiv
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class OffsetSource(enum.StrEnum):
    EXPLICIT = "explicit"
    EPOCH = "epoch"
    ASSUMED_ZONE = "assumed-zone"
    USER = "user"
    CLOCK = "clock"  # spoorvast's own clock at acquisition


class Precision(enum.StrEnum):
    DAY = "day"
    MINUTE = "minute"
    SECOND = "second"
    MILLISECOND = "millisecond"
    MICROSECOND = "microsecond"


@dataclass(frozen=True, slots=True)
class Instant:
    utc: datetime
    offset_seconds: int
    source: OffsetSource
    precision: Precision
    zone: str | None = None
    raw: str | None = None

    def __post_init__(self) -> None:
        if self.utc.tzinfo is None or self.utc.utcoffset() != timedelta(0):
            raise ValueError("Instant.utc must be an aware UTC datetime")

    @property
    def local(self) -> datetime:
        """The moment in the offset it was observed with."""
        return self.utc.astimezone(_fixed(self.offset_seconds))

    def isoformat(self) -> str:
        """Local time with its offset, e.g. ``2026-03-04T22:15:00+01:00``."""
        return self.local.isoformat(timespec=_timespec(self.precision))

    def to_json(self) -> dict[str, object]:
        return {
            "utc": self.utc.isoformat(timespec="microseconds"),
            "offset_seconds": self.offset_seconds,
            "source": self.source.value,
            "precision": self.precision.value,
            "zone": self.zone,
            "raw": self.raw,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Instant:
        return cls(
            utc=datetime.fromisoformat(str(data["utc"])).astimezone(UTC),
            offset_seconds=int(str(data["offset_seconds"])),
            source=OffsetSource(str(data["source"])),
            precision=Precision(str(data["precision"])),
            zone=None if data.get("zone") is None else str(data["zone"]),
            raw=None if data.get("raw") is None else str(data["raw"]),
        )


def _fixed(offset_seconds: int) -> timezone:
    return timezone(timedelta(seconds=offset_seconds))


def _timespec(precision: Precision) -> str:
    return {
        Precision.DAY: "minutes",
        Precision.MINUTE: "minutes",
        Precision.SECOND: "seconds",
        Precision.MILLISECOND: "milliseconds",
        Precision.MICROSECOND: "microseconds",
    }[precision]


def zone(name: str) -> ZoneInfo:
    """A named IANA zone, or ValueError naming the bad zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone: {name!r}") from exc


def now(zone_name: str) -> Instant:
    """spoorvast's own clock, shown in the case zone."""
    utc = datetime.now(UTC)
    offset = utc.astimezone(zone(zone_name)).utcoffset() or timedelta(0)
    return Instant(
        utc=utc,
        offset_seconds=int(offset.total_seconds()),
        source=OffsetSource.CLOCK,
        precision=Precision.MICROSECOND,
        zone=zone_name,
    )


def shown_in(moment: Instant, zone_name: str) -> Instant:
    """The same moment shown in ``zone_name``: its UTC, source, precision and raw text
    unchanged, only the offset (the zone's at that moment) and the zone name. For a
    clock reading taken elsewhere in UTC (a server's), shown as the case writes time."""
    offset = moment.utc.astimezone(zone(zone_name)).utcoffset() or timedelta(0)
    return Instant(moment.utc, int(offset.total_seconds()), moment.source, moment.precision,
                   zone_name, moment.raw)


def from_epoch(
    seconds: float, zone_name: str | None, precision: Precision = Precision.SECOND,
    raw: str | None = None,
) -> Instant:
    """A moment given as Unix time; shown in ``zone_name`` (UTC if None)."""
    utc = datetime.fromtimestamp(seconds, UTC)
    offset = utc.astimezone(zone(zone_name)).utcoffset() if zone_name else timedelta(0)
    return Instant(
        utc=utc,
        offset_seconds=int((offset or timedelta(0)).total_seconds()),
        source=OffsetSource.EPOCH,
        precision=precision,
        zone=zone_name,
        raw=raw,
    )


def from_aware(
    moment: datetime, source: OffsetSource, precision: Precision, raw: str | None = None,
    zone_name: str | None = None,
) -> Instant:
    """A datetime that carries its own offset (explicit in the source)."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("from_aware needs an aware datetime")
    return Instant(
        utc=moment.astimezone(UTC),
        offset_seconds=int(offset.total_seconds()),
        source=source,
        precision=precision,
        zone=zone_name,
        raw=raw,
    )


def from_local(
    wall: datetime, zone_name: str, source: OffsetSource, precision: Precision,
    raw: str | None = None,
) -> Instant:
    """A wall-clock time without offset, resolved in a named zone.

    Ambiguous times (the repeated hour in autumn) take the first occurrence
    (``fold=0``); callers that can tell otherwise pass ``wall.replace(fold=1)``.
    """
    if wall.tzinfo is not None:
        raise ValueError("from_local takes a wall-clock (naive) time")
    aware = wall.replace(tzinfo=zone(zone_name))
    return from_aware(aware, source, precision, raw=raw, zone_name=zone_name)


_USER_TIME = re.compile(
    r"^\s*(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<d2>\d{1,2})[/.-](?P<m2>\d{1,2})[/.-](?P<y2>\d{4}))"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
    r"\s*(?P<off>Z|[+-]\d{2}:?\d{2})?\s*$"
)


def from_user_text(text: str, zone_name: str) -> Instant:
    """A time a person typed: ``2026-03-04 22:15``, ``04/03/2026 22:15:30``,
    ``2026-03-04`` (day precision) or with an explicit offset (``+01:00``, ``Z``).
    Day-first for slashes and dots, as written in Belgium. Raises ValueError."""
    match = _USER_TIME.match(text)
    if not match:
        raise ValueError(f"not a date and time: {text!r}")
    g = match.groupdict()
    year, month, day = (int(g["y"] or g["y2"]), int(g["m"] or g["m2"]), int(g["d"] or g["d2"]))
    hour, minute, second = int(g["H"] or 0), int(g["M"] or 0), int(g["S"] or 0)
    precision = (Precision.DAY if g["H"] is None
                 else Precision.SECOND if g["S"] else Precision.MINUTE)
    wall = datetime(year, month, day, hour, minute, second)
    if g["off"]:
        return from_aware(wall.replace(tzinfo=_parse_offset(g["off"])), OffsetSource.USER,
                          precision, raw=text.strip())
    return from_local(wall, zone_name, OffsetSource.USER, precision, raw=text.strip())


def _parse_offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def dst_issue(wall: datetime, zone_name: str) -> str | None:
    """``"gap"`` when a wall-clock time does not exist in the zone (spring forward),
    ``"overlap"`` when it exists twice (autumn), else None."""
    tz = zone(zone_name)
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return "gap" if back != wall else "overlap"


_SET_UTC, _SET_OFFSET, _SET_SOURCE, _SET_PRECISION, _SET_ZONE, _SET_RAW = (
    getattr(Instant, name).__set__
    for name in ("utc", "offset_seconds", "source", "precision", "zone", "raw"))


def _utc_instant(utc: datetime, offset: int, source: OffsetSource, precision: Precision,
                 zone: str | None, raw: str | None) -> Instant:
    """An Instant from a clock below, whose ``utc`` is aware UTC by construction: the
    check of ``__post_init__`` is skipped (a clock makes one per message: a tenth of the
    cost of reading a Telegram message). The record stays frozen."""
    moment = object.__new__(Instant)
    _SET_UTC(moment, utc)
    _SET_OFFSET(moment, offset)
    _SET_SOURCE(moment, source)
    _SET_PRECISION(moment, precision)
    _SET_ZONE(moment, zone)
    _SET_RAW(moment, raw)
    return moment


class ZoneClock:
    """Many wall-clock times of one named zone, resolved fast (chat exports hold millions).

    The zone's two possible offsets (``fold`` 0 and 1) are computed once per wall-clock
    hour; an hour in which the offset changes is resolved exactly, time by time. The
    result equals :func:`from_local` (tested); :meth:`ambiguity` says whether a wall time
    falls in a DST gap (does not exist) or overlap (exists twice), so callers flag it.
    """

    def __init__(self, zone_name: str, source: OffsetSource = OffsetSource.ASSUMED_ZONE
                 ) -> None:
        self.zone_name, self.source, self._tz = zone_name, source, zone(zone_name)
        self._hours: dict[tuple[int, int, int, int], tuple[int, int] | None] = {}
        self._last_key: tuple[datetime, Precision, str | None, int] | None = None
        self._last: Instant | None = None

    def _exact(self, wall: datetime) -> tuple[int, int]:
        offsets = [wall.replace(tzinfo=self._tz, fold=f).utcoffset() for f in (0, 1)]
        return (int((offsets[0] or timedelta(0)).total_seconds()),
                int((offsets[1] or timedelta(0)).total_seconds()))

    def offsets(self, wall: datetime) -> tuple[int, int]:
        """UTC offsets (seconds) of ``wall`` with fold 0 and fold 1."""
        key = (wall.year, wall.month, wall.day, wall.hour)
        if key not in self._hours:
            start = wall.replace(minute=0, second=0, microsecond=0)
            first, last = self._exact(start), self._exact(start + timedelta(seconds=3599))
            steady = first == last and first[0] == first[1]
            self._hours[key] = first if steady else None
        cached = self._hours[key]
        return cached if cached is not None else self._exact(wall)

    def steady(self, wall: datetime, precision: Precision, raw: str | None = None
               ) -> Instant | None:
        """:meth:`resolve` for a wall time in an hour whose offset does not change (the
        usual case: one cached look-up, no ambiguity to flag); None for an hour in which
        it changes (then ask :meth:`ambiguity` and :meth:`resolve`)."""
        key = (wall.year, wall.month, wall.day, wall.hour)
        if key not in self._hours:
            self.offsets(wall)
        steady = self._hours[key]
        if steady is None:
            return None
        utc = (wall - timedelta(seconds=steady[0])).replace(tzinfo=UTC)
        return _utc_instant(utc, steady[0], self.source, precision, self.zone_name, raw)

    def ambiguity(self, wall: datetime) -> str | None:
        """``"gap"``, ``"overlap"`` or None."""
        fold0, fold1 = self.offsets(wall)
        if fold0 == fold1:
            return None
        return "gap" if fold0 < fold1 else "overlap"

    def resolve(self, wall: datetime, precision: Precision, raw: str | None = None,
                fold: int = 0) -> Instant:
        key = (wall, precision, raw, fold)
        if key == self._last_key and self._last is not None:
            return self._last  # messages of one minute share one (immutable) Instant
        offset = self.offsets(wall)[fold]
        utc = (wall - timedelta(seconds=offset)).replace(tzinfo=UTC)
        self._last_key = key
        self._last = _utc_instant(utc, offset, self.source, precision, self.zone_name, raw)
        return self._last


class EpochClock:
    """Many Unix times shown in one named zone, fast (a Telegram export holds hundreds of
    thousands): the zone's offset is computed once per hour, exactly for an hour in which
    it changes. Equals :func:`from_epoch` (tested)."""

    def __init__(self, zone_name: str) -> None:
        self.zone_name, self._tz = zone_name, zone(zone_name)
        self._hours: dict[int, int | None] = {}

    def _offset(self, utc: datetime) -> int:
        return int((utc.astimezone(self._tz).utcoffset() or timedelta(0)).total_seconds())

    def _hour(self, hour: int) -> int | None:
        """The offset throughout ``hour`` (hours since the epoch), None if it changes."""
        if hour not in self._hours:
            start = datetime.fromtimestamp(hour * 3600, UTC)
            first, last = self._offset(start), self._offset(start + timedelta(seconds=3599))
            self._hours[hour] = first if first == last else None
        return self._hours[hour]

    def resolve(self, seconds: float, precision: Precision = Precision.SECOND,
                raw: str | None = None) -> Instant:
        utc = datetime.fromtimestamp(seconds, UTC)
        offset = self._hour(int(seconds // 3600))
        if offset is None:
            offset = self._offset(utc)
        return _utc_instant(utc, offset, OffsetSource.EPOCH, precision, self.zone_name, raw)

    def offsets(self, stamps: list[int]) -> list[int]:
        """The zone's offset at each Unix time (whole seconds, within the years
        datetime holds): ``resolve(s).offset_seconds`` of each, in a few C loops."""
        hours = list(map(floordiv, stamps, repeat(3600)))
        found = list(map(self._hour, dict.fromkeys(hours)))
        if None not in found:
            return cast("list[int]", list(map(self._hours.__getitem__, hours)))
        return [self._offset(datetime.fromtimestamp(s, UTC)) if o is None else o
                for s, o in zip(stamps, map(self._hours.__getitem__, hours), strict=True)]
