"""Blobs (already encrypted by the client): whole, or in parts that resume after a cut.

``PUT …/blobs/{id}`` stores a blob of up to :data:`MAX_BODY` bytes in one object;
``PUT …/blobs/{id}/parts/{n}`` sends part *n* of a bigger one (S3 multipart: every part
but the last at least 5 MiB), ``GET …/blobs/{id}/parts`` says which parts arrived, and
``POST …/blobs/{id}/complete`` joins them. Where the store is reachable by members'
apps (``SPOORVAST_S3_PUBLIC_ENDPOINT``), ``POST …/blobs/{id}/direct`` gives a signed URL
for one PUT of the ciphertext straight into the store (under a random key the server
chose), and ``complete`` then checks its size there: the bytes skip one hop. Every
fetch is logged on the chain.

A body goes on to the store as it arrives (``server.streaming``): a part or a blob is
stored, and its row written, only when all of its bytes arrived.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.responses import StreamingResponse

from spoorvast.server import access
from spoorvast.server.access import ApiError
from spoorvast.server.deps import Me, State
from spoorvast.server.streaming import into_store, part_into_store, read_body
from spoorvast.storage.objects_s3 import ObjectMissing, new_key
from spoorvast.storage.server_pg import BlobRow

router = APIRouter()
MAX_BODY = 64 << 20
MAX_PARTS = 10_000
MAX_DIRECT = 5 << 30  # one S3 PUT
DIRECT = "direct"  # upload_id of a blob sent with a signed URL


async def _body(request: Request) -> bytes:
    """The whole body, up to :data:`MAX_BODY` (the drop-box routes read it so)."""
    return await read_body(request, MAX_BODY)


def _existing(state: State, case_id: uuid.UUID, blob_id: uuid.UUID, me: uuid.UUID
              ) -> BlobRow | None:
    found = state.store.blob(case_id, blob_id)
    if found is not None and found.size is None and found.author != me:
        raise ApiError(409, "blob_in_progress")
    return found


@router.put("/cases/{case_id}/blobs/{blob_id}")
async def put_blob(case_id: uuid.UUID, blob_id: uuid.UUID, request: Request, me: Me,
                   state: State) -> dict[str, object]:
    await run_in_threadpool(access.grant, state.store, case_id, me, access.ADD)
    found = await run_in_threadpool(_existing, state, case_id, blob_id, me)
    if found is not None and found.size is not None:
        return {"blob": str(blob_id), "size": found.size, "new": False}
    key = new_key()
    _, size = await into_store(request, MAX_BODY,
                               lambda size: state.objects.put_url(key, size))
    await run_in_threadpool(state.store.add_blob, case_id, blob_id, key, me, None, size)
    return {"blob": str(blob_id), "size": size, "new": True}


@router.put("/cases/{case_id}/blobs/{blob_id}/parts/{number}")
async def put_part(case_id: uuid.UUID, blob_id: uuid.UUID, number: int, request: Request,
                   me: Me, state: State) -> dict[str, object]:
    if not 1 <= number <= MAX_PARTS:
        raise ApiError(422, "bad_part_number")
    await run_in_threadpool(access.grant, state.store, case_id, me, access.ADD)
    found = await run_in_threadpool(_existing, state, case_id, blob_id, me)
    if found is not None and found.size is not None:
        raise ApiError(409, "blob_complete")
    if found is None:
        key = new_key()
        started = await run_in_threadpool(state.objects.start_upload, key)
        found = await run_in_threadpool(state.store.add_blob, case_id, blob_id, key, me,
                                        started, None)
    assert found.upload_id is not None
    etag, size = await part_into_store(request, MAX_BODY, state.objects, found.object_key,
                                       found.upload_id, number)
    await run_in_threadpool(state.store.add_part, case_id, blob_id, number, etag, size)
    return {"part": number, "size": size}


@router.post("/cases/{case_id}/blobs/{blob_id}/direct")
def direct(case_id: uuid.UUID, blob_id: uuid.UUID, body: dict[str, int], me: Me,
           state: State) -> dict[str, object]:
    access.grant(state.store, case_id, me, access.ADD)
    size = body.get("size", -1)
    if not state.objects.direct:
        raise ApiError(404, "direct_upload_off")
    if not 0 <= size <= MAX_DIRECT:
        raise ApiError(422, "bad_size")
    found = _existing(state, case_id, blob_id, me)
    if found is not None:
        raise ApiError(409, "blob_exists")
    found = state.store.add_blob(case_id, blob_id, new_key(), me, DIRECT, None)
    return {"url": state.objects.upload_url(found.object_key, size)}


@router.get("/cases/{case_id}/blobs/{blob_id}/parts")
def parts(case_id: uuid.UUID, blob_id: uuid.UUID, me: Me,
          state: State) -> dict[str, object]:
    access.grant(state.store, case_id, me, access.ADD)
    found = _existing(state, case_id, blob_id, me)
    done = [] if found is None else state.store.parts(case_id, blob_id)
    return {"complete": found is not None and found.size is not None,
            "parts": [{"part": n, "size": size} for n, _, size in done]}


@router.post("/cases/{case_id}/blobs/{blob_id}/complete")
def complete(case_id: uuid.UUID, blob_id: uuid.UUID, me: Me,
             state: State) -> dict[str, object]:
    access.grant(state.store, case_id, me, access.ADD)
    found = _existing(state, case_id, blob_id, me)
    if found is None:
        raise ApiError(404, "no_such_blob")
    if found.size is not None:
        return {"blob": str(blob_id), "size": found.size}
    if found.upload_id == DIRECT:
        try:
            size = state.objects.size(found.object_key)
        except ObjectMissing as exc:
            raise ApiError(409, "blob_missing") from exc
        state.store.finish_blob(case_id, blob_id, size)
        return {"blob": str(blob_id), "size": size}
    done = state.store.parts(case_id, blob_id)
    if not done or [n for n, _, _ in done] != list(range(1, len(done) + 1)):
        raise ApiError(409, "parts_missing")
    assert found.upload_id is not None
    state.objects.finish_upload(found.object_key, found.upload_id,
                                [(n, etag) for n, etag, _ in done])
    size = sum(s for _, _, s in done)
    state.store.finish_blob(case_id, blob_id, size)
    return {"blob": str(blob_id), "size": size}


@router.get("/cases/{case_id}/blobs/{blob_id}")
def get_blob(case_id: uuid.UUID, blob_id: uuid.UUID, me: Me,
             state: State) -> StreamingResponse:
    access.grant(state.store, case_id, me, access.READ)
    found = state.store.blob(case_id, blob_id)
    if found is None or found.size is None:
        raise ApiError(404, "no_such_blob")
    state.store.log_access(case_id, {"action": "blob_fetch", "actor": str(me),
                                     "subject": str(blob_id)})
    return StreamingResponse(iterate_in_threadpool(state.objects.read(found.object_key)),
                             media_type="application/octet-stream",
                             headers={"content-length": str(found.size)})
