"""Where a chat import's time goes (not a test): the database statements by kind, the
time the storing thread waits for the parsing thread, and how long the parsing thread was
busy (parse + rows: it runs beside the statements, so it is not part of their sum; when
it is close to the total, the import is bound by the Python work, not by SQLite).

Imports a generated WhatsApp export (or, with --telegram, a Telegram JSON) of N messages
into a new vault through the real intake, with the vault's connection wrapped to time
each statement.

Usage: .venv/bin/python benchmarks/chat_phases.py [--messages 1000000] [--telegram]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chat import PASSPHRASE, make_export, make_telegram, new_vault, texts

from spoorvast.importers.registry import builtin_registry
from spoorvast.services.intake import add_paths
from spoorvast.storage import prefetch, sqlite_events
from spoorvast.storage.vault import open_vault

SPENT: dict[str, float] = {"waiting for the parse": 0.0}
BUSY: dict[str, float] = {}  # the parsing thread, making chunks


def _kind(sql: str) -> str:
    if "events_fts" in sql:
        return "FTS5 insert"
    if "jsonb_each" in sql:
        return "events insert (one JSON statement per chunk)"
    return sql.split()[0].upper()


class Timed:
    """The connection, with every statement timed by kind."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.conn.execute(sql, *args)
        finally:
            key = _kind(sql)
            SPENT[key] = SPENT.get(key, 0.0) + time.perf_counter() - start

    def executemany(self, sql: str, rows: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.conn.executemany(sql, rows)
        finally:
            key = "events insert (executemany fallback)"
            SPENT[key] = SPENT.get(key, 0.0) + time.perf_counter() - start

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def _timed_iter(original: Any, totals: dict[str, float], key: str) -> Any:
    """``original`` (an ``__iter__``), adding the time each ``next`` takes to
    ``totals[key]``."""
    def chunks(self: Any) -> Iterator[Any]:
        inner = original(self)
        while True:
            start = time.perf_counter()
            try:
                chunk = next(inner)
            except StopIteration:
                return
            finally:
                totals[key] = totals.get(key, 0.0) + time.perf_counter() - start
            yield chunk
    return chunks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--telegram", action="store_true",
                        help="a Telegram Desktop JSON export instead of WhatsApp")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="spoorvast-phases-"))
    try:
        if args.telegram:
            export = work / "result.json"
            make_telegram(export, texts(args.messages))
        else:
            export = work / "WhatsApp Chat with Jan.txt"
            make_export(export, texts(args.messages))
        new_vault(work / "vault")
        waited = _timed_iter(prefetch.Prefetch.__iter__, SPENT, "waiting for the parse")
        prefetch.Prefetch.__iter__ = waited  # type: ignore[method-assign]
        busy = _timed_iter(sqlite_events._Chunks.__iter__, BUSY, "busy")
        sqlite_events._Chunks.__iter__ = busy  # type: ignore[method-assign]
        with open_vault(work / "vault", PASSPHRASE) as vault:
            vault.store.conn = Timed(vault.store.conn)
            case = vault.store.cases()[0]
            registry = builtin_registry()  # modules loaded before the clock, as in chat.py
            start = time.perf_counter()
            add_paths(vault, case, [export], registry)
            total = time.perf_counter() - start
        print(f"{args.messages} messages: {total:.2f} s in all")
        for key, spent in sorted(SPENT.items(), key=lambda kv: -kv[1]):
            if spent >= 0.01:
                print(f"  {key:48s} {spent:6.2f} s")
        print(f"  {'the rest (date survey, sealing, Python)':48s} "
              f"{total - sum(SPENT.values()):6.2f} s")
        print(f"  {'(beside them) parsing thread busy, parse + rows':48s} "
              f"{BUSY.get('busy', 0.0):6.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
