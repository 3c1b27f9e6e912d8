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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
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
