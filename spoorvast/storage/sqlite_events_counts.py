"""Events counted per ten minutes of UTC, kind, actor and item (``event_counts``): what the
pattern charts of a million events are drawn from, without reading a million rows.

A bucket is the first 15 characters of the stored ``utc`` text (``2026-03-12T21:0``: ten
minutes). The counts are kept at import (counted on the producer thread from the very
columns that are inserted, :class:`BucketCounter`), rebuilt for an item whose events are
replaced, and read with the events of hidden items (withdrawn, superseded) left out by
item and those of superseded events taken off one by one — so they always equal a count
of the rows the case-wide reads show (tested against a plain count). Events without a
time are not counted (the charts have no place for them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from itertools import repeat
from operator import getitem
from typing import Any

from spoorvast.model.conversation import EventBucket

BUCKET = slice(0, 15)  # of "2026-03-12T21:06:00.000000+00:00"
BUCKET_SQL = "substr(utc, 1, 15)"
TABLE = """
CREATE TABLE event_counts (
    case_id INTEGER NOT NULL, item_id INTEGER NOT NULL, bucket TEXT NOT NULL,
    kind TEXT NOT NULL, actor TEXT, n INTEGER NOT NULL)
"""
INDEX = "CREATE INDEX event_counts_item ON event_counts(case_id, item_id)"
_FROM_ROWS = (f"INSERT INTO event_counts (case_id, item_id, bucket, kind, actor, n) "
              f"SELECT case_id, coalesce(item_id, 0), {BUCKET_SQL} AS b, kind, actor, count(*) "
              "FROM event_rows WHERE utc IS NOT NULL {where} GROUP BY case_id, item_id, b, "
              "kind, actor")

Key = tuple[str, str, str | None]  # bucket, kind, actor


class BucketCounter:
    """The counts of one insert, fed the columns of each chunk (C loops: a slice and a
    ``Counter`` over a zip)."""

    def __init__(self) -> None:
        self.counts: Counter[Key] = Counter()

    def add(self, kinds: Sequence[str], utcs: Sequence[Any],
            actors: Sequence[str | None]) -> None:
        if None in utcs:
            rows = [(u, k, a) for u, k, a in zip(utcs, kinds, actors, strict=True)
                    if u is not None]
            utcs, kinds, actors = ([r[0] for r in rows], [r[1] for r in rows],
                                   [r[2] for r in rows])
        self.counts.update(zip(map(getitem, utcs, repeat(BUCKET)), kinds, actors))


def create(conn: Any) -> None:
    """The table, filled from the rows there are (an existing vault's migration)."""
    conn.execute(TABLE)
    conn.execute(INDEX)
    conn.execute(_FROM_ROWS.format(where=""))


def store(conn: Any, case_id: int, item_id: int | None, counter: BucketCounter,
          fresh: bool) -> None:
    """Record an insert's counts: as counted when the item had no events before
    (``fresh``), else recounted from the item's rows (a case's typed calls and notes are
    added a few at a time)."""
    if not fresh:
        recount(conn, case_id, item_id)
        return
    conn.executemany(
        "INSERT INTO event_counts (case_id, item_id, bucket, kind, actor, n) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(case_id, item_id or 0, b, k, a, n) for (b, k, a), n in counter.counts.items()])


def recount(conn: Any, case_id: int, item_id: int | None) -> None:
    """The item's counts again, from its rows (its events were replaced)."""
    conn.execute("DELETE FROM event_counts WHERE case_id = ? AND item_id = ?",
                 (case_id, item_id or 0))
    conn.execute(_FROM_ROWS.format(where="AND case_id = ? AND item_id IS ?"),
                 (case_id, item_id))


def read(conn: Any, case_id: int, hidden_items: Sequence[int],
         superseded: Sequence[int]) -> list[EventBucket]:
    """The case's counts without hidden items, superseded events taken off."""
    counts: Counter[tuple[int, str, str, str | None]] = Counter()
    hide = set(hidden_items)
    for item, bucket, kind, actor, n in conn.execute(
            "SELECT item_id, bucket, kind, actor, sum(n) FROM event_counts WHERE case_id = ? "
            "GROUP BY item_id, bucket, kind, actor", (case_id,)):
        if item not in hide:
            counts[(item, bucket, kind, actor)] += n
    for start in range(0, len(superseded), 500):
        ids = superseded[start:start + 500]
        for item, utc, kind, actor in conn.execute(
                "SELECT coalesce(item_id, 0), utc, kind, actor FROM event_rows WHERE id IN "
                f"({', '.join('?' * len(ids))}) AND utc IS NOT NULL", tuple(ids)):
            if item not in hide:
                counts[(item, utc[BUCKET], kind, actor)] -= 1
    return [EventBucket(_start(bucket), kind, actor, item or None, n)
            for (item, bucket, kind, actor), n in sorted(counts.items(), key=_order) if n > 0]


def _order(entry: tuple[tuple[int, str, str, str | None], int]) -> tuple[str, int, str, str]:
    (item, bucket, kind, actor), _n = entry
    return bucket, item, kind, actor or ""


def _start(bucket: str) -> datetime:
    return datetime.fromisoformat(bucket + "0:00+00:00")
