"""Events in the embedded vault: bulk insert, FTS5 search, marks, counts, digests.

Each event is one row with a column per field, so a million messages load with one
``executemany`` and one FTS5 ``INSERT … SELECT`` over the new rowid range (an FTS
trigger per row is 7x slower). The custody log records, per item, the count and a
SHA-256 over the rows' content columns (:func:`row_digest`), computed from the very
tuples that are inserted; ``verify`` recomputes it by streaming the rows. Marks are
logged one entry per event (record ``event-mark``), and the ``marked`` column stays NULL
for events never marked, so a mark set or cleared behind the log's back is found.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson

from spoorvast.model.conversation import ActorCount, DayCount, EventHit, EventQuery
from spoorvast.model.instant import Instant, OffsetSource, Precision
from spoorvast.model.records import Event, Item, Location
from spoorvast.storage.prefetch import Prefetch
from spoorvast.storage.sqlite_event_chunks import CONTENT_COLUMNS, Row, insert_chunks

COLUMNS = f"id, case_id, item_id, {CONTENT_COLUMNS}, marked"
_E_COLUMNS = ", ".join("e." + c.strip() for c in COLUMNS.split(","))


class Logger(Protocol):
    def __call__(self, chain: str, action: str, subject: str,
                 payload: dict[str, object]) -> object: ...


# -- rows <-> records -----------------------------------------------------------------


def _instant_columns(moment: Instant | None) -> tuple[Any, ...]:
    if moment is None:
        return (None, None, None, None, None, None)
    return (moment.utc.isoformat(timespec="microseconds"), moment.offset_seconds,
            moment.source.value, moment.precision.value, moment.zone, moment.raw)


class _TimeColumns:
    """:func:`_instant_columns` for millions of events: messages of one minute usually
    share their Instant (or an equal one), so the columns are reused instead of
    formatted again (``isoformat`` was the largest Python cost of a bulk insert)."""

    def __init__(self) -> None:
        self._last: Instant | None = None
        self._columns: tuple[Any, ...] = _instant_columns(None)
        self._iso: dict[datetime, str] = {}

    def __call__(self, moment: Instant | None) -> tuple[Any, ...]:
        if moment is None:
            return _instant_columns(None)
        if moment is self._last or moment == self._last:
            return self._columns
        iso = self._iso.get(moment.utc)
        if iso is None:
            if len(self._iso) > 65536:
                self._iso.clear()
            iso = self._iso[moment.utc] = moment.utc.isoformat(timespec="microseconds")
        self._last = moment
        self._columns = (iso, moment.offset_seconds, moment.source.value,
                         moment.precision.value, moment.zone, moment.raw)
        return self._columns


def _location_columns(loc: Location | None) -> tuple[Any, ...]:
    if loc is None:
        return (None, None, None, None, None, None)
    region = None if loc.region is None else ",".join(str(v) for v in loc.region)
    return (loc.artifact_sha256, loc.line, loc.byte_start, loc.byte_end, loc.field, region)


def _pairs(value: tuple[tuple[str, str], ...]) -> str | None:
    return orjson.dumps(value).decode() if value else None


def content_row(seq: int, e: Event, times: Any = _instant_columns) -> Row:
    """The content columns of one event, in :data:`CONTENT_COLUMNS` order."""
    return (seq, e.kind, *times(e.instant), e.text, e.actor,
            e.actor_identifier_id, *_location_columns(e.location),
            orjson.dumps(e.attachments).decode() if e.attachments else None,
            _pairs(e.details))


class _Digesting:
    """Content rows made one at a time (no list of a million tuples), hashed on the way
    exactly as :func:`row_digest` hashes them; which of them arrive marked is noted."""

    def __init__(self, case_id: int, item_id: int | None, start: int,
                 events: Iterable[Event]) -> None:
        self.case_id, self.item_id, self.start, self.events = case_id, item_id, start, events
        self.digest, self.count = hashlib.sha256(), 0
        self.marked: list[int] = []  # positions (0-based) of events that came marked

    def __iter__(self) -> Iterator[Row]:
        """:func:`content_row` inlined (this loop runs once per message of an export)."""
        times, dumps, update = _TimeColumns(), orjson.dumps, self.digest.update
        case_id, item_id, start = self.case_id, self.item_id, self.start
        no_place = _location_columns(None)
        n = -1
        for n, e in enumerate(self.events):
            loc = e.location
            place = no_place if loc is None else (
                loc.artifact_sha256, loc.line, loc.byte_start, loc.byte_end, loc.field,
                None if loc.region is None else ",".join(str(v) for v in loc.region))
            row = (start + n + 1, e.kind, *times(e.instant), e.text, e.actor,
                   e.actor_identifier_id, *place,
                   dumps(e.attachments).decode() if e.attachments else None,
                   dumps(e.details).decode() if e.details else None)
            update(dumps(row) + b"\n")
            if e.marked:
                self.marked.append(n)
            yield (case_id, item_id, *row)
        self.count = n + 1

    def result(self) -> dict[str, object]:
        return {"count": self.count, "sha256": self.digest.hexdigest()}


def _instant(row: Row) -> Instant | None:
    if row[0] is None:
        return None
    return Instant(datetime.fromisoformat(row[0]).astimezone(UTC), int(row[1]),
                   OffsetSource(row[2]), Precision(row[3]), row[4], row[5])


def _location(row: Row) -> Location | None:
    if all(v is None for v in row):
        return None
    region = None if row[5] is None else tuple(int(v) for v in row[5].split(","))
    return Location(row[0], row[1], row[2], row[3], row[4], region)  # type: ignore[arg-type]


def event(row: Row) -> Event:
    """A record from a row selected with :data:`COLUMNS`."""
    details = tuple((str(k), str(v)) for k, v in orjson.loads(row[21])) if row[21] else ()
    return Event(
        id=row[0], case_id=row[1], item_id=row[2], kind=row[4], instant=_instant(row[5:11]),
        text=row[11], actor_identifier_id=row[13], location=_location(row[14:20]),
        marked=bool(row[22]), actor=row[12],
        attachments=tuple(orjson.loads(row[20])) if row[20] else (), details=details,
        seq=row[3])


# -- digest ---------------------------------------------------------------------------


def row_digest(rows: Iterable[Row]) -> dict[str, object]:
    """Count and SHA-256 over the content rows (one canonical JSON array per line)."""
    digest, count, dumps = hashlib.sha256(), 0, orjson.dumps
    for row in rows:
        digest.update(dumps(row))
        digest.update(b"\n")
        count += 1
    return {"count": count, "sha256": digest.hexdigest()}


def stored_digest(conn: Any, case_id: int, item_id: int | None) -> dict[str, object]:
    cursor = conn.execute(
        f"SELECT {CONTENT_COLUMNS} FROM events WHERE case_id = ? AND item_id IS ? "
        "ORDER BY seq", (case_id, item_id))
    return row_digest(cursor)


# -- writing --------------------------------------------------------------------------


CHUNK = 8192
AUTOMERGE = 4  # FTS5's default
_FTS_RANGE = ("INSERT INTO events_fts(rowid, text) SELECT id, text FROM events "
              "WHERE id BETWEEN ? AND ?")


def replace(conn: Any, log: Logger, chain: str, item: Item, events: Iterable[Event],
            reason: str) -> int:
    """Put new events in place of an item's events (the same export read again, e.g. with
    the day/month order the user chose). Marks move to the new event read from the same
    source line; the log records the old marks as removed, then the new events and marks."""
    assert item.id is not None
    marked = dict(conn.execute(
        "SELECT id, loc_line FROM events WHERE item_id = ? AND marked = 1", (item.id,)))
    for event_id in conn.execute("SELECT id FROM events WHERE item_id = ? AND marked IS NOT "
                                 "NULL ORDER BY id", (item.id,)).fetchall():
        log(chain, "event.mark-removed", item.label,
            {"record": "event-mark", "id": event_id[0], "data": None, "reason": reason})
    conn.execute("INSERT INTO events_fts(events_fts, rowid, text) SELECT 'delete', id, text "
                 "FROM events WHERE item_id = ?", (item.id,))
    conn.execute("DELETE FROM events WHERE item_id = ?", (item.id,))
    count = insert(conn, log, chain, item.case_id, item, events, "events.replaced", reason)
    lines = set(marked.values())
    again = [row[0] for row in conn.execute(
        "SELECT id, loc_line FROM events WHERE item_id = ? ORDER BY seq", (item.id,))
        if row[1] in lines]
    set_marks(conn, log, chain, again, True)
    return count


def insert(conn: Any, log: Logger, chain: str, case_id: int, item: Item | None,
           events: Iterable[Event], action: str = "events.added",
           reason: str | None = None) -> int:
    """Store events (they all belong to ``item``, or to the case when None).

    ``events`` may be a lazy iterable of any length (an importer still parsing): it is
    consumed in chunks, the next chunk made while SQLite stores and indexes the last one
    (:class:`Prefetch`, :func:`insert_chunks`), so memory stays flat and the parse
    overlaps the database work.
    """
    item_id = item.id if item else None
    start = int(conn.execute("SELECT coalesce(max(seq), 0) FROM events WHERE case_id = ? "
                             "AND item_id IS ?", (case_id, item_id)).fetchone()[0])
    rows = _Digesting(case_id, item_id, start, events)
    first = int(conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]) + 1
    # no incremental segment merging while a bulk load runs (15 % of the FTS5 time on a
    # million messages, queries as fast afterwards); later inserts merge as usual
    conn.execute("INSERT INTO events_fts(events_fts, rank) VALUES('automerge', 0)")
    with Prefetch(insert_chunks(rows, CHUNK), 1) as made:
        for [chunk] in made:
            if chunk.blob is not None:
                made.release()  # one statement, no GIL held: the producer may run now
                conn.execute(chunk.sql, (chunk.blob,))
            else:
                conn.executemany(chunk.sql, chunk.rows)  # releases the GIL row by row:
                made.release()  # the producer waits until it is done (no convoy)
            last = int(conn.execute("SELECT max(id) FROM events").fetchone()[0])
            if last - first + 1 != chunk.count:  # ids are max(id) + 1 within a transaction
                raise RuntimeError("event ids are not consecutive")
            conn.execute(_FTS_RANGE, (first, last))
            first = last + 1
    conn.execute(f"INSERT INTO events_fts(events_fts, rank) VALUES('automerge', {AUTOMERGE})")
    if rows.count == 0:
        return 0
    digest = rows.result() if start == 0 else stored_digest(conn, case_id, item_id)
    payload: dict[str, object] = {"record": "events", "id": item_id, "data": digest}
    if reason is not None:
        payload["reason"] = reason
    log(chain, action, item.label if item else "case", payload)
    if rows.marked:
        ids = conn.execute("SELECT id FROM events WHERE case_id = ? AND item_id IS ? AND "
                           "seq > ? ORDER BY seq", (case_id, item_id, start)).fetchall()
        set_marks(conn, log, chain, [ids[n][0] for n in rows.marked], True)
    return rows.count


def mark_state(event_id: int, item_id: int | None, seq: int, marked: bool
               ) -> dict[str, object]:
    return {"item": item_id, "seq": seq, "marked": marked}


def set_marks(conn: Any, log: Logger, chain: str, event_ids: Sequence[int],
              marked: bool) -> int:
    """Mark or unmark events; one custody entry per event whose state changes."""
    changed = 0
    for event_id in event_ids:
        row = conn.execute("SELECT e.item_id, e.seq, e.marked, i.number FROM events e "
                           "LEFT JOIN items i ON i.id = e.item_id WHERE e.id = ?",
                           (event_id,)).fetchone()
        if row is None or (row[2] is not None and bool(row[2]) == marked):
            continue
        conn.execute("UPDATE events SET marked = ? WHERE id = ?", (int(marked), event_id))
        subject = f"E-{row[3]:04d}:m{row[1]}" if row[3] is not None else f"event-{event_id}"
        log(chain, "event.marked" if marked else "event.unmarked", subject,
            {"record": "event-mark", "id": event_id,
             "data": mark_state(event_id, row[0], row[1], marked)})
        changed += 1
    return changed


# -- reading --------------------------------------------------------------------------


def of_item(conn: Any, case_id: int, item_id: int | None) -> list[Event]:
    return [event(r) for r in conn.execute(
        f"SELECT {COLUMNS} FROM events WHERE case_id = ? AND item_id IS ? ORDER BY seq",
        (case_id, item_id))]


def of_case(conn: Any, case_id: int) -> list[Event]:
    return [event(r) for r in conn.execute(
        f"SELECT {COLUMNS} FROM events WHERE case_id = ? ORDER BY utc, id", (case_id,))]


def by_ref(conn: Any, case_id: int, item_number: int, seq: int) -> Event | None:
    row = conn.execute(
        f"SELECT {_E_COLUMNS} FROM events e JOIN items i ON i.id = e.item_id "
        "WHERE i.case_id = ? AND i.number = ? AND e.seq = ?",
        (case_id, item_number, seq)).fetchone()
    return None if row is None else event(row)


_WORD = re.compile(r"\S+")


def match_expression(text: str) -> str | None:
    """The user's words as an FTS5 query: every word must occur (a trailing ``*`` is a
    prefix search); quotes make FTS5 syntax in the words harmless."""
    terms = []
    for word in _WORD.findall(text):
        prefix = word.endswith("*") and len(word) > 1
        core = word[:-1] if prefix else word
        terms.append('"' + core.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms) or None


def _filters(query: EventQuery) -> tuple[list[str], list[object]]:
    where: list[str] = ["e.case_id = ?"]
    params: list[object] = [query.case_id]
    lists: tuple[tuple[str, Sequence[object] | None], ...] = (
        ("e.actor", query.actors), ("e.item_id", query.item_ids), ("e.kind", query.kinds))
    for column, values in lists:
        if values is not None:
            where.append(f"{column} IN ({', '.join('?' * len(values))})" if values else "0")
            params.extend(values)
    if query.since is not None:
        where.append("e.utc >= ?")
        params.append(query.since.astimezone(UTC).isoformat(timespec="microseconds"))
    if query.until is not None:
        where.append("e.utc < ?")
        params.append(query.until.astimezone(UTC).isoformat(timespec="microseconds"))
    if query.marked_only:
        where.append("e.marked = 1")
    return where, params


def search(conn: Any, query: EventQuery) -> list[EventHit]:
    where, params = _filters(query)
    expression = match_expression(query.text or "")
    source = "events e"
    order = "e.utc, e.id"
    if expression is not None:
        source = "events_fts f JOIN events e ON e.id = f.rowid"
        where.insert(0, "events_fts MATCH ?")
        params.insert(0, expression)
        order = "f.rank"
    sql = (f"SELECT {_E_COLUMNS}, coalesce(i.number, 0) FROM {source} "
           f"LEFT JOIN items i ON i.id = e.item_id WHERE {' AND '.join(where)} "
           f"ORDER BY {order} LIMIT ? OFFSET ?")
    rows = conn.execute(sql, (*params, query.limit, query.offset))
    return [EventHit(event(r[:-1]), int(r[-1])) for r in rows]


def count(conn: Any, query: EventQuery) -> int:
    where, params = _filters(query)
    expression = match_expression(query.text or "")
    source = "events e"
    if expression is not None:
        source = "events_fts f JOIN events e ON e.id = f.rowid"
        where.insert(0, "events_fts MATCH ?")
        params.insert(0, expression)
    row = conn.execute(f"SELECT count(*) FROM {source} WHERE {' AND '.join(where)}",
                       params).fetchone()
    return int(row[0])


def actor_counts(conn: Any, case_id: int, item_id: int | None) -> list[ActorCount]:
    scope, params = ("AND item_id = ?", (case_id, item_id)) if item_id else ("", (case_id,))
    rows = conn.execute(
        f"SELECT actor, count(*), min(utc), max(utc) FROM events WHERE case_id = ? {scope} "
        "GROUP BY actor ORDER BY count(*) DESC, actor", params)
    return [ActorCount(r[0], int(r[1]), r[2], r[3]) for r in rows]


def day_counts(conn: Any, case_id: int) -> list[DayCount]:
    """Events per day (in the offset each was observed with) per actor."""
    rows = conn.execute(
        "SELECT date(utc, printf('%+d seconds', offset_seconds)) AS day, actor, count(*) "
        "FROM events WHERE case_id = ? AND utc IS NOT NULL GROUP BY day, actor "
        "ORDER BY day, actor", (case_id,))
    return [DayCount(r[0], r[1], int(r[2])) for r in rows]


def record_rows(conn: Any, case_id: int) -> Iterator[tuple[str, int, dict[str, object]]]:
    """Per item the events digest, per ever-marked event its mark state (for verify)."""
    item_ids = [r[0] for r in conn.execute(
        "SELECT id FROM items WHERE case_id = ? AND EXISTS (SELECT 1 FROM events e "
        "WHERE e.item_id = items.id) ORDER BY id", (case_id,))]
    for item_id in item_ids:
        yield "events", item_id, stored_digest(conn, case_id, item_id)
    for event_id, item_id, seq, marked in conn.execute(
            "SELECT id, item_id, seq, marked FROM events WHERE case_id = ? AND "
            "marked IS NOT NULL ORDER BY id", (case_id,)).fetchall():
        yield "event-mark", event_id, mark_state(event_id, item_id, seq, bool(marked))
