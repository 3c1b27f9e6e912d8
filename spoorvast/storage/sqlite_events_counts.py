"""Events counted per ten minutes of UTC, kind, actor and item (``event_counts``): what the
pattern charts of a million events are drawn from, without reading a million rows.

A bucket is the first 15 characters of the stored ``utc`` text (``2026-03-12T21:0``: ten
minutes). The counts are kept at import (counted on the producer thread from the very
columns that are inserted, :class:`BucketCounter`), dropped with an item's events when they
are replaced, and read with the events of hidden items (withdrawn, superseded) left out by
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
              "FROM event_rows WHERE utc IS NOT NULL GROUP BY case_id, item_id, b, kind, actor")

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
        self.counts.update(zip(map(getitem, utcs, repeat(BUCKET)), kinds, actors, strict=True))


def create(conn: Any) -> None:
    """The table, filled from the rows there are (an existing vault's migration)."""
    conn.execute(TABLE)
    conn.execute(INDEX)
    conn.execute(_FROM_ROWS)


def store(conn: Any, case_id: int, item_id: int | None, counter: BucketCounter) -> None:
    """Record an insert's counts. Events added to an item that has some already (a case's
    notes and typed calls, a few at a time) add rows of their own: a key may have several
    rows, which :func:`read` sums."""
    conn.executemany(
        "INSERT INTO event_counts (case_id, item_id, bucket, kind, actor, n) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(case_id, item_id or 0, b, k, a, n) for (b, k, a), n in counter.counts.items()])


def read(conn: Any, case_id: int, hidden_items: Sequence[int], superseded: Sequence[int],
         minutes: int = 10) -> list[EventBucket]:
    """The case's counts in time order (per ten minutes, or per hour: ``minutes=60``),
    without hidden items, superseded events taken off."""
    hide = set(hidden_items)
    width = 13 if minutes == 60 else 15
    rows = [r for r in conn.execute(
        f"SELECT substr(bucket, 1, {width}) AS b, item_id, kind, actor, sum(n) "
        "FROM event_counts WHERE case_id = ? GROUP BY b, item_id, kind, actor "
        "ORDER BY b, item_id, kind, actor",
        (case_id,)) if r[1] not in hide]
    if superseded:
        rows = _without(conn, rows, hide, superseded, width)
        rows.sort(key=_order)
    starts: dict[str, datetime] = {}
    tail = "0:00+00:00" if width == 15 else ":00:00+00:00"
    return [EventBucket(starts.get(b) or starts.setdefault(b, datetime.fromisoformat(b + tail)),
                        kind, actor, item or None, n) for b, item, kind, actor, n in rows]


def _without(conn: Any, rows: list[tuple[str, int, str, str | None, int]], hide: set[int],
             superseded: Sequence[int], width: int
             ) -> list[tuple[str, int, str, str | None, int]]:
    counts: Counter[tuple[str, int, str, str | None]] = Counter()
    for bucket, item, kind, actor, n in rows:
        counts[(bucket, item, kind, actor)] += n
    for start in range(0, len(superseded), 500):
        ids = superseded[start:start + 500]
        for item, utc, kind, actor in conn.execute(
                "SELECT coalesce(item_id, 0), utc, kind, actor FROM event_rows WHERE id IN "
                f"({', '.join('?' * len(ids))}) AND utc IS NOT NULL", tuple(ids)):
            if item not in hide:
                counts[(utc[:width], item, kind, actor)] -= 1
    return [(*key, n) for key, n in counts.items() if n > 0]


def _order(row: tuple[str, int, str, str | None, int]) -> tuple[str, int, str, str]:
    return row[0], row[1], row[2], row[3] or ""

