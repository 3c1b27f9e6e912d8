"""The drop box: devices that may only add to a case (a victim's phone, a counsellor).

Members (owner or advocate) make a *drop-box grant* with a purpose and an expiry, signed
by them and appended to the case's chain; the grant names the public half of a one-time
pairing key whose secret half only the pairing link carries. A device pairs once with a
proof signed by that key and gets a token that can do nothing but add: send the
ciphertext of a file in parts (S3 multipart; resumable: it asks which parts arrived),
then finish it with the meta sealed to the case's drop-box key and an entry the device
signed. A drop's first part declares the ciphertext's whole size, and the drop starts
only when it fits the grant's and the case's quota (``state.drop_limits``; the device
sees its room in ``/device/box``); no part may take it past what it declared. The server
checks what it can (sizes, the entry's fields, the device's signature), stores
ciphertext only, and appends "dropped by this device at this time" to the chain. A
revoked or expired grant is refused everything; members fetch drops as they fetch blobs,
each fetch logged on the chain.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from datetime import datetime
from typing import Annotated, Any

from botocore.exceptions import ClientError
from fastapi import APIRouter, Header, Request
from pydantic import BaseModel
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.responses import StreamingResponse

from spoorvast.server import access
from spoorvast.server.access import ApiError, token_hash
from spoorvast.server.deps import Me, State, b64, unb64
from spoorvast.server.routes_blobs import MAX_BODY, MAX_PARTS
from spoorvast.server.routes_cases import Signed, _owner_signed
from spoorvast.server.streaming import declared_size, part_into_store
from spoorvast.storage.drop_keys import check_pairing
from spoorvast.storage.objects_s3 import new_key
from spoorvast.storage.server_drops import DropGrant, DropRow, DropStore, QuotaExceeded
from spoorvast.storage.server_pg import now
from spoorvast.storage.sharing_keys import verify_signature

router = APIRouter()
GRANTERS = frozenset({"owner", "advocate"})
MAX_META = 16 << 10


class NewGrant(Signed):
    grant: uuid.UUID
    pairing_key: str
    purpose: str  # sealed with the case key by the member's app
    expires_at: datetime


class Pair(BaseModel):
    grant: uuid.UUID
    device: str
    proof: str


class Finish(BaseModel):
    meta: str
    entry: str
    signature: str


def _drops(state: State) -> DropStore:
    return DropStore(state.store)


def _grant_of(state: State, case_id: uuid.UUID, grant_id: uuid.UUID) -> DropGrant:
    found = _drops(state).grant(grant_id)
    if found is None or found.case_id != case_id:
        raise ApiError(404, "no_such_grant")
    return found


# members --------------------------------------------------------------------------------

@router.post("/cases/{case_id}/dropbox/grants")
def make_grant(case_id: uuid.UUID, body: NewGrant, me: Me, state: State) -> dict[str, str]:
    access.grant(state.store, case_id, me, GRANTERS)
    if body.expires_at.tzinfo is None or body.expires_at <= now():
        raise ApiError(422, "bad_expiry")
    pairing = unb64(body.pairing_key, 32)
    signed = _owner_signed(state, case_id, me, body, {
        "action": "dropbox_grant", "grant": str(body.grant), "pairing_key": body.pairing_key})
    expires = json.loads(unb64(body.entry)).get("expires_at")
    if not isinstance(expires, str) or datetime.fromisoformat(expires) != body.expires_at:
        raise ApiError(422, "entry_does_not_match")
    drops = _drops(state)
    if drops.grant(body.grant) is not None:
        raise ApiError(409, "grant_exists")
    drops.add_grant(DropGrant(body.grant, case_id, me, pairing, unb64(body.purpose),
                              body.expires_at, None, None, None), signed)
    return {"grant": str(body.grant)}


@router.get("/cases/{case_id}/dropbox/grants")
def list_grants(case_id: uuid.UUID, me: Me, state: State) -> list[dict[str, object]]:
    access.grant(state.store, case_id, me, access.READ)
    moment = now()
    arrived = _drops(state).arrived(case_id)
    return [{"grant": str(g.id), "granted_by": str(g.granted_by), "purpose": b64(g.purpose),
             "expires_at": g.expires_at.isoformat(), "revoked": g.revoked_at is not None,
             "paired": g.device_key is not None, "active": g.active(moment),
             "device": b64(g.device_key) if g.device_key else None,
             "paired_at": g.paired_at.isoformat() if g.paired_at else None,
             "drops": arrived.get(g.id, (0, 0))[0], "bytes": arrived.get(g.id, (0, 0))[1]}
            for g in _drops(state).grants(case_id)]


@router.post("/cases/{case_id}/dropbox/grants/{grant_id}/revoke")
def revoke_grant(case_id: uuid.UUID, grant_id: uuid.UUID, body: Signed, me: Me,
                 state: State) -> dict[str, bool]:
    access.grant(state.store, case_id, me, GRANTERS)
    found = _grant_of(state, case_id, grant_id)
    signed = _owner_signed(state, case_id, me, body, {
        "action": "dropbox_revoke", "grant": str(grant_id)})
    _drops(state).revoke(found, me, signed)
    return {"ok": True}


@router.get("/cases/{case_id}/drops/{upload}")
def drop_meta(case_id: uuid.UUID, upload: uuid.UUID, me: Me,
              state: State) -> dict[str, object]:
    access.grant(state.store, case_id, me, access.READ)
    found = _drops(state).drop(case_id, upload)
    if found is None or found.meta is None:
        raise ApiError(404, "no_such_drop")
    return {"upload": str(upload), "grant": str(found.grant_id), "epoch": found.epoch,
            "meta": b64(found.meta), "size": found.size}


@router.get("/cases/{case_id}/drops/{upload}/content")
def drop_content(case_id: uuid.UUID, upload: uuid.UUID, me: Me,
                 state: State) -> StreamingResponse:
    access.grant(state.store, case_id, me, access.READ)
    found = _drops(state).drop(case_id, upload)
    if found is None or found.size is None:
        raise ApiError(404, "no_such_drop")
    state.store.log_access(case_id, {"action": "drop_fetch", "actor": str(me),
                                     "subject": str(upload)})
    return StreamingResponse(iterate_in_threadpool(state.objects.read(found.object_key)),
                             media_type="application/octet-stream",
                             headers={"content-length": str(found.size)})


# devices --------------------------------------------------------------------------------

def _device(state: State, authorization: str | None) -> DropGrant:
    scheme, _, token = (authorization or "").partition(" ")
    found = _drops(state).grant_of_token(token_hash(token)) \
        if scheme.lower() == "drop" and token else None
    if found is None:
        raise ApiError(401, "not_paired")
    if not found.active(now()):
        raise ApiError(403, "grant_ended")
    return found


Device = Annotated[str | None, Header(alias="authorization")]


@router.post("/device/pair")
def pair(body: Pair, state: State) -> dict[str, object]:
    """One device per grant, once, with the pairing key's proof (no login: the proof is
    the credential, and the server never sees the pairing key's secret half)."""
    drops = _drops(state)
    found = drops.grant(body.grant)
    if found is None:
        raise ApiError(404, "no_such_grant")
    if not found.active(now()):
        raise ApiError(403, "grant_ended")
    device = unb64(body.device, 32)
    proof = unb64(body.proof, 64)
    if not check_pairing(found.pairing_key, found.id, device, proof):
        raise ApiError(403, "bad_proof")
    token = secrets.token_urlsafe(32)
    if not drops.pair(found, device, token_hash(token), {
            "action": "dropbox_paired", "grant": str(found.id), "device": body.device,
            "proof": body.proof}):
        raise ApiError(409, "already_paired")
    return {"token": token, **_box(state, found)}


def _box(state: State, found: DropGrant) -> dict[str, object]:
    case = access.case_or_404(state.store, found.case_id)
    dropbox = dict(state.store.epochs(found.case_id))[case.epoch]
    room = _drops(state).room(found.case_id, found.id, state.drop_limits)
    return {"case": str(found.case_id), "grant": str(found.id), "epoch": case.epoch,
            "dropbox": b64(dropbox), "expires_at": found.expires_at.isoformat(),
            "room": {"bytes": room.bytes, "files": room.files}}


@router.get("/device/box")
def box(authorization: Device, state: State) -> dict[str, object]:
    return _box(state, _device(state, authorization))


@router.put("/device/uploads/{upload}/parts/{number}")
async def put_part(upload: uuid.UUID, number: int, request: Request, authorization: Device,
                   state: State, epoch: int = -1, size: int = -1) -> dict[str, object]:
    """Part *number* of a drop; the first part of a drop names its *epoch* and declares
    its ciphertext's whole *size* (bytes), which must fit the quota."""
    if not 1 <= number <= MAX_PARTS:
        raise ApiError(422, "bad_part_number")
    found = await run_in_threadpool(_device, state, authorization)
    drops = _drops(state)
    row = await run_in_threadpool(drops.drop, found.case_id, upload)
    if row is not None and row.grant_id != found.id:
        raise ApiError(409, "upload_of_another")
    if row is not None and row.size is not None:
        raise ApiError(409, "upload_complete")
    if row is None:
        row = await run_in_threadpool(_start, state, found, upload, epoch, size)
    assert row.s3_upload is not None
    room = MAX_BODY  # bytes this part may have: what the declared size leaves
    if row.declared_size is not None:
        others = await run_in_threadpool(drops.parts, found.case_id, upload)
        room = min(room, row.declared_size - sum(s for n, _, s in others if n != number))
        length = declared_size(request, MAX_BODY)
        if room < 0 or (length is not None and length > room):
            raise ApiError(413, "drop_quota")
    try:  # on to the store as it arrives (a cut part stores nothing)
        etag, size = await part_into_store(request, room, state.objects, row.object_key,
                                           row.s3_upload, number)
    except ApiError as exc:
        if exc.code == "body_too_big" and room < MAX_BODY:
            raise ApiError(413, "drop_quota") from exc
        raise
    await run_in_threadpool(drops.add_part, found.case_id, upload, number, etag, size)
    return {"part": number, "size": size}


def _start(state: State, found: DropGrant, upload: uuid.UUID, epoch: int, size: int
           ) -> DropRow:
    """A new drop: its epoch current, its declared size within the room left (checked
    before the store is asked for anything, and again under the case's lock)."""
    case = access.case_or_404(state.store, found.case_id)
    if epoch != case.epoch:
        raise ApiError(409, "stale_epoch")
    if size < 0:
        raise ApiError(422, "size_needed")
    drops = _drops(state)
    if not drops.room(found.case_id, found.id, state.drop_limits).fits(size):
        raise ApiError(413, "drop_quota")
    key = "drop/" + new_key()
    s3_upload = state.objects.start_upload(key)
    try:
        row = drops.start(found.case_id, upload, found.id, epoch, key, s3_upload, size,
                          state.drop_limits)
    except QuotaExceeded as exc:
        state.objects.discard(key, s3_upload)
        raise ApiError(413, "drop_quota") from exc
    if row.object_key != key:  # a first part of the same drop, sent at once, made it
        state.objects.discard(key, s3_upload)
    return row


@router.get("/device/uploads/{upload}")
def upload_state(upload: uuid.UUID, authorization: Device, state: State
                 ) -> dict[str, object]:
    found = _device(state, authorization)
    row = _drops(state).drop(found.case_id, upload)
    if row is not None and row.grant_id != found.id:
        raise ApiError(404, "no_such_upload")
    done = [] if row is None else _drops(state).parts(found.case_id, upload)
    return {"complete": row is not None and row.size is not None,
            "parts": [{"part": n, "size": size} for n, _, size in done]}


@router.post("/device/uploads/{upload}/finish")
def finish(upload: uuid.UUID, body: Finish, authorization: Device, state: State
           ) -> dict[str, object]:
    found = _device(state, authorization)
    drops = _drops(state)
    row = drops.drop(found.case_id, upload)
    if row is None or row.grant_id != found.id:
        raise ApiError(404, "no_such_upload")
    if row.size is not None:
        return {"upload": str(upload), "size": row.size, "new": False}
    meta, entry, signature = unb64(body.meta), unb64(body.entry), unb64(body.signature)
    if len(meta) > MAX_META:
        raise ApiError(413, "meta_too_big")
    done = drops.parts(found.case_id, upload)
    if not done or [n for n, _, _ in done] != list(range(1, len(done) + 1)):
        raise ApiError(409, "parts_missing")
    size = sum(s for _, _, s in done)
    if row.declared_size is not None and size > row.declared_size:  # parts sent at once
        raise ApiError(413, "drop_quota")
    _check_entry(found, upload, row.epoch, meta, size, entry)
    assert found.device_key is not None
    if not verify_signature(found.device_key, entry, signature):
        raise ApiError(422, "bad_signature")
    assert row.s3_upload is not None
    try:
        state.objects.finish_upload(row.object_key, row.s3_upload,
                                    [(n, etag) for n, etag, _ in done])
    except ClientError as exc:  # a part but the last under 5 MiB, or parts lost
        raise ApiError(409, "parts_refused") from exc
    drops.finish(found.case_id, upload, meta, size, {
        "action": "drop", "grant": str(found.id), "upload": str(upload),
        "device_entry": b64(entry), "device_signature": b64(signature)})
    return {"upload": str(upload), "size": size, "new": True}


def _check_entry(found: DropGrant, upload: uuid.UUID, epoch: int, meta: bytes, size: int,
                 entry: bytes) -> None:
    try:
        fields: Any = json.loads(entry)
    except ValueError as exc:
        raise ApiError(422, "bad_entry") from exc
    assert found.device_key is not None
    wanted = {"action": "drop", "case": str(found.case_id), "grant": str(found.id),
              "upload": str(upload), "epoch": epoch, "cipher_size": size,
              "device": base64.b64encode(found.device_key).decode("ascii"),
              "meta_sha256": hashlib.sha256(meta).hexdigest()}
    if not isinstance(fields, dict) or any(fields.get(k) != v for k, v in wanted.items()):
        raise ApiError(422, "entry_does_not_match")
