"""The storage floor of a chat import (not a test): how fast can rows of spoorvast's event
layout go into SQLCipher with FTS5, with no parsing at all, against the bare baseline of
``chat.py`` (``sqlite3`` executemany of the texts + one FTS5 rebuild)?

Prints, for N messages: the bare rate; the current layout (``event_rows``: 18 columns,
the shared ones as a basis id, 2 indexes and the kind index without messages, 16 KiB
pages with HMAC-SHA256, rollback journal, constant columns folded into the statement;
FTS5 as a bulk load has it: no per-row sizes, 16 MiB of pending terms, no automerge,
crisismerge 64); and a leaner one (``utc`` as integer microseconds, no kind index) — a further step.

Usage: .venv/bin/python benchmarks/event_rows.py [--messages 200000]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import tempfile
import time
from pathlib import Path

import sqlcipher3
from chat import bare, texts

from spoorvast.storage.sqlite import NEW_PROFILE, PROFILES
from spoorvast.storage.sqlite_event_chunks import folded_chunks
from spoorvast.storage.sqlite_events import BULK_CRISIS
from spoorvast.storage.sqlite_events_schema import EVENT_ROWS_TABLE, FTS_TABLE, HASH_BYTES

KEY = "x'" + "ab" * 32 + "'"
INDEXES = ("events_case_time ON event_rows(case_id, utc)",
           "events_item_seq ON event_rows(item_id, seq)",
           "events_case_kind_rare ON event_rows(case_id, kind, item_id) WHERE kind <> 'message'")
CHUNK = 8192


def current_rows(bodies: list[str]) -> list[tuple[object, ...]]:
    """Rows as stored (``STORED_COLUMNS``: the shared columns as basis 1)."""
    return [(1, 1, n + 1, "message", f"2025-01-{1 + n // 86400 % 28:02d}T{n // 3600 % 24:02d}:"
             f"{n // 60 % 60:02d}:00.000000+00:00", 3600, 1,
             f"01/01/2025, {n // 3600 % 24:02d}:{n // 60 % 60:02d}", text,
             f"name:whatsapp:{('Jan', 'Anna', 'Sofie', '+32470123456')[n % 4]}", None,
             n + 1, None, None, None, None, None, None) for n, text in enumerate(bodies)]


def load(work: Path, name: str, indexes: tuple[str, ...],
         chunks: list[tuple[str, list[tuple[object, ...]]]], table: str) -> float:
    db = work / f"{name}.db"
    conn = sqlcipher3.connect(str(db), isolation_level=None)
    conn.execute(f'PRAGMA key = "{KEY}"')
    for pragma in (*PROFILES[NEW_PROFILE], "journal_mode = DELETE", "synchronous = FULL",
                   "temp_store = MEMORY", "cache_size = -65536"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(table)
    for index in indexes:
        conn.execute(f"CREATE INDEX {index}")
    conn.execute(FTS_TABLE)  # as a bulk load has it (migration 0009, sqlite_events.insert)
    for name, value in (("hashsize", HASH_BYTES), ("automerge", 0), ("crisismerge", BULK_CRISIS)):
        conn.execute(f"INSERT INTO events_fts(events_fts, rank) VALUES('{name}', {value})")
    start, first = time.perf_counter(), 1
    conn.execute("BEGIN IMMEDIATE")
    for sql, rows in chunks:
        conn.executemany(sql, rows)
        conn.execute("INSERT INTO events_fts(rowid, text) SELECT id, text FROM event_rows "
                     "WHERE id BETWEEN ? AND ?", (first, first + len(rows) - 1))
        first += len(rows)
    conn.execute("COMMIT")
    took = time.perf_counter() - start
    conn.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="spoorvast-rows-bench-"))
    try:
        bodies = texts(args.messages)
        rows = current_rows(bodies)
        current = list(folded_chunks(rows, CHUNK))
        lean_sql = ("INSERT INTO event_rows (case_id, item_id, seq, kind, utc, offset_seconds, "
                    "basis, raw_time, text, actor, loc_line) VALUES (1, 1, ?, 'message', ?, "
                    "3600, 1, ?, ?, ?, ?)")
        lean = [(lean_sql, [(r[2], 1735725600_000000 + n * 15_000_000, r[7], r[8], r[9],
                             r[11]) for n, r in enumerate(rows[k:k + CHUNK], k)])
                for k in range(0, len(rows), CHUNK)]
        lean_table = EVENT_ROWS_TABLE.replace("utc TEXT", "utc")
        gc.freeze()
        base = min(bare(bodies, work) for _ in range(2))
        n = args.messages
        print(f"{n} messages: bare {n / base:,.0f} rows/s")
        for label, indexes, chunks, table in (
                ("current layout (storage only)", INDEXES, current, EVENT_ROWS_TABLE),
                ("lean layout (storage only)", INDEXES[:2], lean, lean_table)):
            took = load(work, label.split()[0], indexes, chunks, table)
            print(f"  {label}: {n / took:,.0f} rows/s, {base / took:.2f}x of bare")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
