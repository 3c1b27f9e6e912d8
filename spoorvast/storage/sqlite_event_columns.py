"""Event records -> the columns of their rows, a chunk at a time, made in C.

A chat import stores a million events. Building a row tuple per event, serialising it for
the digest and transposing the chunk afterwards was most of the Python cost of storing
them. Here each column of a chunk is one ``map`` of an attribute getter over the events
(C loops, no Python frame per event); values that many events share (the Instant of the
messages of one minute, the source artifact) are formatted once; and the chunk's content
columns are serialised once each, by orjson, for the digest (:class:`ColumnsDigest`).
A run of messages an importer gave as columns (:class:`MessageRun`) skips the records
altogether: :func:`block_columns` (equal to :func:`event_columns` of its events, tested).

The columns are ``case_id``, ``item_id`` and the content columns
(:data:`~spoorvast.storage.sqlite_event_chunks.CONTENT_COLUMNS`), each holding what
binding would store: str, int or None. :class:`Bases` turns them into the stored columns
of ``event_rows``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import repeat
from operator import add, attrgetter, floordiv, methodcaller, mod
from typing import Any

import orjson

from spoorvast.model.instant import Instant
from spoorvast.model.message_run import Affixed, MessageRun, affixed
from spoorvast.model.records import Event, Location

Column = list[Any]

_INSTANT, _LOCATION, _KIND = attrgetter("instant"), attrgetter("location"), attrgetter("kind")
_TEXT, _ACTOR = attrgetter("text"), attrgetter("actor")
_ACTOR_ID = attrgetter("actor_identifier_id")
_ATTACHMENTS, _DETAILS, _MARKED = (attrgetter("attachments"), attrgetter("details"),
                                   attrgetter("marked"))
_ISO = methodcaller("isoformat", timespec="microseconds")
_UTC, _OFFSET, _SOURCE, _PRECISION, _ZONE, _RAW = (
    attrgetter("utc"), attrgetter("offset_seconds"), attrgetter("source"),
    attrgetter("precision"), attrgetter("zone"), attrgetter("raw"))
_LOC_FIELDS = tuple(attrgetter(name) for name in (
    "artifact_sha256", "line", "byte_start", "byte_end", "field"))
_REGION = attrgetter("region")
_NONE = type(None)
_MICROSECOND = attrgetter("microsecond")
# the minutes and seconds of an hour, as isoformat writes them for a whole second in UTC
_IN_HOUR = [f"{s // 60:02d}:{s % 60:02d}.000000+00:00" for s in range(3600)]


def instant_row(moment: Instant | None) -> tuple[Any, ...]:
    """utc, offset_seconds, time_source, precision, zone, raw_time of one instant."""
    if moment is None:
        return (None, None, None, None, None, None)
    return (moment.utc.isoformat(timespec="microseconds"), moment.offset_seconds,
            moment.source.value, moment.precision.value, moment.zone, moment.raw)


def location_row(loc: Location | None) -> tuple[Any, ...]:
    if loc is None:
        return (None, None, None, None, None, None)
    region = None if loc.region is None else ",".join(str(v) for v in loc.region)
    return (loc.artifact_sha256, loc.line, loc.byte_start, loc.byte_end, loc.field, region)


def event_columns(events: Sequence[Event], case_id: int, item_id: int | None,
                  first_seq: int) -> list[Column]:
    """The columns of the rows of ``events`` (numbered from ``first_seq``)."""
    n = len(events)
    return [[case_id] * n, [item_id] * n, list(range(first_seq, first_seq + n)),
            list(map(_KIND, events)), *_instant_columns(list(map(_INSTANT, events))),
            list(map(_TEXT, events)), list(map(_ACTOR, events)),
            list(map(_ACTOR_ID, events)), *_location_columns(list(map(_LOCATION, events))),
            _json_column(list(map(_ATTACHMENTS, events))),
            _json_column(list(map(_DETAILS, events)))]


def block_columns(run: MessageRun, case_id: int, item_id: int | None,
                  first_seq: int) -> list[Column]:
    """What :func:`event_columns` gives for ``run.events()``, from the run's columns."""
    n = len(run)
    nothing: Column = [None] * n
    return [[case_id] * n, [item_id] * n, list(range(first_seq, first_seq + n)),
            [run.kind] * n, epoch_iso(run.stamps), list(run.offsets),
            [run.source.value] * n, [run.precision.value] * n, [run.zone] * n,
            list(run.raws), list(run.texts), list(run.actors), nothing,
            [run.artifact_sha256] * n, nothing if run.lines is None else list(run.lines),
            nothing, nothing, nothing if run.fields is None else _fields(run.fields), nothing,
            nothing, _run_details(run)]


def _fields(fields: list[str]) -> Column:
    """A run's JSON pointers (an :class:`Affixed` column as it is: nothing changes it)."""
    return fields if type(fields) is Affixed else list(fields)


def _run_details(run: MessageRun) -> Column:
    n = len(run)
    if run.number_key is not None and run.numbers is not None and run.own is None:
        head = orjson.dumps([*run.context, (run.number_key, "")]).decode()[:-3]
        # an integer's digits need no escaping
        return affixed(head, run.numbers, '"]]')
    if run.own is None and run.number_key is None:
        return [orjson.dumps(run.context).decode() if run.context else None] * n
    if run.own is not None and not run.context and run.number_key is None:
        return _json_column(list(run.own))  # (text exports: a few shared tuples)
    return _json_column(list(map(run.details, range(n))))


def marked_positions(events: Sequence[Event]) -> list[int]:
    flags = list(map(_MARKED, events))
    if True not in flags:
        return []
    return [n for n, flag in enumerate(flags) if flag]


def _transposed(rows: Iterable[tuple[Any, ...]]) -> list[Column]:
    return [list(column) for column in zip(*rows, strict=True)]


def _instant_columns(instants: list[Instant | None]) -> list[Column]:
    if _NONE in set(map(type, instants)):
        return _transposed(map(instant_row, instants))
    utcs = list(map(_UTC, instants))
    if len(set(map(id, instants))) * 2 > len(instants):  # mostly their own (Telegram)
        times = iso_times(utcs)
    else:  # messages of one minute share their instant: each formatted once
        distinct = list(dict.fromkeys(utcs))
        times = list(map(dict(zip(distinct, iso_times(distinct), strict=True)).__getitem__,
                         utcs))
    return [times, list(map(_OFFSET, instants)),
            _enum_values(list(map(_SOURCE, instants))),
            _enum_values(list(map(_PRECISION, instants))),
            list(map(_ZONE, instants)), list(map(_RAW, instants))]


def iso_times(utcs: list[datetime]) -> list[str]:
    """``utc.isoformat(timespec="microseconds")`` of each (aware UTC) datetime.

    When all are whole seconds (chat exports: epochs, wall times) each is its hour's
    text, formatted once per hour, plus the minute and second from a table: a few C
    loops instead of a formatting call per time (equal, tested; a chunk's instant
    columns went from 2.5 to 1.0 µs an event).
    ``timestamp()`` of a whole second is exact (an integer below 2**53)."""
    if not utcs or list(map(_MICROSECOND, utcs)).count(0) != len(utcs):
        return list(map(_ISO, utcs))
    return epoch_iso(list(map(int, map(datetime.timestamp, utcs))))


def epoch_iso(stamps: list[int]) -> list[str]:
    """What :func:`iso_times` gives for these Unix times (whole seconds, UTC)."""
    hours = list(map(floordiv, stamps, repeat(3600)))
    starts = {hour: datetime.fromtimestamp(hour * 3600, UTC).isoformat()[:14]
              for hour in dict.fromkeys(hours)}
    return list(map(add, map(starts.__getitem__, hours),
                    map(_IN_HOUR.__getitem__, map(mod, stamps, repeat(3600)))))


def _enum_values(members: list[Any]) -> Column:
    """Enum members as their plain str values (members are singletons: ``count`` is an
    identity test)."""
    if members.count(members[0]) == len(members):
        return [members[0].value] * len(members)
    return list(map(str, members))  # StrEnum: str() is the value, as a plain str


def _location_columns(locations: list[Location | None]) -> list[Column]:
    if _NONE in set(map(type, locations)):
        return _transposed(map(location_row, locations))
    regions = list(map(_REGION, locations))
    if regions.count(None) != len(regions):
        regions = [None if r is None else ",".join(map(str, r)) for r in regions]
    return [*(list(map(get, locations)) for get in _LOC_FIELDS), regions]


def _json_column(values: list[tuple[Any, ...]]) -> Column:
    """Tuples as JSON text, the empty tuple as NULL (``()`` is a singleton)."""
    if values.count(()) == len(values):
        return [None] * len(values)
    distinct: dict[tuple[Any, ...], None] | None
    try:
        distinct = dict.fromkeys(values)  # most repeat (a media marker, a non-contact…)
    except TypeError:  # a list among them (not hashable)
        distinct = None
    if distinct is None or len(distinct) * 2 > len(values):
        dumps = orjson.dumps
        return [dumps(v).decode() if v else None for v in values]
    texts = {v: orjson.dumps(v).decode() if v else None for v in distinct}  # each once
    return list(map(texts.__getitem__, values))


class ColumnsDigest:
    """The digest of an item's content rows, fed a chunk of columns at a time.

    Each content column (in ``seq`` order) is serialised as one JSON array (orjson,
    compact) and hashed with SHA-256; the digest is the SHA-256 of those column hashes,
    concatenated in column order. It does not depend on where the chunks were cut, so
    ``verify`` recomputes it from the stored rows in chunks of any size, and no row tuple
    is built for it.
    """

    FORM = "columns-json"

    def __init__(self, width: int) -> None:
        self._hashes = [hashlib.sha256(b"[") for _ in range(width)]
        self.count = 0

    def add_columns(self, columns: Sequence[Sequence[Any]]) -> None:
        if not columns or not columns[0]:
            return
        dumps = orjson.dumps
        for digest, column in zip(self._hashes, columns, strict=True):
            if self.count:
                digest.update(b",")
            digest.update(memoryview(dumps(column))[1:-1])
        self.count += len(columns[0])

    def add_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if rows:
            self.add_columns(_transposed(rows))

    def result(self) -> dict[str, object]:
        total = hashlib.sha256()
        for digest in self._hashes:
            column = digest.copy()
            column.update(b"]")
            total.update(column.digest())
        return {"count": self.count, "sha256": total.hexdigest(), "form": self.FORM}


# positions of the four shared columns among the (case_id, item_id, content…) columns
_SHARED = (6, 7, 8, 13)  # time_source, precision, zone, loc_sha


def _constant(column: Column) -> bool:
    return column[0] == column[-1] and column.count(column[0]) == len(column)


class Bases:
    """Basis ids: what the rows of one source share (how their time is known and the
    artifact they come from), numbered once and stored in ``event_bases``."""

    def __init__(self, known: Iterable[tuple[Any, ...]]) -> None:
        self.ids: dict[tuple[Any, ...], int] = {tuple(row[1:]): int(row[0]) for row in known}
        self.next = max(self.ids.values(), default=0) + 1

    def stored(self, columns: list[Column]) -> tuple[list[Column], list[tuple[Any, ...]]]:
        """The stored columns of a chunk (``STORED_COLUMNS``), and the new bases."""
        shared = [columns[n] for n in _SHARED]
        new: list[tuple[Any, ...]] = []
        basis: Column
        if all(map(_constant, shared)):  # one source, one way of knowing the time
            basis = [self._id(tuple(c[0] for c in shared), new)] * len(columns[0])
        else:
            keys = list(zip(*shared, strict=True))
            found: Column = list(map(self.ids.get, keys))
            basis = [self._id(k, new) if b is None else b
                     for k, b in zip(keys, found, strict=True)] if None in found else found
        return [*columns[:6], basis, columns[9], *columns[10:13], *columns[14:]], new

    def _id(self, key: tuple[Any, ...], new: list[tuple[Any, ...]]) -> int:
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = self.next
            self.next += 1
            new.append((found, *key))
        return found
