"""Events counted per ten minutes of UTC, kind, actor and item in the PostgreSQL store
(``event_counts``): the same numbers as the embedded store's (:mod:`.sqlite_events_counts`).

The counts are made at import from the very columns that are copied in (the embedded
store's :class:`~spoorvast.storage.sqlite_events_counts.BucketCounter`, on the producer
thread), stored escaped as the events' values are, dropped with an item's events when
they are replaced, and read with the events of hidden items left out by item id and
those of superseded events taken off one by one in the same query — so they equal a
count of the rows the case-wide reads show. Events without a time are not counted.
Measured at 100,000 events: see ``benchmarks/pg_store.py``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from spoorvast.model.conversation import EventBucket
from spoorvast.storage.sqlite_events_counts import BucketCounter

ESCAPED = "\ufdd0"  # a noncharacter: a value stored as JSON text (postgres_events uses it)
TABLE = """
CREATE TABLE event_counts (
    case_id BIGINT NOT NULL, item_id BIGINT NOT NULL, bucket TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL, actor TEXT COLLATE "C", n BIGINT NOT NULL)
"""
INDEX = "CREATE INDEX event_counts_item ON event_counts(case_id, item_id)"
_FROM_ROWS = ("INSERT INTO event_counts (case_id, item_id, bucket, kind, actor, n) "
              "SELECT case_id, coalesce(item_id, 0), substr(utc, 1, 15) AS b, kind, actor, "
              "count(*) FROM events WHERE utc IS NOT NULL "
              "GROUP BY case_id, coalesce(item_id, 0), b, kind, actor")


def create(conn: Any) -> None:
    """The table, filled from the events there are (an existing database's migration)."""
    conn.execute(TABLE)
    conn.execute(INDEX)
    conn.execute(_FROM_ROWS)


def _escaped(value: str | None) -> str | None:
    if value is not None and ("\x00" in value or value.startswith(ESCAPED)):
        return ESCAPED + json.dumps(value)
    return value


def _decoded(value: str | None) -> str | None:
    if value is not None and value.startswith(ESCAPED):
        decoded: str = json.loads(value[1:])
        return decoded
    return value


def store(conn: Any, case_id: int, item_id: int | None, counter: BucketCounter) -> None:
    """Record an insert's counts (events added to an item that has some add rows of
    their own: a key may have several rows, which :func:`read` sums)."""
    if not counter.counts:
        return
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO event_counts (case_id, item_id, bucket, kind, actor, n) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [(case_id, item_id or 0, b, _escaped(k), _escaped(a), n)
             for (b, k, a), n in counter.counts.items()])


def drop(conn: Any, case_id: int, item_id: int) -> None:
    """An item's counts, before its events are replaced."""
    conn.execute("DELETE FROM event_counts WHERE case_id = %s AND item_id = %s",
                 (case_id, item_id))


def read(conn: Any, case_id: int, hidden_items: Sequence[int], superseded: Sequence[int],
         minutes: int = 10) -> list[EventBucket]:
    """The case's counts in time order (per ten minutes, or per hour: ``minutes=60``),
    without hidden items, superseded events taken off."""
    width = 13 if minutes == 60 else 15
    hidden = [int(i) for i in hidden_items]
    rows = conn.execute(
        "SELECT b, item_id, kind, actor, sum(n)::bigint FROM ("
        f"SELECT substr(bucket, 1, {width}) AS b, item_id, kind, actor, n FROM event_counts "
        "WHERE case_id = %s AND item_id <> ALL(%s) UNION ALL "
        f"SELECT substr(utc, 1, {width}), coalesce(item_id, 0), kind, actor, -1 FROM events "
        "WHERE id = ANY(%s) AND case_id = %s AND utc IS NOT NULL "
        "AND coalesce(item_id, 0) <> ALL(%s)) AS c "
        "GROUP BY b, item_id, kind, actor HAVING sum(n) > 0 "
        "ORDER BY b, item_id, kind, actor NULLS FIRST",
        (case_id, hidden, [int(i) for i in superseded], case_id, hidden)).fetchall()
    if any(ESCAPED in (r[2] + (r[3] or "")) for r in rows):  # rare: a NUL in a kind/actor
        rows = [(b, item, _decoded(kind), _decoded(actor), n)
                for b, item, kind, actor, n in rows]
    starts: dict[str, datetime] = {}
    tail = "0:00+00:00" if width == 15 else ":00:00+00:00"
    return [EventBucket(starts.get(b) or starts.setdefault(b, datetime.fromisoformat(b + tail)),
                        kind, actor, item or None, n) for b, item, kind, actor, n in rows]
