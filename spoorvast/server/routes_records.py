"""Records: pushed in batches (idempotent by the client's record id), pulled in the
order the server assigned, after a sequence number, a page at a time.

A record comes with its custody entry, signed by its author: the server checks that the
entry names this case, this record, the author and the SHA-256 of the record's bytes,
and that the signature holds, then appends it to the chain in the same transaction.
Records must use the case's current epoch (after a member is removed, the new key).
"""

from __future__ import annotations

import hashlib
import json
import uuid

from fastapi import APIRouter
from pydantic import BaseModel

from spoorvast.server import access
from spoorvast.server.access import ApiError
from spoorvast.server.deps import Me, State, b64, unb64
from spoorvast.storage.server_pg import Conflict
from spoorvast.storage.sharing_keys import verify_signature

router = APIRouter()
MAX_PAGE = 500
MAX_BATCH = 500
MAX_RECORD = 1 << 20


class Record(BaseModel):
    record: uuid.UUID
    epoch: int
    body: str
    entry: str
    signature: str


class Push(BaseModel):
    records: list[Record]


@router.post("/cases/{case_id}/records")
def push(case_id: uuid.UUID, body: Push, me: Me, state: State) -> list[dict[str, object]]:
    access.grant(state.store, case_id, me, access.ADD)
    if len(body.records) > MAX_BATCH:
        raise ApiError(413, "batch_too_big")
    account = state.store.account(me)
    case = access.case_or_404(state.store, case_id)
    assert account is not None
    out, newest = [], 0
    for record in body.records:
        data, entry, signature = unb64(record.body), unb64(record.entry), unb64(record.signature)
        _check(case_id, me, record, data, entry)
        if not verify_signature(account.verify_public, entry, signature):
            raise ApiError(422, "bad_signature")
        if record.epoch != case.epoch:
            raise ApiError(409, "stale_epoch")
        try:
            seq, new = state.store.push(case_id, record.record, record.epoch, me, data,
                                        entry, signature)
        except Conflict as exc:  # its seq is told to its own author only
            raise ApiError(409, "record_differs",
                           exc.seq if exc.author == me else None) from exc
        newest = max(newest, seq if new else 0)
        out.append({"record": str(record.record), "seq": seq, "new": new})
    if newest:
        _announce(state, case_id, newest, me)
    return out


def _check(case_id: uuid.UUID, me: uuid.UUID, record: Record, data: bytes,
           entry: bytes) -> None:
    if len(data) > MAX_RECORD:
        raise ApiError(413, "record_too_big")
    try:
        fields = json.loads(entry)
    except ValueError as exc:
        raise ApiError(422, "bad_entry") from exc
    wanted = {"case": str(case_id), "record": str(record.record), "author": str(me),
              "body_sha256": hashlib.sha256(data).hexdigest(), "epoch": record.epoch}
    if not isinstance(fields, dict) or any(fields.get(k) != v for k, v in wanted.items()):
        raise ApiError(422, "entry_does_not_match")


def _announce(state: State, case_id: uuid.UUID, seq: int, author: uuid.UUID) -> None:
    if state.fan_out is not None:
        state.fan_out(case_id, seq, author)
    else:
        state.store.bump_notices(case_id, seq, author)


@router.get("/cases/{case_id}/records")
def pull(case_id: uuid.UUID, me: Me, state: State, after: int = 0,
         limit: int = MAX_PAGE) -> list[dict[str, object]]:
    access.grant(state.store, case_id, me, access.READ)
    rows = state.store.records_after(case_id, after, max(1, min(limit, MAX_PAGE)))
    return [{"seq": r.seq, "record": str(r.record_id), "epoch": r.epoch,
             "author": str(r.author), "body": b64(r.body), "at": r.created_at.isoformat()}
            for r in rows]


@router.get("/cases/{case_id}/items")
def items(case_id: uuid.UUID, me: Me, state: State, after: int = 0,
          limit: int = MAX_PAGE) -> list[dict[str, object]]:
    """Routing data of the case's records only (no bytes): seq, id, epoch, author, size."""
    access.grant(state.store, case_id, me, access.READ)
    rows = state.store.records_after(case_id, after, max(1, min(limit, MAX_PAGE)))
    return [{"seq": r.seq, "record": str(r.record_id), "epoch": r.epoch,
             "author": str(r.author), "size": len(r.body), "at": r.created_at.isoformat()}
            for r in rows]
