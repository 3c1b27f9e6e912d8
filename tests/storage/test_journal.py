"""A bulk transaction uses a rollback journal only when its connection is alone."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from spoorvast.storage.sqlite import SqliteStore


def _mode(store: SqliteStore) -> str:
    return str(store.conn.execute("PRAGMA journal_mode").fetchone()[0])


def test_alone_the_batch_uses_a_rollback_journal_then_wal_again(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "db", secrets.token_bytes(32))
    with store.transaction(bulk=True) as tx:
        assert _mode(store) == "delete"
        tx.set_setting("k", "v")
    assert _mode(store) == "wal" and store.setting("k") == "v"
    store.close()


def test_with_another_connection_it_stays_in_wal_without_waiting(tmp_path: Path) -> None:
    """The web app reads through one connection while a job writes through another."""
    key = secrets.token_bytes(32)
    reader = SqliteStore(tmp_path / "db", key)
    writer = SqliteStore(tmp_path / "db", key)
    reader.setting("k")  # the reader has the database open
    start = time.monotonic()
    with writer.transaction(bulk=True) as tx:
        assert _mode(writer) == "wal"
        tx.set_setting("k", "v")
    assert time.monotonic() - start < 2  # no busy timeout waited out (it is 5 s)
    assert reader.setting("k") == "v"
    reader.close()
    writer.close()
