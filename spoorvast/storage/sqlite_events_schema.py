"""Migration of the embedded vault's events to their own columns + FTS5 search.

Events get one column per field (no JSON per row: a chat export can hold millions of
messages), a per-item sequence number (``E-0012:m4711``), the actor key, attachments and
typed details, and a ``marked`` state that is NULL until a mark or unmark was logged in
the custody log. ``events_fts`` is an external-content FTS5 index over ``text`` with
diacritics folded for matching (``unicode61 remove_diacritics 2``); the stored text is
untouched.
"""

from __future__ import annotations

from typing import Any

from spoorvast.storage import sqlite_events_counts

Connection = Any

EVENTS_TABLE = """
CREATE TABLE events_v2 (
    id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
    item_id INTEGER REFERENCES items(id), seq INTEGER NOT NULL, kind TEXT NOT NULL,
    utc TEXT, offset_seconds INTEGER, time_source TEXT, precision TEXT, zone TEXT,
    raw_time TEXT, text TEXT NOT NULL, actor TEXT, actor_identifier_id INTEGER,
    loc_sha TEXT, loc_line INTEGER, loc_start INTEGER, loc_end INTEGER, loc_field TEXT,
    loc_region TEXT, attachments TEXT, details TEXT, marked INTEGER)
"""

COPY_OLD = """
INSERT INTO events_v2 (id, case_id, item_id, seq, kind, utc, offset_seconds, time_source,
    precision, zone, raw_time, text, actor_identifier_id, loc_sha, loc_line, loc_start,
    loc_end, loc_field, marked)
SELECT id, case_id, item_id, row_number() OVER (PARTITION BY case_id, item_id ORDER BY id),
    kind, json_extract(instant, '$.utc'), json_extract(instant, '$.offset_seconds'),
    json_extract(instant, '$.source'), json_extract(instant, '$.precision'),
    json_extract(instant, '$.zone'), json_extract(instant, '$.raw'), text,
    actor_identifier_id, json_extract(location, '$.artifact_sha256'),
    json_extract(location, '$.line'), json_extract(location, '$.byte_start'),
    json_extract(location, '$.byte_end'), json_extract(location, '$.field'),
    CASE WHEN marked THEN 1 END
FROM events
"""

AFTER = [
    "DROP TABLE events",
    "ALTER TABLE events_v2 RENAME TO events",
    "CREATE INDEX events_case_time ON events(case_id, utc)",
    "CREATE INDEX events_item_seq ON events(item_id, seq)",
    "CREATE INDEX events_marked ON events(case_id) WHERE marked IS NOT NULL",
    "CREATE VIRTUAL TABLE events_fts USING fts5(text, content='events', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO events_fts(events_fts) VALUES('rebuild')",
]


def m0002_events_columns_fts(conn: Connection) -> None:
    conn.execute(EVENTS_TABLE)
    conn.execute(COPY_OLD)
    for statement in AFTER:
        conn.execute(statement)


# -- 0005: what rows of one source share, stored once ------------------------------------

BASIS_COLUMNS = ("time_source", "precision", "zone", "loc_sha")
STORED_COLUMNS = (
    "case_id", "item_id", "seq", "kind", "utc", "offset_seconds", "basis", "raw_time", "text",
    "actor", "actor_identifier_id", "loc_line", "loc_start", "loc_end", "loc_field",
    "loc_region", "attachments", "details")

EVENT_ROWS_TABLE = """
CREATE TABLE event_rows (
    id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
    item_id INTEGER REFERENCES items(id), seq INTEGER NOT NULL, kind TEXT NOT NULL,
    utc TEXT, offset_seconds INTEGER, basis INTEGER REFERENCES event_bases(id),
    raw_time TEXT, text TEXT NOT NULL, actor TEXT, actor_identifier_id INTEGER,
    loc_line INTEGER, loc_start INTEGER, loc_end INTEGER, loc_field TEXT, loc_region TEXT,
    attachments TEXT, details TEXT, marked INTEGER)
"""

EVENTS_VIEW = """
CREATE VIEW events AS SELECT r.id, r.case_id, r.item_id, r.seq, r.kind, r.utc,
    r.offset_seconds, b.time_source, b.precision, b.zone, r.raw_time, r.text, r.actor,
    r.actor_identifier_id, b.loc_sha, r.loc_line, r.loc_start, r.loc_end, r.loc_field,
    r.loc_region, r.attachments, r.details, r.marked
FROM event_rows r LEFT JOIN event_bases b ON b.id = r.basis
"""

_COPY_ROWS = f"""
INSERT INTO event_rows (id, {', '.join(STORED_COLUMNS)}, marked)
SELECT e.id, {', '.join('b.id' if c == 'basis' else 'e.' + c for c in STORED_COLUMNS)}, e.marked
FROM events e JOIN event_bases b ON b.time_source IS e.time_source
    AND b.precision IS e.precision AND b.zone IS e.zone AND b.loc_sha IS e.loc_sha
"""

EVENT_ROWS_INDEXES = (
    "CREATE INDEX events_case_time ON event_rows(case_id, utc)",
    "CREATE INDEX events_item_seq ON event_rows(item_id, seq)",
    "CREATE INDEX events_marked ON event_rows(case_id) WHERE marked IS NOT NULL",
    "CREATE INDEX events_case_kind_rare ON event_rows(case_id, kind, item_id) "
    "WHERE kind <> 'message'",
)


def m0005_event_bases(conn: Connection) -> None:
    """Rows of one export repeat how their time is known (source, precision, zone) and the
    artifact they come from (a 64-character SHA-256): a quarter of a chat's database
    bytes. Those four values move to ``event_bases``, one row per distinct combination;
    the view ``events`` shows every event with all its columns as before, so the digests
    logged for existing items are computed from exactly the values they were."""
    conn.execute("CREATE TABLE event_bases (id INTEGER PRIMARY KEY, time_source TEXT, "
                 "precision TEXT, zone TEXT, loc_sha TEXT)")
    conn.execute("CREATE INDEX event_bases_key ON event_bases(loc_sha, zone, time_source, "
                 "precision)")
    conn.execute(f"INSERT INTO event_bases ({', '.join(BASIS_COLUMNS)}) SELECT DISTINCT "
                 f"{', '.join(BASIS_COLUMNS)} FROM events")
    conn.execute(EVENT_ROWS_TABLE)
    conn.execute(_COPY_ROWS)
    conn.execute("DROP TABLE events")
    conn.execute(EVENTS_VIEW)
    for statement in EVENT_ROWS_INDEXES:
        conn.execute(statement)


# -- 0008: events counted per ten minutes, for the pattern charts ------------------------


def m0008_readside_event_counts(conn: Connection) -> None:
    """``event_counts`` (see :mod:`.sqlite_events_counts`), filled from the events there
    are: the charts of an existing vault read the same numbers as before."""
    sqlite_events_counts.create(conn)


# -- 0009: the full-text index without per-row sizes, read from the stored rows -----------

HASH_BYTES = 16 << 20  # FTS5 keeps this many bytes of new terms in memory (default 1 MiB)
FTS_TABLE = ("CREATE VIRTUAL TABLE events_fts USING fts5(text, content='event_rows', "
             "content_rowid='id', tokenize='unicode61 remove_diacritics 2', columnsize=0)")


def m0009_fts_without_sizes(conn: Connection) -> None:
    """``events_fts`` again, three ways cheaper to fill (a chat import of 200,000 messages:
    its FTS5 time -25 %, measured in benchmarks/chat.py): ``columnsize=0`` leaves out the
    ``events_fts_docsize`` table (one B-tree row per event, only read by bm25, which
    counts a hit's tokens from its text instead: a ranked page of a rare word costs a few
    ms more); the content is read from ``event_rows`` (not through the ``events`` view
    and its join); new terms are flushed to a segment every 16 MiB instead of every MiB,
    so a bulk load writes and merges fewer segments. The same words, matched the same
    way: the index is rebuilt from the rows."""
    conn.execute("DROP TABLE events_fts")
    conn.execute(FTS_TABLE)
    conn.execute(f"INSERT INTO events_fts(events_fts, rank) VALUES('hashsize', {HASH_BYTES})")
    conn.execute("INSERT INTO events_fts(events_fts) VALUES('rebuild')")
