"""Captures and watches on the server, asked by a case's owner or advocate.

``GET /capture-key`` gives the key to seal a request to (see
``storage/capture_requests.py``). ``POST /cases/{id}/captures`` queues one capture: the
body names a drop-box grant the caller made for it (unpaired, theirs, of this case) and
the request sealed to the capture key; the answer is the capture's id, and
``GET /cases/{id}/captures/{capture}`` says where it stands (queued, running, retrying,
done, failed, with an error code and the attempts made) — how a requester learns that a
job failed. ``/cases/{id}/watches`` does the same for a watch, with its interval;
``POST …/watches/{w}`` pauses, resumes or removes it, ``POST …/watches/{w}/run`` runs it
now. The server answers with ids, states and times only: it cannot read an address.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from fastapi import APIRouter
from pydantic import BaseModel

from spoorvast.server import access
from spoorvast.server.access import ApiError
from spoorvast.server.deps import Me, State, b64, unb64
from spoorvast.server.watch_job import MAX_EVERY, MIN_EVERY
from spoorvast.storage.capture_requests import capture_key
from spoorvast.storage.server_captures import CaptureRow, CaptureStore, WatchRow
from spoorvast.storage.server_drops import DropStore
from spoorvast.storage.server_pg import now

router = APIRouter()
ASKERS = frozenset({"owner", "advocate"})
MAX_SEALED = 16 << 10


class NewCapture(BaseModel):
    capture: uuid.UUID
    grant: uuid.UUID
    sealed: str


class NewWatch(BaseModel):
    watch: uuid.UUID
    grant: uuid.UUID
    sealed: str
    every: int


class WatchChange(BaseModel):
    paused: bool | None = None
    remove: bool = False


def _captures(state: State) -> CaptureStore:
    return CaptureStore(state.store)


@router.get("/capture-key")
def key(me: Me, state: State) -> dict[str, object]:
    return {"key": b64(bytes(capture_key(bytes(state.key)).public_key)),
            "offered": state.capture is not None}


def _checked(state: State, case_id: uuid.UUID, me: uuid.UUID, grant_id: uuid.UUID,
             sealed: str) -> bytes:
    access.grant(state.store, case_id, me, ASKERS)
    if state.capture is None:
        raise ApiError(503, "captures_not_offered")
    grant = DropStore(state.store).grant(grant_id)
    if grant is None or grant.case_id != case_id or grant.granted_by != me:
        raise ApiError(404, "no_such_grant")
    if not grant.active(now()) or grant.device_key is not None:
        raise ApiError(409, "grant_not_fresh")
    data = unb64(sealed)
    if not 0 < len(data) <= MAX_SEALED:
        raise ApiError(422, "bad_request")
    return data


@router.post("/cases/{case_id}/captures")
def ask_capture(case_id: uuid.UUID, body: NewCapture, me: Me,
                state: State) -> dict[str, object]:
    sealed = _checked(state, case_id, me, body.grant, body.sealed)
    captures = _captures(state)
    if captures.get(body.capture) is not None:
        raise ApiError(409, "capture_exists")
    moment = now()
    captures.add(CaptureRow(body.capture, case_id, me, body.grant, None, sealed, "queued", 0,
                            None, None, moment, moment))
    assert state.capture is not None
    state.capture(body.capture)
    return _capture(captures, body.capture)


@router.get("/cases/{case_id}/captures")
def list_captures(case_id: uuid.UUID, me: Me, state: State) -> list[dict[str, object]]:
    access.grant(state.store, case_id, me, access.READ)
    return [_row(r) for r in _captures(state).of_case(case_id)]


@router.get("/cases/{case_id}/captures/{capture}")
def capture_state(case_id: uuid.UUID, capture: uuid.UUID, me: Me,
                  state: State) -> dict[str, object]:
    access.grant(state.store, case_id, me, access.READ)
    found = _captures(state).get(capture)
    if found is None or found.case_id != case_id:
        raise ApiError(404, "no_such_capture")
    return _row(found)


def _capture(captures: CaptureStore, capture: uuid.UUID) -> dict[str, object]:
    found = captures.get(capture)
    assert found is not None
    return _row(found)


def _row(row: CaptureRow) -> dict[str, object]:
    return {"capture": str(row.id), "status": row.status, "attempts": row.attempts,
            "error": row.error, "upload": str(row.upload_id) if row.upload_id else None,
            "watch": str(row.watch_id) if row.watch_id else None,
            "requested_by": str(row.requested_by), "created_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat()}


# watches --------------------------------------------------------------------------------

@router.post("/cases/{case_id}/watches")
def add_watch(case_id: uuid.UUID, body: NewWatch, me: Me,
              state: State) -> dict[str, object]:
    sealed = _checked(state, case_id, me, body.grant, body.sealed)
    if not MIN_EVERY <= body.every <= MAX_EVERY:
        raise ApiError(422, "bad_interval")
    captures = _captures(state)
    if captures.watch(body.watch) is not None:
        raise ApiError(409, "watch_exists")
    captures.add_watch(WatchRow(body.watch, case_id, me, body.grant, sealed, body.every,
                                now(), False, False, 0, None))
    return _watch_row(_watch_of(state, case_id, body.watch))


@router.get("/cases/{case_id}/watches")
def list_watches(case_id: uuid.UUID, me: Me, state: State) -> list[dict[str, object]]:
    access.grant(state.store, case_id, me, access.READ)
    return [_watch_row(w) for w in _captures(state).watches(case_id)]


@router.post("/cases/{case_id}/watches/{watch_id}")
def change_watch(case_id: uuid.UUID, watch_id: uuid.UUID, body: WatchChange, me: Me,
                 state: State) -> dict[str, object]:
    access.grant(state.store, case_id, me, ASKERS)
    _watch_of(state, case_id, watch_id)
    _captures(state).set_watch(watch_id, paused=body.paused, removed=body.remove)
    return {"ok": True}


@router.post("/cases/{case_id}/watches/{watch_id}/run")
def run_watch(case_id: uuid.UUID, watch_id: uuid.UUID, me: Me,
              state: State) -> dict[str, object]:
    """Due now: the next tick makes its run (the interval is the floor for the next)."""
    access.grant(state.store, case_id, me, ASKERS)
    watch = _watch_of(state, case_id, watch_id)
    if watch.paused:
        raise ApiError(409, "watch_paused")
    _captures(state).set_watch(watch_id, next_at=now() - timedelta(seconds=1))
    return {"ok": True}


def _watch_of(state: State, case_id: uuid.UUID, watch_id: uuid.UUID) -> WatchRow:
    found = _captures(state).watch(watch_id)
    if found is None or found.case_id != case_id or found.removed:
        raise ApiError(404, "no_such_watch")
    return found


def _watch_row(watch: WatchRow) -> dict[str, object]:
    return {"watch": str(watch.id), "every": watch.every, "paused": watch.paused,
            "next_at": watch.next_at.isoformat(), "failures": watch.failures,
            "last_run_at": _iso(watch.last_run_at), "grant": str(watch.grant_id)}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
