"""Captures and watches run by the server's workers, in its PostgreSQL store (routing only).

A capture row says which case, who asked, which drop-box grant the worker drops with,
and where the job stands (queued, running, retrying, done, failed: with an error code,
never a message that could quote the page). The address to capture and the grant's
pairing key are in ``sealed`` only: sealed by the member's app to the server's capture
key, which only the server's processes hold, so a copy of the database alone (a backup,
a dump) does not show which pages a case watches. A watch row holds the same sealed
request, the interval and when it is due next; each of its runs is a capture row.
``capture_sites`` spaces captures of one site (keyed by a keyed hash of its name).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from spoorvast.storage.server_pg import ServerStore, _time, _uuid, now

STATES = ("queued", "running", "retrying", "done", "failed")


@dataclass(frozen=True)
class CaptureRow:
    id: uuid.UUID
    case_id: uuid.UUID
    requested_by: uuid.UUID
    grant_id: uuid.UUID
    watch_id: uuid.UUID | None
    sealed: bytes
    status: str
    attempts: int
    error: str | None
    upload_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class WatchRow:
    id: uuid.UUID
    case_id: uuid.UUID
    created_by: uuid.UUID
    grant_id: uuid.UUID
    sealed: bytes
    every: int
    next_at: datetime
    paused: bool
    removed: bool
    failures: int
    last_run_at: datetime | None


_CAPTURE = ("SELECT id, case_id, requested_by, grant_id, watch_id, sealed, status, attempts, "
            "error, upload_id, created_at, updated_at FROM server_captures ")
_WATCH = ("SELECT id, case_id, created_by, grant_id, sealed, every_seconds, next_at, paused, "
          "removed_at IS NOT NULL, failures, last_run_at FROM server_watches ")


def _capture(r: tuple[Any, ...]) -> CaptureRow:
    return CaptureRow(_uuid(r[0]), _uuid(r[1]), _uuid(r[2]), _uuid(r[3]),
                      _uuid(r[4]) if r[4] else None, bytes(r[5]),
                      str(r[6]), int(r[7]), str(r[8]) if r[8] else None,
                      _uuid(r[9]) if r[9] else None, r[10], r[11])


def _watch(r: tuple[Any, ...]) -> WatchRow:
    return WatchRow(_uuid(r[0]), _uuid(r[1]), _uuid(r[2]), _uuid(r[3]),
                    bytes(r[4]), int(r[5]), r[6], bool(r[7]),
                    bool(r[8]), int(r[9]), _time(r[10]))


class CaptureStore:
    """The capture and watch tables, through the server store's pool of connections."""

    def __init__(self, store: ServerStore) -> None:
        self.store = store

    # captures ----------------------------------------------------------------------------

    def add(self, row: CaptureRow) -> None:
        with self.store._tx() as conn:
            conn.execute("INSERT INTO server_captures (id, case_id, requested_by, grant_id, "
                         "watch_id, sealed) VALUES (%s, %s, %s, %s, %s, %s)",
                         (row.id, row.case_id, row.requested_by, row.grant_id, row.watch_id,
                          row.sealed))

    def get(self, capture: uuid.UUID) -> CaptureRow | None:
        with self.store._tx() as conn:
            found = conn.execute(_CAPTURE + "WHERE id = %s", (capture,)).fetchone()
        return _capture(found) if found else None

    def of_case(self, case_id: uuid.UUID, limit: int = 200) -> list[CaptureRow]:
        with self.store._tx() as conn:
            rows = conn.execute(_CAPTURE + "WHERE case_id = %s ORDER BY created_at DESC "
                                "LIMIT %s", (case_id, limit)).fetchall()
        return [_capture(r) for r in rows]

    def begin(self, capture: uuid.UUID) -> CaptureRow | None:
        """Mark an attempt as running (attempts + 1); None when it is done or failed."""
        with self.store._tx() as conn:
            found = conn.execute(
                "UPDATE server_captures SET status = 'running', attempts = attempts + 1, "
                "updated_at = now() WHERE id = %s AND status NOT IN ('done', 'failed') "
                "RETURNING id", (capture,)).fetchone()
        return self.get(capture) if found else None

    def end(self, capture: uuid.UUID, status: str, error: str | None = None,
            upload: uuid.UUID | None = None) -> None:
        assert status in STATES
        with self.store._tx() as conn:
            conn.execute("UPDATE server_captures SET status = %s, error = %s, "
                         "upload_id = coalesce(%s, upload_id), updated_at = now() "
                         "WHERE id = %s", (status, error, upload, capture))

    # watches -----------------------------------------------------------------------------

    def add_watch(self, row: WatchRow) -> None:
        with self.store._tx() as conn:
            conn.execute("INSERT INTO server_watches (id, case_id, created_by, grant_id, "
                         "sealed, every_seconds, next_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                         (row.id, row.case_id, row.created_by, row.grant_id, row.sealed,
                          row.every, row.next_at))

    def watch(self, watch_id: uuid.UUID) -> WatchRow | None:
        with self.store._tx() as conn:
            found = conn.execute(_WATCH + "WHERE id = %s", (watch_id,)).fetchone()
        return _watch(found) if found else None

    def watches(self, case_id: uuid.UUID) -> list[WatchRow]:
        with self.store._tx() as conn:
            rows = conn.execute(_WATCH + "WHERE case_id = %s AND removed_at IS NULL "
                                "ORDER BY created_at", (case_id,)).fetchall()
        return [_watch(r) for r in rows]

    def set_watch(self, watch_id: uuid.UUID, *, paused: bool | None = None,
                  removed: bool = False, next_at: datetime | None = None) -> None:
        with self.store._tx() as conn:
            conn.execute(
                "UPDATE server_watches SET paused = coalesce(%s, paused), "
                "removed_at = CASE WHEN %s THEN now() ELSE removed_at END, "
                "next_at = coalesce(%s, next_at) WHERE id = %s AND removed_at IS NULL",
                (paused, removed, next_at, watch_id))

    def due_runs(self, moment: datetime, hold: timedelta) -> list[CaptureRow]:
        """A run (a capture row) for every watch due at ``moment``; each watch is held
        back ``hold`` (until its run ends and sets its real next time), so a tick that
        comes while a run waits does not start another."""
        made = []
        with self.store._tx() as conn:
            rows = conn.execute(_WATCH + "WHERE removed_at IS NULL AND NOT paused AND "
                                "next_at <= %s ORDER BY next_at FOR UPDATE SKIP LOCKED",
                                (moment,)).fetchall()
            for watch in map(_watch, rows):
                run = CaptureRow(uuid.uuid4(), watch.case_id, watch.created_by,
                                 watch.grant_id, watch.id, watch.sealed, "queued", 0, None,
                                 None, moment, moment)
                conn.execute("INSERT INTO server_captures (id, case_id, requested_by, "
                             "grant_id, watch_id, sealed) VALUES (%s, %s, %s, %s, %s, %s)",
                             (run.id, run.case_id, run.requested_by, run.grant_id,
                              run.watch_id, run.sealed))
                conn.execute("UPDATE server_watches SET next_at = %s WHERE id = %s",
                             (moment + hold, watch.id))
                made.append(run)
        return made

    def watch_ran(self, watch_id: uuid.UUID, ok: bool, next_at: datetime) -> None:
        with self.store._tx() as conn:
            conn.execute("UPDATE server_watches SET last_run_at = now(), next_at = %s, "
                         "failures = CASE WHEN %s THEN 0 ELSE failures + 1 END "
                         "WHERE id = %s", (next_at, ok, watch_id))

    # sites -------------------------------------------------------------------------------

    def site_turn(self, site: bytes, gap: timedelta) -> datetime:
        """When this capture of ``site`` may start: at least ``gap`` after the one
        before (the turn is taken at once, so two workers never share one)."""
        moment = now()
        with self.store._tx() as conn:
            row = conn.execute(
                "INSERT INTO capture_sites (site, next_at) VALUES (%s, %s) "
                "ON CONFLICT (site) DO UPDATE SET next_at = "
                "greatest(capture_sites.next_at, %s) + %s RETURNING next_at",
                (site, moment + gap, moment, gap)).fetchone()
        assert row is not None
        turn: datetime = row[0]
        return turn - gap
