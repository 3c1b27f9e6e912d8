"""The PostgreSQL metadata store against the SQLCipher one (a benchmark, not a test).

1. Generates a WhatsApp export of N messages (default 100,000; the texts of
   ``benchmarks/chat.py``: ≈80 characters, Zipf-distributed words).
2. Each round imports it end to end (read, parse, seal, store, index: ``add_paths``) into
   a new vault with its metadata in SQLCipher, then into a new vault with its metadata in
   a new PostgreSQL database; the ratio PostgreSQL / SQLCipher of each round is printed,
   and the median of the rounds (default 3).
3. On the last two vaults: ranked word search (``search_events`` with words, LIMIT 50)
   over common and rare words, a prefix and two-word queries; the timeline page (50
   events at the middle of the case, ``search_events`` without words) and the case's
   event count — median and p90 of each, on both backends, and their ratio; and the read
   side (#32): the page after / before the middle's position (keyset, no OFFSET), the
   position of a page number, a count capped at 1,000 of a common word, the counts per
   ten minutes and per hour (``event_buckets``) and one bucket's rows (``event_rows``).

PostgreSQL is a throwaway cluster on a free loopback port (``tests/servers``: Debian's
PostgreSQL 15, ``fsync=off`` and ``synchronous_commit=off`` as in the tests), or the
server given with ``--url`` (a database that may be dropped and created: its name gets a
suffix per round). SQLCipher writes with its usual ``synchronous=FULL``, so compare the
PostgreSQL figures with care: with fsync on they would be slower.

Usage: .venv/bin/python benchmarks/pg_store.py [--messages 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from chat import WORDS, make_export, texts  # noqa: E402

PASSPHRASE = "benchmark passphrase 42"


@contextmanager
def server(url: str | None) -> Iterator[Callable[[str], str]]:
    """A function that makes a new database and returns its URL."""
    import psycopg

    if url is None:
        from tests.servers import postgres_server

        with postgres_server() as pg:
            yield pg.create_database
        return
    info = psycopg.conninfo.conninfo_to_dict(url)

    def create(name: str) -> str:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return psycopg.conninfo.make_conninfo(**{**info, "dbname": name})

    yield create


def import_into(root: Path, export: Path, metadata: str | None) -> float:
    from spoorvast.importers.registry import builtin_registry
    from spoorvast.services.cases import create_case
    from spoorvast.services.intake import add_paths
    from spoorvast.storage.vault import create

    registry = builtin_registry()
    with create(root, PASSPHRASE, metadata=metadata) as vault:
        case = create_case(vault, "benchmark", "en", "Europe/Brussels")
        start = time.perf_counter()
        result = add_paths(vault, case, [export], registry)
        took = time.perf_counter() - start
        assert result[0].status.value == "added", result
    return took


def query_times(root: Path, count: int) -> dict[str, list[float]]:
    from spoorvast.model.conversation import EventQuery
    from spoorvast.storage.vault import open_vault

    times: dict[str, list[float]] = {"words": [], "prefix": [], "two words": [],
                                     "timeline page": [], "count": [], "page after": [],
                                     "page before": [], "position": [], "capped count": [],
                                     "buckets 10 min": [], "buckets hour": [],
                                     "bucket rows": []}
    with open_vault(root, PASSPHRASE, writable=False) as vault:
        store, case_id = vault.store, vault.store.cases()[0].id or 0

        def timed(kind: str, run: Callable[[], object]) -> None:
            start = time.perf_counter()
            run()
            times[kind].append(time.perf_counter() - start)

        middle = store.event_position(EventQuery(case_id, offset=count // 2))
        tens = store.event_buckets(case_id)
        one = tens[len(tens) // 2].start
        for _ in range(3):
            for word in WORDS:
                timed("words", lambda w=word: store.search_events(  # type: ignore[misc]
                    EventQuery(case_id, text=w, limit=50)))
            for prefix in ("gel*", "sch*", "ni*"):
                timed("prefix", lambda p=prefix: store.search_events(  # type: ignore[misc]
                    EventQuery(case_id, text=p, limit=50)))
            for pair in ("geld morgen", "niemand school", "cafe straat"):
                timed("two words", lambda p=pair: store.search_events(  # type: ignore[misc]
                    EventQuery(case_id, text=p, limit=50)))
            for offset in (0, count // 2, count - 50):
                timed("timeline page", lambda o=offset: store.search_events(  # type: ignore[misc]
                    EventQuery(case_id, limit=50, offset=o)))
            timed("count", lambda: store.count_events(EventQuery(case_id)))
            timed("position", lambda: store.event_position(
                EventQuery(case_id, offset=count // 2)))
            timed("page after", lambda: store.search_events(
                EventQuery(case_id, limit=50, after=middle)))
            timed("page before", lambda: store.search_events(
                EventQuery(case_id, limit=50, before=middle)))
            timed("capped count", lambda: store.count_events(
                EventQuery(case_id, text="geld"), cap=1000))
            timed("buckets 10 min", lambda: store.event_buckets(case_id))
            timed("buckets hour", lambda: store.event_buckets(case_id, minutes=60))
            timed("bucket rows", lambda: list(store.event_rows(
                case_id, since=one, until=one + timedelta(minutes=10))))
    return times


def p90(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.9) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--url", default=None, help="an existing PostgreSQL server")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="spoorvast-pgbench-", dir=args.dir))
    try:
        export = work / "WhatsApp Chat with Jan.txt"
        make_export(export, texts(args.messages))
        print(f"{args.messages:,} messages, {export.stat().st_size / 1e6:.1f} MB export")
        with server(args.url) as new_database:
            ratios, ours, theirs = [], [], []
            for n in range(args.rounds):
                for name in ("sqlite", "postgres"):
                    shutil.rmtree(work / name, ignore_errors=True)
                sqlite_time = import_into(work / "sqlite", export, None)
                pg_time = import_into(work / "postgres", export,
                                      new_database(f"spoorvast_bench_{n}"))
                ours.append(sqlite_time)
                theirs.append(pg_time)
                ratios.append(pg_time / sqlite_time)
                print(f"round {n + 1}: SQLCipher {sqlite_time:.2f} s "
                      f"({args.messages / sqlite_time:,.0f} msg/s), PostgreSQL "
                      f"{pg_time:.2f} s ({args.messages / pg_time:,.0f} msg/s), "
                      f"ratio {pg_time / sqlite_time:.2f}")
            print(f"import: SQLCipher median {statistics.median(ours):.2f} s, PostgreSQL "
                  f"median {statistics.median(theirs):.2f} s, ratio PostgreSQL/SQLCipher "
                  f"per round {', '.join(f'{r:.2f}' for r in ratios)} "
                  f"(median {statistics.median(ratios):.2f})")
            embedded = query_times(work / "sqlite", args.messages)
            server_side = query_times(work / "postgres", args.messages)
            for kind in embedded:
                a, b = embedded[kind], server_side[kind]
                print(f"{kind:>14}: SQLCipher median {statistics.median(a) * 1e3:7.2f} ms "
                      f"p90 {p90(a) * 1e3:7.2f} ms | PostgreSQL median "
                      f"{statistics.median(b) * 1e3:7.2f} ms p90 {p90(b) * 1e3:7.2f} ms | "
                      f"ratio {statistics.median(b) / statistics.median(a):.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
