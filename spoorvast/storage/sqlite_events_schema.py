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
