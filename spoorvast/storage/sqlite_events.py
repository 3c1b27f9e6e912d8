"""Events in the embedded vault: bulk insert, FTS5 search, marks, counts, digests.

Each event is one row of ``event_rows`` (what rows of one source share is stored once, in
``event_bases``; the view ``events`` shows every column), inserted a chunk at a time by
one JSON ``INSERT … SELECT`` and one FTS5 ``INSERT … SELECT`` over the chunk's rowid
range (an FTS trigger per row is 7x slower); runs of messages given as columns
(:class:`MessageRun`) join a chunk as they are. The custody log records, per item, the
count and a digest of the content columns (:class:`ColumnsDigest`, or the first form,
:func:`row_digest`, for items logged before it), computed from the very columns that are
inserted; ``verify`` recomputes it by streaming the rows of the view. Marks are
logged one entry per event (record ``event-mark``), and the ``marked`` column stays NULL
for events never marked, so a mark set or cleared behind the log's back is found.

Reads at a million events (#32, measured on 1,000,000 rows): filters and counts go to
``event_rows`` itself, not the ``events`` view (whose join of the bases SQLite does not
leave out: a count took 350 ms instead of 30); a page in time order is found by position
(``(utc, id) > (?, ?)``, a range of the ``(case_id, utc)`` index) instead of OFFSET; a
ranked page sorts only ids (bm25, ties by id) and reads the 50 rows it shows; a count
with a cap stops after ``cap + 1`` hits; a common word's page is its newest hits
(``EventQuery.newest_first``: bm25 scores every hit, 308 ms for 143,000). Each insert
also counts its events per ten minutes (:mod:`.sqlite_events_counts`) for the pattern
charts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace as _with
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson

from spoorvast.model.conversation import (
    ActorCount,
    DayCount,
    EventHit,
    EventQuery,
    Position,
)
from spoorvast.model.instant import Instant, OffsetSource, Precision
from spoorvast.model.message_run import EventStream, MessageRun
from spoorvast.model.records import Event, Item, Location
from spoorvast.storage import sqlite_events_counts as counts
from spoorvast.storage.base import case_chain
from spoorvast.storage.prefetch import Inline, Prefetch
from spoorvast.storage.sqlite_event_chunks import (
    CONTENT_COLUMNS,
    FOLD_FROM,
    Chunk,
    Row,
    column_chunk,
    joined,
)
from spoorvast.storage.sqlite_event_columns import (
    Bases,
    Column,
    ColumnsDigest,
    block_columns,
    event_columns,
    instant_row,
    location_row,
    marked_positions,
)
from spoorvast.storage.sqlite_events_schema import STORED_COLUMNS

COLUMNS = f"id, case_id, item_id, {CONTENT_COLUMNS}, marked"
CONTENT_WIDTH = CONTENT_COLUMNS.count(",") + 1
_E_COLUMNS = ", ".join("e." + c.strip() for c in COLUMNS.split(","))


class Logger(Protocol):
    def __call__(self, chain: str, action: str, subject: str,
                 payload: dict[str, object]) -> object: ...


# -- rows <-> records -----------------------------------------------------------------


class _Chunks:
    """The events as insert-ready chunks (made on the producer thread), digested on the
    way (:class:`ColumnsDigest`); which of them arrive marked is noted. A
    :class:`MessageRun` in the stream adds its columns as they are."""

    def __init__(self, case_id: int, item_id: int | None, start: int,
                 events: EventStream, bases: Bases) -> None:
        self.case_id, self.item_id, self.start, self.events = case_id, item_id, start, events
        self.bases = bases
        self.digest = ColumnsDigest(CONTENT_WIDTH)
        self.marked: list[int] = []  # positions (0-based) of events that came marked
        self.count = 0
        self.buckets = counts.BucketCounter()

    def __iter__(self) -> Iterator[Chunk]:
        # one item at a time: a run stands for up to thousands of events, so taking
        # items by the thousand (islice) would read the whole export before storing any
        pieces: list[list[Event] | MessageRun] = []
        events: list[Event] = []
        size = 0
        for found in self.events:
            if type(found) is MessageRun:
                if events:
                    pieces.append(events)
                    events = []
                pieces.append(found)
                size += len(found)
            else:
                events.append(found)  # type: ignore[arg-type]
                size += 1
            if size >= CHUNK:
                if events:
                    pieces.append(events)
                    events = []
                yield self._chunk(pieces, size)
                pieces, size = [], 0
        if events:
            pieces.append(events)
        if pieces:
            yield self._chunk(pieces, size)

    def _chunk(self, pieces: list[list[Event] | MessageRun], size: int) -> Chunk:
        events = [e for piece in pieces if type(piece) is list for e in piece]
        columns = self._columns(pieces, events, self.start + self.count + 1)
        self._note_marks(events, pieces)
        self.buckets.add(columns[3], columns[4], columns[11])  # kind, utc, actor
        stored, bases = self.bases.stored(columns)
        chunk = column_chunk(stored, size)
        chunk.bases.extend(bases)
        if chunk.blob is not None:  # JSON carries the values exactly: digest them now
            self.digest.add_columns(columns[2:])
        self.count += size
        return chunk

    def _columns(self, pieces: list[list[Event] | MessageRun], events: list[Event],
                 first_seq: int) -> list[Column]:
        """The columns of the chunk: the events' (``events``, those of ``pieces``) made in
        one go, then cut where runs come between them; the runs' from their own columns."""
        if len(pieces) == 1 and not events:  # one run (a WhatsApp chunk, mostly)
            return block_columns(pieces[0], self.case_id, self.item_id, first_seq)  # type: ignore[arg-type]
        made = event_columns(events, self.case_id, self.item_id, first_seq) if events else []
        if len(pieces) == 1 and events:
            return made
        parts, at = [], 0
        for piece in pieces:
            if type(piece) is list:
                parts.append([column[at:at + len(piece)] for column in made])
                at += len(piece)
            else:
                parts.append(block_columns(piece, self.case_id, self.item_id, 0))  # type: ignore[arg-type]
        columns = [joined(list(c)) for c in zip(*parts, strict=True)]
        columns[2] = list(range(first_seq, first_seq + len(columns[2])))
        return columns

    def _note_marks(self, events: list[Event], pieces: list[list[Event] | MessageRun]) -> None:
        """Positions (in the item) of the events that came marked; before ``count``
        moves on."""
        found = marked_positions(events) if events else []
        if not found:
            return
        positions: list[int] = []
        at = self.count
        for piece in pieces:
            if type(piece) is list:
                positions.extend(range(at, at + len(piece)))
            at += len(piece)
        self.marked.extend(positions[n] for n in found)


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


def stored_digest(conn: Any, case_id: int, item_id: int | None,
                  form: str | None = ColumnsDigest.FORM) -> dict[str, object]:
    """The digest of an item's stored rows, in the form its custody entry used
    (:class:`ColumnsDigest`; ``None``: the first form, :func:`row_digest`)."""
    cursor = conn.execute(
        f"SELECT {CONTENT_COLUMNS} FROM events WHERE case_id = ? AND item_id IS ? "
        "ORDER BY seq", (case_id, item_id))
    if form != ColumnsDigest.FORM:
        return row_digest(cursor)
    digest = ColumnsDigest(CONTENT_WIDTH)
    while rows := cursor.fetchmany(CHUNK):
        digest.add_rows(rows)
    return digest.result()


def _digest_forms(conn: Any, case_id: int) -> dict[int, str | None]:
    """item id -> the digest form of the last events entry the custody log holds for it."""
    return dict(conn.execute(
        "SELECT json_extract(payload, '$.id'), json_extract(payload, '$.data.form') "
        "FROM custody WHERE chain = ? AND json_extract(payload, '$.record') = 'events' "
        "ORDER BY seq", (case_chain(case_id),)))


# -- writing --------------------------------------------------------------------------


CHUNK = 16384  # rows per statement: 8192 -> 16384 took 5 % off the CPU of an import of
# a million WhatsApp messages (fewer statements and chunk steps), a few MB more in flight
AUTOMERGE = 4  # FTS5's default
CRISIS, BULK_CRISIS = 16, 64  # FTS5's default; while a bulk load runs
INLINE_EVENTS = 64  # a list this short is stored without a producer thread
_FTS_RANGE = ("INSERT INTO events_fts(rowid, text) SELECT id, text FROM event_rows "
              "WHERE id BETWEEN ? AND ?")


def replace(conn: Any, log: Logger, chain: str, item: Item, events: EventStream,
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
                 "FROM event_rows WHERE item_id = ?", (item.id,))
    conn.execute("DELETE FROM event_rows WHERE item_id = ?", (item.id,))
    conn.execute("DELETE FROM event_counts WHERE case_id = ? AND item_id = ?",
                 (item.case_id, item.id))
    count = insert(conn, log, chain, item.case_id, item, events, "events.replaced", reason)
    lines = set(marked.values())
    again = [row[0] for row in conn.execute(
        "SELECT id, loc_line FROM events WHERE item_id = ? ORDER BY seq", (item.id,))
        if row[1] in lines]
    set_marks(conn, log, chain, again, True)
    return count


def insert(conn: Any, log: Logger, chain: str, case_id: int, item: Item | None,
           events: EventStream, action: str = "events.added",
           reason: str | None = None) -> int:
    """Store events (they all belong to ``item``, or to the case when None).

    ``events`` may be a lazy iterable of any length (an importer still parsing): it is
    consumed in chunks, the next chunk made while SQLite stores and indexes the last one
    (:class:`Prefetch`, :class:`_Chunks`), so memory stays flat and the parse
    overlaps the database work.
    """
    item_id = item.id if item else None
    start = int(conn.execute("SELECT coalesce(max(seq), 0) FROM events WHERE case_id = ? "
                             "AND item_id IS ?", (case_id, item_id)).fetchone()[0])
    bases = _bases(conn, item_id)
    chunks = _Chunks(case_id, item_id, start, events, bases)
    short = isinstance(events, list) and len(events) <= INLINE_EVENTS
    if not short:
        _merging(conn, 0, BULK_CRISIS)
    with (Inline(chunks, 1) if short else Prefetch(chunks, 1)) as made:
        for [chunk] in made:
            _store(conn, chunk, made, chunks.digest)
    if not short:
        _merging(conn, AUTOMERGE, CRISIS)
    if chunks.count == 0:
        return 0
    counts.store(conn, case_id, item_id, chunks.buckets)
    digest = chunks.digest.result() if start == 0 else stored_digest(conn, case_id, item_id)
    payload: dict[str, object] = {"record": "events", "id": item_id, "data": digest}
    if reason is not None:
        payload["reason"] = reason
    log(chain, action, item.label if item else "case", payload)
    if chunks.marked:
        ids = conn.execute("SELECT id FROM events WHERE case_id = ? AND item_id IS ? AND "
                           "seq > ? ORDER BY seq", (case_id, item_id, start)).fetchall()
        set_marks(conn, log, chain, [ids[n][0] for n in chunks.marked], True)
    return chunks.count


def short_columns(events: Sequence[Event], case_id: int, item_id: int | None
                  ) -> list[Column]:
    """What :func:`event_columns` gives for a few events numbered from 1, built row by
    row (for an e-mail's one event its per-column machinery cost more than the rest of
    storing it; equal, tested)."""
    dumps = orjson.dumps
    rows = [(case_id, item_id, seq, e.kind, *instant_row(e.instant), e.text, e.actor,
             e.actor_identifier_id, *location_row(e.location),
             dumps(e.attachments).decode() if e.attachments else None,
             dumps(e.details).decode() if e.details else None)
            for seq, e in enumerate(events, 1)]
    return [list(column) for column in zip(*rows, strict=True)]


def columns_digest(columns: Sequence[Sequence[Any]]) -> dict[str, object]:
    """``ColumnsDigest`` fed ``columns`` in one go, its result (a column's hash is that
    of its JSON array: one call each instead of an incremental hash; equal, tested)."""
    total, dumps, sha256 = hashlib.sha256(), orjson.dumps, hashlib.sha256
    for column in columns:
        total.update(sha256(dumps(column)).digest())
    return {"count": len(columns[0]) if columns else 0, "sha256": total.hexdigest(),
            "form": ColumnsDigest.FORM}


_EXACT = frozenset({str, int, type(None)})
_HELD_INSERT = (f"INSERT INTO event_rows ({', '.join(STORED_COLUMNS)}) SELECT "
                f"{', '.join(f'value ->> {k}' for k in range(len(STORED_COLUMNS)))} "
                "FROM jsonb_each(jsonb(CAST(? AS TEXT)))")


def _json_rows(columns: list[Column]) -> bytes | None:
    """The rows as a JSON array, when JSON carries their values exactly (str without NUL
    or lone surrogate, int within 64 bits, None), as ``column_chunk`` decides."""
    values = [v for column in columns for v in column]
    if not set(map(type, values)) <= _EXACT:
        return None
    if "\x00" in "".join(v for v in values if type(v) is str):
        return None
    try:
        return orjson.dumps(list(zip(*columns, strict=True)))
    except (TypeError, orjson.JSONEncodeError):
        return None


HELD_ROWS = 2048  # events of new items held back (Pending) before they are written
HELD_BYTES = 8 << 20  # or this much of their JSON


class Pending:
    """Events of new items held back in a bulk transaction and written together: an
    mbox's e-mails (one event each) went in one JSON insert and one FTS5 insert per item,
    and FTS5 writes what each statement indexed as a segment of its own (3,000 bodies:
    170 µs per row one statement each, 72 µs a hundred at a time).

    Only a short list of events (fewer than ``FOLD_FROM``, none marked, no run) of an
    item created in this transaction is held, and only when JSON carries its values
    exactly; anything else goes the ordinary way, after a flush. Everything else about it
    is done at once, as by :func:`insert`: the bases it uses are numbered (those held
    back count as stored), its digest is computed from the very columns held and its
    custody entry is logged (the transaction holds both; the event ids SQLite gives at
    the flush are those it would have given one item at a time). The transaction
    flushes before anything else touches events and before COMMIT; reads through the
    store see held events only after a flush (:meth:`SqliteTransaction.flush`)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._reset()

    def _reset(self) -> None:
        self.rows: list[bytes] = []  # each item's rows: its JSON array without brackets
        self.count = self.size = 0
        self.bases: list[tuple[Any, ...]] = []  # event_bases rows held back
        self.counts: list[tuple[Any, ...]] = []  # event_counts rows held back
        self._unsourced: list[tuple[Any, ...]] | None = None  # bases without an artifact
        self._sourced: dict[str, list[tuple[Any, ...]]] = {}  # held bases by loc_sha
        self._next = 0

    def full(self) -> bool:
        return self.count >= HELD_ROWS or self.size >= HELD_BYTES

    def add(self, log: Logger, chain: str, item: Item, shas: Sequence[str],
            events: list[Any]) -> int | None:
        """Hold the events of ``item`` (new, its artifacts' SHA-256 ``shas``); None when
        they must be stored the ordinary way (nothing was held or logged then)."""
        assert item.id is not None
        if not 0 < len(events) < FOLD_FROM or any(type(e) is MessageRun for e in events):
            return None
        if marked_positions(events):
            return None
        columns = short_columns(events, item.case_id, item.id)
        bases = self._bases(shas)
        stored, new = bases.stored(columns)
        blob = _json_rows(stored)
        if blob is None:
            return None  # values JSON cannot carry exactly: digested from the stored rows
        for row in new:
            if row[4] is None:
                assert self._unsourced is not None
                self._unsourced.append(row)
            else:
                self._sourced.setdefault(row[4], []).append(row)
        self.bases.extend(new)
        self._next = bases.next
        self.rows.append(blob[1:-1])
        self.count += len(events)
        self.size += len(blob)
        buckets = counts.BucketCounter()
        buckets.add(columns[3], columns[4], columns[11])  # kind, utc, actor
        self.counts.extend((item.case_id, item.id, b, k, a, n)
                           for (b, k, a), n in buckets.counts.items())
        digest = columns_digest(columns[2:])
        log(chain, "events.added", item.label,
            {"record": "events", "id": item.id, "data": digest})
        return len(events)

    def _bases(self, shas: Sequence[str]) -> Bases:
        """What :func:`_bases` finds for an item whose artifacts are ``shas``, the bases
        held back included."""
        if self._unsourced is None:
            self._unsourced = self.conn.execute(
                "SELECT id, time_source, precision, zone, loc_sha FROM event_bases "
                "WHERE loc_sha IS NULL").fetchall()
            top = self.conn.execute("SELECT coalesce(max(id), 0) FROM event_bases").fetchone()
            self._next = int(top[0]) + 1
        known = list(self._unsourced)
        if shas:
            marks = ", ".join("?" for _ in shas)
            known.extend(self.conn.execute(
                "SELECT id, time_source, precision, zone, loc_sha FROM event_bases "
                f"WHERE loc_sha IN ({marks}) ORDER BY id", tuple(shas)))
            for sha in shas:
                known.extend(self._sourced.get(sha, ()))
        bases = Bases(known)
        bases.next = self._next
        return bases

    def flush(self) -> None:
        """Write what is held: bases, then every item's rows in one statement (ids in
        the order the items were held), their FTS5 entries in one, then their counts."""
        if self.count == 0:
            self._reset()  # what it knew of the bases may be changed by the next insert
            return
        if self.bases:
            self.conn.executemany("INSERT INTO event_bases (id, time_source, precision, "
                                  "zone, loc_sha) VALUES (?, ?, ?, ?, ?)", self.bases)
        last = self.conn.execute(_HELD_INSERT, (b"[" + b",".join(self.rows) + b"]",)).lastrowid
        self.conn.execute(_FTS_RANGE, (last - self.count + 1, last))
        self.conn.executemany(
            "INSERT INTO event_counts (case_id, item_id, bucket, kind, actor, n) "
            "VALUES (?, ?, ?, ?, ?, ?)", self.counts)
        self._reset()


def _merging(conn: Any, automerge: int, crisis: int) -> None:
    """FTS5's segment merging. While a bulk load runs: no incremental merging (15 % of the
    FTS5 time on a million messages, queries as fast afterwards), and a level merged only
    once it holds ``BULK_CRISIS`` segments, not 16; later inserts merge as usual. Not
    switched for a short list (an e-mail's one event): each switch writes FTS5's
    configuration and flushes its pending terms, a third of the event time of an mbox
    item."""
    for name, value in (("automerge", automerge), ("crisismerge", crisis)):
        conn.execute(f"INSERT INTO events_fts(events_fts, rank) VALUES('{name}', {value})")


def _bases(conn: Any, item_id: int | None) -> Bases:
    """The bases this insert can share: those of the item's own artifacts and those
    without an artifact, found through the ``event_bases_key`` index. Reading the whole
    table here made every e-mail item of an mbox (one basis each) cost as much as all
    before it: 20,000 messages took 14x the time of 5,000. A basis of another item's
    artifact is not looked for; should one be needed it is numbered again (a second
    row with the same values, which the ``events`` view reads the same)."""
    bases = Bases(conn.execute(
        "SELECT id, time_source, precision, zone, loc_sha FROM event_bases "
        "WHERE loc_sha IS NULL OR loc_sha IN "
        "(SELECT sha256 FROM artifacts WHERE item_id IS ?)", (item_id,)))
    top = conn.execute("SELECT coalesce(max(id), 0) FROM event_bases").fetchone()[0]
    bases.next = int(top) + 1
    return bases


def _store(conn: Any, chunk: Chunk, made: Prefetch[Chunk] | Inline[Chunk],
           digest: ColumnsDigest) -> None:
    """One chunk into ``events`` and the FTS5 index. A chunk bound row by row (values JSON
    cannot carry exactly) is digested from what SQLite stored, before the producer may
    make (and digest) the next one."""
    if chunk.bases:
        conn.executemany("INSERT INTO event_bases (id, time_source, precision, zone, loc_sha) "
                         "VALUES (?, ?, ?, ?, ?)", chunk.bases)
    if chunk.blob is not None:
        made.release()  # one statement, no GIL held: the producer may run now
        last = conn.execute(chunk.sql, (chunk.blob,)).lastrowid
    else:
        conn.executemany(chunk.sql, chunk.rows)  # releases the GIL row by row:
        last = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
    first = last - chunk.count + 1  # ids are max(id) + 1: consecutive within the chunk
    if chunk.blob is None:
        digest.add_rows(conn.execute(f"SELECT {CONTENT_COLUMNS} FROM events WHERE id "
                                     "BETWEEN ? AND ? ORDER BY id", (first, last)).fetchall())
        made.release()  # the producer waited until now (no convoy)
    conn.execute(_FTS_RANGE, (first, last))


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
        conn.execute("UPDATE event_rows SET marked = ? WHERE id = ?", (int(marked), event_id))
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


def of_case(conn: Any, case_id: int, hidden: Sequence[int] = ()) -> list[Event]:
    scope, kept = not_hidden("item_id", hidden)
    return [event(r) for r in conn.execute(
        f"SELECT {COLUMNS} FROM events WHERE case_id = ? {scope} ORDER BY utc, id",
        (case_id, *kept))]


def by_id(conn: Any, event_id: int) -> Event | None:
    row = conn.execute(f"SELECT {COLUMNS} FROM events WHERE id = ?", (event_id,)).fetchone()
    return None if row is None else event(row)


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


class Hidden(tuple[int, ...]):
    """Hidden item ids, and (``events``) the ids of events a correction superseded: what
    case-wide reads leave out. A plain tuple of item ids is a ``Hidden`` without events."""

    events: tuple[int, ...] = ()

    @classmethod
    def of(cls, items: Sequence[int], events: Sequence[int]) -> Hidden:
        made = cls(items)
        made.events = tuple(events)
        return made


def not_hidden(column: str, hidden: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    """The SQL term (with its leading AND) that leaves out the events of ``hidden`` items
    (withdrawn or superseded) and the events a correction superseded; the case's own
    events (no item) always stay."""
    events: tuple[int, ...] = getattr(hidden, "events", ())
    terms, kept = [], tuple(hidden)
    if hidden:
        marks = ", ".join("?" * len(hidden))
        terms.append(f"({column} IS NULL OR {column} NOT IN ({marks}))")
    if events:
        ids = column.removesuffix("item_id") + "id"
        terms.append(f"{ids} NOT IN ({', '.join('?' * len(events))})")
        kept += events
    return ("AND " + " AND ".join(terms) if terms else ""), kept


def _filters(query: EventQuery, hidden: Sequence[int] = (), dated_only: bool = False
             ) -> tuple[list[str], list[object]]:
    """The WHERE terms over ``event_rows e`` (every filter is a column of the stored rows:
    the ``events`` view's join of the bases is left to the rows of one page)."""
    where: list[str] = ["e.case_id = ?"]
    params: list[object] = [query.case_id]
    scope, kept = not_hidden("e.item_id", hidden)
    if scope:
        where.append(scope.removeprefix("AND "))
        params.extend(kept)
    lists: tuple[tuple[str, Sequence[object] | None], ...] = (
        ("e.actor", query.actors), ("e.item_id", query.item_ids), ("e.kind", query.kinds))
    for column, values in lists:
        if values is not None:
            where.append(f"{column} IN ({', '.join('?' * len(values))})" if values else "0")
            params.extend(values)
    if query.kinds is not None and "message" not in query.kinds:
        where.append("e.kind <> 'message'")  # lets SQLite use the partial kind index
    if query.since is not None:
        where.append("e.utc >= ?")
        params.append(_iso(query.since))
    if query.until is not None:
        where.append("e.utc < ?")
        params.append(_iso(query.until))
    if query.marked_only:
        where.append("e.marked = 1")
    _keyset(query, where, params, dated_only)
    return where, params


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _keyset(query: EventQuery, where: list[str], params: list[object],
            dated_only: bool = False) -> None:
    """Only the events after / before a position in time order (undated first; a row
    value comparison, which SQLite reads as a range of the (case_id, utc, id) index).
    ``dated_only``: before a dated position, only the dated events (a range alone: with
    the undated ones OR-ed in, SQLite reads every entry of the index up to there)."""
    if query.after is not None:
        if query.after.utc is None:
            where.append("(e.utc IS NOT NULL OR e.id > ?)")
            params.append(query.after.event_id)
        else:
            where.append("(e.utc, e.id) > (?, ?)")
            params.extend((_iso(query.after.utc), query.after.event_id))
    if query.before is not None:
        if query.before.utc is None:
            where.append("e.utc IS NULL AND e.id < ?")
            params.append(query.before.event_id)
        else:
            where.append("(e.utc, e.id) < (?, ?)" if dated_only else
                         "(e.utc IS NULL OR (e.utc, e.id) < (?, ?))")
            params.extend((_iso(query.before.utc), query.before.event_id))


def _matching(conn: Any, query: EventQuery, hidden: Sequence[int], dated_only: bool = False
              ) -> tuple[str, list[str], list[object]]:
    """The source and terms of a query: with words, the FTS5 index (joined to the rows
    only when a filter needs them: a join per hit costs as much as ranking it)."""
    where, params = _filters(query, hidden, dated_only)
    expression = match_expression(query.text or "")
    if expression is None:
        return "event_rows e", where, params
    if len(where) == 1 and _only_case(conn, query.case_id):
        return "events_fts f", ["events_fts MATCH ?"], [expression]
    return ("events_fts f JOIN event_rows e ON e.id = f.rowid",
            ["events_fts MATCH ?", *where], [expression, *params])


def _only_case(conn: Any, case_id: int) -> bool:
    """Whether every event of the vault belongs to this case (two index look-ups)."""
    low, high = conn.execute("SELECT (SELECT min(case_id) FROM event_rows), "
                             "(SELECT max(case_id) FROM event_rows)").fetchone()
    return bool(low == high == case_id)


def search(conn: Any, query: EventQuery, hidden: Sequence[int] = ()) -> list[EventHit]:
    """One page of hits: ranked by bm25 (ties by id) when there are words (or newest
    first: ``newest_first``), else in time order (keyset: ``after`` / ``before``). The
    page's ids are found first, over the stored rows and the index alone (a bounded
    top-k sort of ids, never every hit's columns); then only those rows are read whole."""
    backwards = query.before is not None and query.after is None and not query.text
    if backwards and query.before is not None and query.before.utc is not None \
            and not query.offset:
        return _backwards(conn, query, hidden)
    if query.newest_first and match_expression(query.text or "") is not None:
        return _hits(conn, _newest(conn, query, hidden))
    source, where, params = _matching(conn, query, hidden)
    ranked = source.startswith("events_fts")
    column = "f.rowid" if ranked else "e.id"
    if ranked:
        order = "bm25(events_fts), f.rowid"
    elif backwards:
        order = "e.utc DESC, e.id DESC"  # the page that ends before: read backwards
    else:
        order = "e.utc, e.id"
    ids = [r[0] for r in conn.execute(
        f"SELECT {column} FROM {source} WHERE {' AND '.join(where)} ORDER BY {order} "
        "LIMIT ? OFFSET ?", (*params, query.limit, query.offset))]
    if backwards:
        ids.reverse()
    return _hits(conn, ids)


THIN = 20_000  # hits of a word at most sorted by time one by one (≈0.6 µs each)


def _newest(conn: Any, query: EventQuery, hidden: Sequence[int]) -> list[int]:
    """The ids of one page of a word's hits, newest first, without ranking them. Up to
    ``THIN`` hits (a bounded count of the index alone), each hit's time is looked up
    and the hits sorted; more, and the hits' ids become a list that the time index,
    read backwards, is checked against (34 ms for 143,000 hits of 1,000,000 events,
    where bm25 took 308): a common word's 50 newest are among the first index entries."""
    where, params = _filters(_with(query, after=None, before=None), hidden)
    expression = match_expression(query.text or "")
    thin = conn.execute("SELECT count(*) FROM (SELECT 1 FROM events_fts WHERE events_fts "
                        f"MATCH ? LIMIT {THIN + 1})", (expression,)).fetchone()[0] <= THIN
    if thin:
        sql = ("SELECT e.id FROM events_fts f CROSS JOIN event_rows e ON e.id = f.rowid "
               f"WHERE events_fts MATCH ? AND {' AND '.join(where)} ")
        params = [expression, *params]
    else:
        sql = (f"SELECT e.id FROM event_rows e WHERE {' AND '.join(where)} AND e.id IN "
               "(SELECT rowid FROM events_fts WHERE events_fts MATCH ?) ")
        params = [*params, expression]
    return [r[0] for r in conn.execute(sql + "ORDER BY e.utc DESC, e.id DESC LIMIT ? "
                                       "OFFSET ?", (*params, query.limit, query.offset))]


def _backwards(conn: Any, query: EventQuery, hidden: Sequence[int]) -> list[EventHit]:
    """The page that ends before a dated position: the dated events before it (a range of
    the index, read backwards), then, if the page is not full, the undated ones (which
    come first in time order)."""
    assert query.before is not None and query.before.utc is not None
    source, where, params = _matching(conn, query, hidden, dated_only=True)
    ids = [r[0] for r in conn.execute(
        f"SELECT e.id FROM {source} WHERE {' AND '.join(where)} ORDER BY e.utc DESC, "
        "e.id DESC LIMIT ?", (*params, query.limit))]
    ids.reverse()
    if len(ids) < query.limit:
        undated = _with(query, before=Position(None, 1 << 62), limit=query.limit - len(ids))
        return [*search(conn, undated, hidden), *_hits(conn, ids)]
    return _hits(conn, ids)


def _hits(conn: Any, ids: list[int]) -> list[EventHit]:
    if not ids:
        return []
    found = {r[0]: EventHit(event(r[:-1]), int(r[-1])) for r in conn.execute(
        f"SELECT {_E_COLUMNS}, coalesce(i.number, 0) FROM events e "
        "LEFT JOIN items i ON i.id = e.item_id WHERE e.id IN (SELECT value FROM "
        "json_each(?))", (orjson.dumps(ids).decode(),))}  # any number of ids, one parameter
    return [found[i] for i in ids]


def count(conn: Any, query: EventQuery, hidden: Sequence[int] = (),
          cap: int | None = None) -> int:
    """How many events match; with ``cap``, counting stops after ``cap + 1`` (a common
    word: "more than 1,000")."""
    if query.before is not None and query.before.utc is not None and not query.text:
        # the dated events before it (a range of the index), and the undated ones
        undated = count(conn, _with(query, before=Position(None, 1 << 62)), hidden, cap)
        found = undated + _count(conn, query, hidden, cap, dated_only=True)
        return found if cap is None else min(found, cap + 1)
    return _count(conn, query, hidden, cap)


def _count(conn: Any, query: EventQuery, hidden: Sequence[int], cap: int | None,
           dated_only: bool = False) -> int:
    source, where, params = _matching(conn, query, hidden, dated_only)
    inner = f"SELECT 1 FROM {source} WHERE {' AND '.join(where)}"
    if cap is not None:
        inner += f" LIMIT {int(cap) + 1}"
    row = conn.execute(f"SELECT count(*) FROM ({inner})", params).fetchone()
    return int(row[0])


def position(conn: Any, query: EventQuery, hidden: Sequence[int] = ()) -> Position | None:
    """The position of the event at ``query.offset`` in time order (a page number's
    first event), read from the index (no row of the view is built)."""
    source, where, params = _matching(conn, _with(query, text=None), hidden)
    row = conn.execute(f"SELECT e.utc, e.id FROM {source} WHERE {' AND '.join(where)} "
                       "ORDER BY e.utc, e.id LIMIT 1 OFFSET ?", (*params, query.offset)
                       ).fetchone()
    if row is None:
        return None
    return Position(None if row[0] is None else datetime.fromisoformat(row[0]), int(row[1]))


def actor_counts(conn: Any, case_id: int, item_id: int | None,
                 hidden: Sequence[int] = ()) -> list[ActorCount]:
    scope, kept = not_hidden("item_id", hidden)
    params: tuple[object, ...] = (case_id, *kept)
    if item_id:
        scope, params = "AND item_id = ?", (case_id, item_id)
    rows = conn.execute(
        f"SELECT actor, count(*), min(utc), max(utc) FROM events WHERE case_id = ? {scope} "
        "GROUP BY actor ORDER BY count(*) DESC, actor", params)
    return [ActorCount(r[0], int(r[1]), r[2], r[3]) for r in rows]


def day_counts(conn: Any, case_id: int, hidden: Sequence[int] = ()) -> list[DayCount]:
    """Events per day (in the offset each was observed with) per actor."""
    scope, kept = not_hidden("item_id", hidden)
    rows = conn.execute(
        "SELECT date(utc, printf('%+d seconds', offset_seconds)) AS day, actor, count(*) "
        f"FROM events WHERE case_id = ? AND utc IS NOT NULL {scope} GROUP BY day, actor "
        "ORDER BY day, actor", (case_id, *kept))
    return [DayCount(r[0], r[1], int(r[2])) for r in rows]


def record_rows(conn: Any, case_id: int) -> Iterator[tuple[str, int, dict[str, object]]]:
    """Per item the events digest, per ever-marked event its mark state (for verify)."""
    item_ids = [r[0] for r in conn.execute(
        "SELECT id FROM items WHERE case_id = ? AND EXISTS (SELECT 1 FROM events e "
        "WHERE e.item_id = items.id) ORDER BY id", (case_id,))]
    forms = _digest_forms(conn, case_id)
    for item_id in item_ids:
        yield "events", item_id, stored_digest(conn, case_id, item_id, forms.get(item_id))
    for event_id, item_id, seq, marked in conn.execute(
            "SELECT id, item_id, seq, marked FROM events WHERE case_id = ? AND "
            "marked IS NOT NULL ORDER BY id", (case_id,)).fetchall():
        yield "event-mark", event_id, mark_state(event_id, item_id, seq, bool(marked))
