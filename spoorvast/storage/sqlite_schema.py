"""Schema migrations of the embedded vault: ordered, named, recorded in a table.

Add a migration by appending a function to :data:`MIGRATIONS`; never edit or reorder
one that has shipped. Each runs in the transaction that records it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from spoorvast.storage.sqlite_events_schema import (
    m0002_events_columns_fts,
    m0005_event_bases,
    m0008_readside_event_counts,
    m0009_fts_without_sizes,
)

Connection = Any  # sqlcipher3.Connection (no stubs)


def _run(conn: Connection, script: str) -> None:
    # executescript() would COMMIT first; run statement by statement inside the transaction.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def m0001_initial(conn: Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY, title TEXT NOT NULL, language TEXT NOT NULL,
            time_zone TEXT NOT NULL, created_at TEXT NOT NULL, description TEXT NOT NULL);
        CREATE TABLE parties (
            id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
            role TEXT NOT NULL, name TEXT NOT NULL, notes TEXT NOT NULL);
        CREATE TABLE items (
            id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
            number INTEGER NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
            acquired_at TEXT NOT NULL, importer TEXT NOT NULL, file TEXT, media TEXT,
            UNIQUE (case_id, number));
        CREATE TABLE artifacts (
            id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id),
            role TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL,
            sha256 TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL,
            derived_from TEXT);
        CREATE INDEX artifacts_item ON artifacts(item_id);
        CREATE INDEX artifacts_sha ON artifacts(sha256);
        CREATE TABLE identifiers (
            id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
            kind TEXT NOT NULL, value TEXT NOT NULL, party_id INTEGER REFERENCES parties(id),
            platform TEXT, stable_id TEXT, status TEXT NOT NULL,
            item_id INTEGER REFERENCES items(id), location TEXT);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
            item_id INTEGER REFERENCES items(id), kind TEXT NOT NULL, instant_utc TEXT,
            instant TEXT, text TEXT NOT NULL, actor_identifier_id INTEGER,
            location TEXT, marked INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX events_case_time ON events(case_id, instant_utc);
        CREATE INDEX events_item ON events(item_id);
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
            item_id INTEGER REFERENCES items(id), severity TEXT NOT NULL,
            code TEXT NOT NULL, params TEXT NOT NULL, location TEXT);
        CREATE INDEX findings_item ON findings(item_id);
        CREATE TABLE custody (
            chain TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL,
            action TEXT NOT NULL, subject TEXT NOT NULL, payload TEXT NOT NULL,
            prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (chain, seq));
        CREATE INDEX custody_subject ON custody(chain, subject);
        CREATE TABLE chain_heads (chain TEXT PRIMARY KEY, seq INTEGER NOT NULL,
            hash TEXT NOT NULL);
        """
    )


def m0004_kind_index_without_messages(conn: Connection) -> None:
    """The kind index without the messages: a chat export is nearly all messages, and
    keeping them in this index cost a tenth of a million-message import. Queries for
    other kinds (calls, system lines) still find them through it; whether an item holds
    messages at all is answered from its first rows (``events_item_seq``)."""
    conn.execute("DROP INDEX events_case_kind")
    conn.execute("CREATE INDEX events_case_kind_rare ON events(case_id, kind, item_id) "
                 "WHERE kind <> 'message'")


def m0006_withdrawals_corrections(conn: Connection) -> None:
    """Withdrawn items (one row while withdrawn; ``restore`` deletes it) and corrections
    (the new item, the one it supersedes). Items themselves never change or go: the
    history is in the custody log (``item.withdrawn``, ``item.restored``,
    ``item.corrected``)."""
    _run(
        conn,
        """
        CREATE TABLE withdrawals (
            item_id INTEGER PRIMARY KEY REFERENCES items(id),
            case_id INTEGER NOT NULL REFERENCES cases(id),
            at TEXT NOT NULL, reason TEXT NOT NULL);
        CREATE TABLE corrections (
            item_id INTEGER PRIMARY KEY REFERENCES items(id),
            case_id INTEGER NOT NULL REFERENCES cases(id),
            supersedes INTEGER NOT NULL UNIQUE REFERENCES items(id),
            at TEXT NOT NULL, reason TEXT NOT NULL);
        """
    )


def m0007_event_corrections(conn: Connection) -> None:
    """Corrected events (a confirmed OCR proposal read wrong): the new event, the one it
    supersedes. Both stay; case-wide event reads leave the superseded one out."""
    _run(
        conn,
        """
        CREATE TABLE event_corrections (
            event_id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            supersedes INTEGER NOT NULL UNIQUE,
            at TEXT NOT NULL, reason TEXT NOT NULL);
        """
    )


MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("0001_initial", m0001_initial),
    ("0002_events_columns_fts", m0002_events_columns_fts),
    ("0003_events_kind_index", lambda conn: conn.execute(
        "CREATE INDEX events_case_kind ON events(case_id, kind, item_id)")),
    ("0004_events_kind_index_without_messages", m0004_kind_index_without_messages),
    ("0005_event_bases", m0005_event_bases),
    ("0006_withdrawals_corrections", m0006_withdrawals_corrections),
    ("0007_event_corrections", m0007_event_corrections),
    ("0008_readside_event_counts", m0008_readside_event_counts),
    ("0009_fts_without_sizes", m0009_fts_without_sizes),
]


def migrate(conn: Connection) -> list[str]:
    """Apply the migrations not yet applied; return their names."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    applied = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        step(conn)
        conn.execute("INSERT INTO migrations VALUES (?, ?)",
                     (name, datetime.now(UTC).isoformat(timespec="seconds")))
        applied.append(name)
    return applied


def known_migrations() -> list[str]:
    return [name for name, _ in MIGRATIONS]
