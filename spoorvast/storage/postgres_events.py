"""Events in the PostgreSQL metadata store: COPY insert, text search, marks, counts, digests.

The same meaning as the embedded store's events (``sqlite_events.py``): the same columns,
per-item ``seq``, the same custody entries (per item a count and a
:class:`~spoorvast.storage.sqlite_event_columns.ColumnsDigest` of the content columns,
computed from the very column values that are stored; marks one entry per event). The
column making and digesting is the embedded store's, engine-free Python; only the SQL
differs. Rows go in by ``COPY … FROM STDIN``, a chunk at a time while the importer keeps
parsing (:class:`~spoorvast.storage.prefetch.Prefetch`).

PostgreSQL's ``text`` cannot hold U+0000, which SQLite can. A string value that holds one
(or that starts with :data:`ESCAPED`) is stored as ``ESCAPED`` + its JSON text and decoded
when read, so every value reads back exactly as it was given and the digests agree. Such
a text is found by search only by its words without the NUL.

Search differences with FTS5 (``unicode61 remove_diacritics 2``): words are PostgreSQL's
``simple`` parser's tokens of the text with diacritics removed (``unaccent``) and ASCII
punctuation turned into spaces; a prefix word of several tokens (``"a-b*"``) makes every
token a prefix, not only the last; the order of hits with words is ``ts_rank`` (FTS5:
bm25), ties by id.

The read side at many events, as the embedded store's: a page in time order is found by
position (``EventQuery.after`` / ``before``: ``(utc, id) > (%s, %s)``, a range of the
``(case_id, utc, id)`` index) instead of OFFSET; a count with a cap stops after
``cap + 1``; counts per ten minutes are kept at import in ``event_counts``
(:mod:`.postgres_counts`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace as _with
from datetime import UTC, datetime
from typing import Any

from spoorvast.model.conversation import ActorCount, DayCount, EventHit, EventQuery, Position
from spoorvast.model.message_run import EventStream, MessageRun
from spoorvast.model.records import Event, Item
from spoorvast.storage import postgres_counts as counts
from spoorvast.storage.base import case_chain
from spoorvast.storage.prefetch import Inline, Prefetch
from spoorvast.storage.sqlite_event_chunks import CONTENT_COLUMNS
from spoorvast.storage.sqlite_event_columns import Bases, ColumnsDigest
from spoorvast.storage.sqlite_events import (
    CHUNK,
    COLUMNS,
    CONTENT_WIDTH,
    INLINE_EVENTS,
    Logger,
    _Chunks,
    event,
    mark_state,
    row_digest,
)

Row = tuple[Any, ...]
Column = list[Any]
ESCAPED = counts.ESCAPED  # a noncharacter (U+FDD0): marks a value stored as JSON text
_E_COLUMNS = ", ".join("e." + c.strip() for c in COLUMNS.split(","))
INSERT_COLUMNS = f"case_id, item_id, {CONTENT_COLUMNS}"
# an insert this large refreshes the planner's statistics in its own transaction: right
# after a first import they would say the table is (nearly) empty, and a timeline page
# sorted all of a case's events instead of reading the time index (45 ms at 20,000)
ANALYZE_AFTER = 10_000


# -- values PostgreSQL's text cannot hold ------------------------------------------------


def _escaped_column(column: Column) -> Column:
    """The column with each str that holds U+0000 (or starts with ESCAPED) escaped. The
    common case is decided by one C call (``repr`` shows both as escapes)."""
    shown = repr(column)
    if "\\x00" not in shown and "\\ufdd0" not in shown:
        return column
    return [ESCAPED + json.dumps(v) if type(v) is str and ("\x00" in v or
            v.startswith(ESCAPED)) else v for v in column]


def decoded(row: Row) -> Row:
    """A row read back, escaped values decoded (see :func:`_escaped_column`)."""
    for value in row:
        if type(value) is str and value.startswith(ESCAPED):
            return tuple(json.loads(v[1:]) if type(v) is str and v.startswith(ESCAPED)
                         else v for v in row)
    return row


def read_event(row: Row) -> Event:
    return event(decoded(row))


# -- writing --------------------------------------------------------------------------


class _ColumnChunks(_Chunks):
    """The embedded store's chunking and digesting; a chunk is its columns (the
    ``case_id``, ``item_id`` and content columns), escaped for PostgreSQL."""

    def _chunk(self, pieces: list[list[Event] | MessageRun], size: int) -> Any:
        events = [e for piece in pieces if type(piece) is list for e in piece]
        columns = self._columns(pieces, events, self.start + self.count + 1)
        self._note_marks(events, pieces)
        self.buckets.add(columns[3], columns[4], columns[11])  # kind, utc, actor
        self.digest.add_columns(columns[2:])
        self.count += size
        return [_escaped_column(c) for c in columns]


def insert(conn: Any, log: Logger, chain: str, case_id: int, item: Item | None,
           events: EventStream, action: str = "events.added",
           reason: str | None = None) -> int:
    """Store events (they all belong to ``item``, or to the case when None); ``events``
    may be a lazy iterable, consumed once, a chunk at a time."""
    item_id = item.id if item else None
    start = int(conn.execute(
        "SELECT coalesce(max(seq), 0) FROM events WHERE case_id = %s AND item_id IS NOT "
        "DISTINCT FROM %s", (case_id, item_id)).fetchone()[0])
    chunks = _ColumnChunks(case_id, item_id, start, events, Bases(()))
    short = isinstance(events, list) and len(events) <= INLINE_EVENTS
    with (Inline(chunks, 1) if short else Prefetch(chunks, 1)) as made, \
            conn.cursor() as cursor, \
            cursor.copy(f"COPY events ({INSERT_COLUMNS}) FROM STDIN") as copy:
        write = copy.write_row
        for [chunk] in made:
            columns: list[Column] = chunk  # type: ignore[assignment]
            for row in zip(*columns, strict=True):
                write(row)
            made.release()  # psycopg's writer thread sends it: the producer may run now
    if chunks.count == 0:
        return 0
    counts.store(conn, case_id, item_id, chunks.buckets)
    if chunks.count >= ANALYZE_AFTER:  # the planner's statistics would still say empty
        conn.execute("ANALYZE events")
    digest = chunks.digest.result() if start == 0 else stored_digest(conn, case_id, item_id)
    payload: dict[str, object] = {"record": "events", "id": item_id, "data": digest}
    if reason is not None:
        payload["reason"] = reason
    log(chain, action, item.label if item else "case", payload)
    if chunks.marked:
        ids = conn.execute("SELECT id FROM events WHERE case_id = %s AND item_id IS NOT "
                           "DISTINCT FROM %s AND seq > %s ORDER BY seq",
                           (case_id, item_id, start)).fetchall()
        set_marks(conn, log, chain, [ids[n][0] for n in chunks.marked], True)
    return chunks.count


def replace(conn: Any, log: Logger, chain: str, item: Item, events: EventStream,
            reason: str) -> int:
    """Put new events in place of an item's events; marks move to the new event read
    from the same source line (as the embedded store does)."""
    assert item.id is not None
    marked = dict(conn.execute(
        "SELECT id, loc_line FROM events WHERE item_id = %s AND marked = 1",
        (item.id,)).fetchall())
    for (event_id,) in conn.execute("SELECT id FROM events WHERE item_id = %s AND marked IS "
                                    "NOT NULL ORDER BY id", (item.id,)).fetchall():
        log(chain, "event.mark-removed", item.label,
            {"record": "event-mark", "id": event_id, "data": None, "reason": reason})
    conn.execute("DELETE FROM events WHERE item_id = %s", (item.id,))
    counts.drop(conn, item.case_id, item.id)
    count = insert(conn, log, chain, item.case_id, item, events, "events.replaced", reason)
    lines = set(marked.values())
    again = [row[0] for row in conn.execute(
        "SELECT id, loc_line FROM events WHERE item_id = %s ORDER BY seq",
        (item.id,)).fetchall() if row[1] in lines]
    set_marks(conn, log, chain, again, True)
    return count


def set_marks(conn: Any, log: Logger, chain: str, event_ids: Sequence[int],
              marked: bool) -> int:
    """Mark or unmark events; one custody entry per event whose state changes."""
    changed = 0
    for event_id in event_ids:
        row = conn.execute("SELECT e.item_id, e.seq, e.marked, i.number FROM events e "
                           "LEFT JOIN items i ON i.id = e.item_id WHERE e.id = %s",
                           (event_id,)).fetchone()
        if row is None or (row[2] is not None and bool(row[2]) == marked):
            continue
        conn.execute("UPDATE events SET marked = %s WHERE id = %s", (int(marked), event_id))
        subject = f"E-{row[3]:04d}:m{row[1]}" if row[3] is not None else f"event-{event_id}"
        log(chain, "event.marked" if marked else "event.unmarked", subject,
            {"record": "event-mark", "id": event_id,
             "data": mark_state(event_id, row[0], row[1], marked)})
        changed += 1
    return changed


# -- digest ---------------------------------------------------------------------------


def stored_digest(conn: Any, case_id: int, item_id: int | None,
                  form: str | None = ColumnsDigest.FORM) -> dict[str, object]:
    """The digest of an item's stored rows, in the form its custody entry used."""
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT {CONTENT_COLUMNS} FROM events WHERE case_id = %s AND "
                       "item_id IS NOT DISTINCT FROM %s ORDER BY seq", (case_id, item_id))
        if form != ColumnsDigest.FORM:
            return row_digest(map(decoded, cursor))
        digest = ColumnsDigest(CONTENT_WIDTH)
        while rows := cursor.fetchmany(CHUNK):
            digest.add_rows([decoded(r) for r in rows])
        return digest.result()


def _digest_forms(conn: Any, case_id: int) -> dict[int, str | None]:
    """item id -> the digest form of the last events entry the custody log holds for it."""
    found: dict[int, str | None] = {}
    for item_id, form in conn.execute(
            "SELECT (payload::jsonb ->> 'id')::bigint, payload::jsonb #>> '{data,form}' "
            "FROM custody WHERE chain = %s AND payload::jsonb ->> 'record' = 'events' "
            "ORDER BY seq", (case_chain(case_id),)).fetchall():
        found[item_id] = form
    return found


# -- reading --------------------------------------------------------------------------


def of_item(conn: Any, case_id: int, item_id: int | None) -> list[Event]:
    return [read_event(r) for r in conn.execute(
        f"SELECT {COLUMNS} FROM events WHERE case_id = %s AND item_id IS NOT DISTINCT "
        "FROM %s ORDER BY seq", (case_id, item_id)).fetchall()]


def of_case(conn: Any, case_id: int, hidden: Sequence[int] = ()) -> list[Event]:
    scope, kept = not_hidden("item_id", hidden)
    return [read_event(r) for r in conn.execute(
        f"SELECT {COLUMNS} FROM events WHERE case_id = %s {scope} ORDER BY utc NULLS FIRST, id",
        (case_id, *kept)).fetchall()]


def by_id(conn: Any, event_id: int) -> Event | None:
    row = conn.execute(f"SELECT {COLUMNS} FROM events WHERE id = %s", (event_id,)).fetchone()
    return None if row is None else read_event(row)


def by_ref(conn: Any, case_id: int, item_number: int, seq: int) -> Event | None:
    row = conn.execute(
        f"SELECT {_E_COLUMNS} FROM events e JOIN items i ON i.id = e.item_id "
        "WHERE i.case_id = %s AND i.number = %s AND e.seq = %s",
        (case_id, item_number, seq)).fetchone()
    return None if row is None else read_event(row)


def not_hidden(column: str, hidden: Sequence[int]) -> tuple[str, tuple[object, ...]]:
    """The SQL term (with its leading AND) that leaves out the events of ``hidden`` items
    and the events a correction superseded (``hidden.events``, see
    :class:`~spoorvast.storage.sqlite_events.Hidden`); the case's own events stay."""
    events: tuple[int, ...] = getattr(hidden, "events", ())
    terms: list[str] = []
    kept: tuple[object, ...] = ()
    if hidden:
        terms.append(f"({column} IS NULL OR {column} <> ALL(%s))")
        kept += (list(hidden),)
    if events:
        terms.append(f"{column.removesuffix('item_id') + 'id'} <> ALL(%s)")
        kept += (list(events),)
    return ("AND " + " AND ".join(terms) if terms else ""), kept


_WORD = re.compile(r"\S+")
_PHRASE = "phraseto_tsquery('simple', spoorvast_fold(%s))"
_PREFIX = ("(SELECT CASE WHEN btrim(f) = '' THEN ''::tsquery ELSE "
           "to_tsquery('simple', '''' || f || ''':*') END "
           "FROM (SELECT spoorvast_fold(%s) AS f) AS w)")


def words_query(text: str) -> tuple[str, list[str]] | None:
    """The user's words as a tsquery expression: every word must occur, as a phrase of
    its tokens (a trailing ``*`` is a prefix search). The words travel as parameters;
    folding removes the quotes and backslashes ``to_tsquery`` would read."""
    parts, params = [], []
    for word in _WORD.findall(text):
        prefix = word.endswith("*") and len(word) > 1
        parts.append(_PREFIX if prefix else _PHRASE)
        params.append((word[:-1] if prefix else word).replace("\x00", " "))
    if not parts:
        return None
    return "(" + " && ".join(parts) + ")", params


def _filters(query: EventQuery, hidden: Sequence[int] = (), dated_only: bool = False
             ) -> tuple[list[str], list[object]]:
    where: list[str] = ["e.case_id = %s"]
    params: list[object] = [query.case_id]
    scope, kept = not_hidden("e.item_id", hidden)
    if scope:
        where.append(scope.removeprefix("AND "))
        params.extend(kept)
    lists: tuple[tuple[str, Sequence[object] | None], ...] = (
        ("e.actor", query.actors), ("e.item_id", query.item_ids), ("e.kind", query.kinds))
    for column, values in lists:
        if values is not None:
            where.append(f"{column} = ANY(%s)")
            params.append(_escaped_column(list(values)))  # as the stored values are
    if query.kinds is not None and "message" not in query.kinds:
        where.append("e.kind <> 'message'")  # lets PostgreSQL use the partial kind index
    if query.since is not None:
        where.append("e.utc >= %s")
        params.append(_iso(query.since))
    if query.until is not None:
        where.append("e.utc < %s")
        params.append(_iso(query.until))
    if query.marked_only:
        where.append("e.marked = 1")
    _keyset(query, where, params, dated_only)
    return where, params


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _keyset(query: EventQuery, where: list[str], params: list[object],
            dated_only: bool = False) -> None:
    """Only the events after / before a position in time order (undated first): a row
    comparison, which PostgreSQL reads as a range of the (case_id, utc, id) index.
    ``dated_only``: before a dated position, only the dated events (a range alone: with
    the undated ones OR-ed in, a backward scan filters every entry down to there)."""
    if query.after is not None:
        if query.after.utc is None:
            where.append("(e.utc IS NOT NULL OR e.id > %s)")
            params.append(query.after.event_id)
        else:
            where.append("(e.utc, e.id) > (%s, %s)")
            params.extend((_iso(query.after.utc), query.after.event_id))
    if query.before is not None:
        if query.before.utc is None:
            where.append("e.utc IS NULL AND e.id < %s")
            params.append(query.before.event_id)
        else:
            where.append("(e.utc, e.id) < (%s, %s)" if dated_only else
                         "(e.utc IS NULL OR (e.utc, e.id) < (%s, %s))")
            params.extend((_iso(query.before.utc), query.before.event_id))


_UNDATED_END = Position(None, 1 << 62)  # before it: every undated event


def search(conn: Any, query: EventQuery, hidden: Sequence[int] = ()) -> list[EventHit]:
    """A page of hits: ranked (``ts_rank``, ties by id) when there are words (newest
    first with ``newest_first``), else in time order (keyset: ``after`` / ``before``).
    The page is cut from the events first and only its rows are joined to their items
    (joining before OFFSET cost a lookup per skipped row)."""
    backwards = query.before is not None and query.after is None and not query.text
    if backwards and query.before is not None and query.before.utc is not None \
            and not query.offset:
        return _backwards(conn, query, hidden)
    where, params = _filters(query, hidden)
    words = words_query(query.text or "")
    rank, order = "", "utc NULLS FIRST, id"
    if backwards:
        order = "utc DESC NULLS LAST, id DESC"  # the page that ends before: read backwards
    source = "events e"
    if words is not None:
        source = f"events e CROSS JOIN (SELECT {words[0]} AS query) AS q"
        params = [*words[1], *params]
        where.insert(0, "e.words @@ q.query")
        rank, order = ", ts_rank(e.words, q.query) AS rank", "rank DESC, id"
        if query.newest_first:  # a common word: its newest hits, none ranked
            rank, order = "", "utc DESC NULLS LAST, id DESC"
    hits = _page(conn, source, where, params, rank, order, query.limit, query.offset)
    if backwards:
        hits.reverse()
    return hits


def _page(conn: Any, source: str, where: list[str], params: list[object], rank: str,
          order: str, limit: int, offset: int = 0) -> list[EventHit]:
    page = (f"SELECT {_E_COLUMNS}{rank} FROM {source} WHERE {' AND '.join(where)} "
            f"ORDER BY {order} LIMIT %s OFFSET %s")
    sql = (f"SELECT {_E_COLUMNS}, coalesce(i.number, 0) FROM ({page}) AS e "
           f"LEFT JOIN items i ON i.id = e.item_id ORDER BY {_prefixed(order)}")
    rows = conn.execute(sql, (*params, limit, offset)).fetchall()
    return [EventHit(read_event(r[:-1]), int(r[-1])) for r in rows]


def _backwards(conn: Any, query: EventQuery, hidden: Sequence[int]) -> list[EventHit]:
    """The page that ends before a dated position: the dated events before it (a range of
    the index, read backwards), then, if the page is not full, the undated ones (which
    come first in time order)."""
    where, params = _filters(query, hidden, dated_only=True)
    hits = _page(conn, "events e", where, params, "", "utc DESC NULLS LAST, id DESC",
                 query.limit)
    hits.reverse()
    if len(hits) < query.limit:
        undated = _with(query, before=_UNDATED_END, limit=query.limit - len(hits))
        return [*search(conn, undated, hidden), *hits]
    return hits


def _prefixed(order: str) -> str:
    return ", ".join("e." + term.strip() for term in order.split(","))


def count(conn: Any, query: EventQuery, hidden: Sequence[int] = (),
          cap: int | None = None) -> int:
    """How many events match; with ``cap``, counting stops after ``cap + 1``."""
    if query.before is not None and query.before.utc is not None and not query.text:
        # the dated events before it (a range of the index), and the undated ones
        undated = count(conn, _with(query, before=_UNDATED_END), hidden, cap)
        found = undated + _count(conn, query, hidden, cap, dated_only=True)
        return found if cap is None else min(found, cap + 1)
    return _count(conn, query, hidden, cap)


def _count(conn: Any, query: EventQuery, hidden: Sequence[int], cap: int | None,
           dated_only: bool = False) -> int:
    where, params = _filters(query, hidden, dated_only)
    words = words_query(query.text or "")
    if words is not None:
        where.insert(0, f"e.words @@ {words[0]}")
        params = [*words[1], *params]
    inner = f"SELECT 1 FROM events e WHERE {' AND '.join(where)}"
    if cap is not None:
        inner += f" LIMIT {int(cap) + 1}"
    row = conn.execute(f"SELECT count(*) FROM ({inner}) AS hits", params).fetchone()
    return int(row[0])


def position(conn: Any, query: EventQuery, hidden: Sequence[int] = ()) -> Position | None:
    """The position of the event at ``query.offset`` in time order (a page number's
    first event), read from the index."""
    where, params = _filters(_with(query, text=None), hidden)
    row = conn.execute(f"SELECT e.utc, e.id FROM events e WHERE {' AND '.join(where)} "
                       "ORDER BY e.utc NULLS FIRST, e.id LIMIT 1 OFFSET %s",
                       (*params, query.offset)).fetchone()
    if row is None:
        return None
    return Position(None if row[0] is None else datetime.fromisoformat(row[0]), int(row[1]))


def actor_counts(conn: Any, case_id: int, item_id: int | None,
                 hidden: Sequence[int] = ()) -> list[ActorCount]:
    scope, kept = not_hidden("item_id", hidden)
    params: tuple[object, ...] = (case_id, *kept)
    if item_id:
        scope, params = "AND item_id = %s", (case_id, item_id)
    rows = conn.execute(
        f"SELECT actor, count(*), min(utc), max(utc) FROM events WHERE case_id = %s {scope} "
        "GROUP BY actor ORDER BY count(*) DESC, actor NULLS FIRST", params).fetchall()
    return [ActorCount(*decoded((r[0], int(r[1]), r[2], r[3]))) for r in rows]


def day_counts(conn: Any, case_id: int, hidden: Sequence[int] = ()) -> list[DayCount]:
    """Events per day (in the offset each was observed with) per actor."""
    scope, kept = not_hidden("item_id", hidden)
    rows = conn.execute(
        "SELECT to_char((utc::timestamptz AT TIME ZONE 'UTC') + offset_seconds * "
        "interval '1 second', 'YYYY-MM-DD') AS day, actor, count(*) "
        f"FROM events WHERE case_id = %s AND utc IS NOT NULL {scope} GROUP BY day, actor "
        "ORDER BY day, actor NULLS FIRST", (case_id, *kept)).fetchall()
    return [DayCount(*decoded((r[0], r[1], int(r[2])))) for r in rows]


def record_rows(conn: Any, case_id: int) -> Iterator[tuple[str, int, dict[str, object]]]:
    """Per item the events digest, per ever-marked event its mark state (for verify)."""
    item_ids = [r[0] for r in conn.execute(
        "SELECT id FROM items WHERE case_id = %s AND EXISTS (SELECT 1 FROM events e "
        "WHERE e.item_id = items.id) ORDER BY id", (case_id,)).fetchall()]
    forms = _digest_forms(conn, case_id)
    for item_id in item_ids:
        yield "events", item_id, stored_digest(conn, case_id, item_id, forms.get(item_id))
    for event_id, item_id, seq, marked in conn.execute(
            "SELECT id, item_id, seq, marked FROM events WHERE case_id = %s AND "
            "marked IS NOT NULL ORDER BY id", (case_id,)).fetchall():
        yield "event-mark", event_id, mark_state(event_id, item_id, seq, bool(marked))
