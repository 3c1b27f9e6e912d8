"""The storage floor of a chat import (not a test): how fast can rows of spoorvast's event
layout go into SQLCipher with FTS5, with no parsing at all, against the bare baseline of
``chat.py`` (``sqlite3`` executemany of the texts + one FTS5 rebuild)?

Prints, for N messages: the bare rate; the current layout (21 columns, 2 indexes and the
kind index without messages, 4 KiB pages, NULL adapter, constant columns folded into the
statement); and a lean layout
(varying columns only, ``utc`` as integer microseconds, no per-row source hash, 2
indexes, 16 KiB pages) — the figures behind the plan in the session-2 closing note.

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

from spoorvast.storage.sqlite_event_chunks import folded_chunks
from spoorvast.storage.sqlite_events_schema import EVENTS_TABLE

KEY = "x'" + "ab" * 32 + "'"
FTS = ("CREATE VIRTUAL TABLE events_fts USING fts5(text, content='events', "
       "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
INDEXES = ("events_case_time ON events(case_id, utc)", "events_item_seq ON events(item_id, seq)",
           "events_case_kind_rare ON events(case_id, kind, item_id) WHERE kind <> 'message'")
CHUNK = 8192


def current_rows(bodies: list[str]) -> list[tuple[object, ...]]:
    sha = "ab" * 32
    return [(1, 1, n + 1, "message", f"2025-01-{1 + n // 86400 % 28:02d}T{n // 3600 % 24:02d}:"
             f"{n // 60 % 60:02d}:00.000000+00:00", 3600, "assumed-zone", "minute",
             "Europe/Brussels", f"01/01/2025, {n // 3600 % 24:02d}:{n // 60 % 60:02d}", text,
             f"name:whatsapp:{('Jan', 'Anna', 'Sofie', '+32470123456')[n % 4]}", None, sha,
             n + 1, None, None, None, None, None, None) for n, text in enumerate(bodies)]


def load(work: Path, name: str, page: int, indexes: tuple[str, ...],
         chunks: list[tuple[str, list[tuple[object, ...]]]], table: str) -> float:
    db = work / f"{name}.db"
    conn = sqlcipher3.connect(str(db), isolation_level=None)
    conn.execute(f'PRAGMA key = "{KEY}"')
    conn.execute(f"PRAGMA cipher_page_size = {page}")
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "temp_store = MEMORY",
                   "cache_size = -65536"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(table)
    for index in indexes:
        conn.execute(f"CREATE INDEX {index}")
    conn.execute(FTS)
    start, first = time.perf_counter(), 1
    conn.execute("BEGIN IMMEDIATE")
    for sql, rows in chunks:
        conn.executemany(sql, rows)
        conn.execute("INSERT INTO events_fts(rowid, text) SELECT id, text FROM events "
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
        lean_sql = ("INSERT INTO events (case_id, item_id, seq, kind, utc, offset_seconds, "
                    "raw_time, text, actor, loc_line) VALUES (1, 1, ?, 'message', ?, 3600, "
                    "?, ?, ?, ?)")
        lean = [(lean_sql, [(r[2], 1735725600_000000 + n * 15_000_000, r[9], r[10], r[11],
                             r[14]) for n, r in enumerate(rows[k:k + CHUNK], k)])
                for k in range(0, len(rows), CHUNK)]
        lean_table = EVENTS_TABLE.replace("events_v2", "events").replace("utc TEXT", "utc")
        gc.freeze()
        base = min(bare(bodies, work) for _ in range(2))
        n = args.messages
        print(f"{n} messages: bare {n / base:,.0f} rows/s")
        for label, page, indexes, chunks, table in (
                ("current layout (storage only)", 4096, INDEXES, current,
                 EVENTS_TABLE.replace("events_v2", "events")),
                ("lean layout (storage only)", 16384, INDEXES[:2], lean, lean_table)):
            took = load(work, label.split()[0], page, indexes, chunks, table)
            print(f"  {label}: {n / took:,.0f} rows/s, {base / took:.2f}x of bare")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
