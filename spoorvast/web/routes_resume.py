"""Resumable uploads (#24): a file sent in pieces that survives a cut connection, a lock
or an app restart, and is sealed only when whole (``resumable`` says how and why).

The protocol has the shape of tus 1.0 (creation, offsets, checksums), written here by
hand: the maintained Python servers of it (such as ``fastapi-tusd``) keep what arrived
as plain files on the disk, and here it must stay encrypted in the vault. For one file:

* ``POST /c/{case}/add/resumable/{batch}`` with the page's ``X-File-SHA256`` and
  ``X-File-Size`` (and its name): ``{"upload": id, "offset": n}``: a new upload, or the
  unfinished one of the same bytes with how much of it is kept.
* ``HEAD …/u/{id}``: ``Upload-Offset`` and ``Upload-Length``.
* ``PATCH …/u/{id}`` with ``Upload-Offset`` (where the piece starts: it must be the
  kept length, else 409 with the right one) and ``Upload-Checksum: sha256 <base64>`` of
  the piece (a piece that does not match is refused whole with 460 and nothing of it is
  kept; so is a piece cut short). 204 with the new ``Upload-Offset``.
* ``POST …/u/{id}/finish/{batch}``: once every byte is there, the kept bytes are read
  back, decrypted and sealed as one blob; kept (204) only when its size and SHA-256 are
  those declared, else refused (422, a message naming the file) and thrown away.
* ``POST …/u/{id}/discard`` (the add page's "Throw away"): removed, custody-logged.

A locked vault answers 401 (the page says the upload stays unfinished).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from functools import partial

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from spoorvast.errors import StorageFull, UserError
from spoorvast.i18n import _
from spoorvast.storage.blobs import BlobStore, StoredBlob
from spoorvast.storage.partials import PartialDamaged, PartialStore
from spoorvast.storage.vault import Vault
from spoorvast.web import lock_notices, pending_uploads, render, resumable
from spoorvast.web.deps import Redirect, check_csrf, require_owner
from spoorvast.web.resumable import Unfinished
from spoorvast.web.routes_add import upload_name, uploads_of
from spoorvast.web.session import Locked, VaultSession
from spoorvast.web.uploads import (
    Received,
    UploadCut,
    Uploads,
    declared,
    remove_unreferenced,
)

router = APIRouter()
PIECE_MAX = 64 << 20  # one PATCH at most (the page sends 8 MiB)
CHECKSUM_MISMATCH = 460  # tus: "Checksum Mismatch"
_busy: dict[str, threading.Event | None] = {}  # uploads being appended to (their stop
# signal: a newer piece for the same upload takes over) or sealed / thrown away (None)
_finished: dict[str, str] = {}  # upload id -> the batch it was received into
_guard = threading.Lock()


def _locked() -> Response:
    return JSONResponse({"message": _("The vault is locked. The upload stays unfinished: "
                                      "unlock, then add the same file again to go on.")},
                        status_code=401)


def _session(request: Request) -> VaultSession | None:
    try:
        return require_owner(request)
    except Redirect:
        return None


def _claim(upload_id: str, stop: threading.Event | None = None) -> bool:
    with _guard:
        if upload_id in _busy:
            return False
        _busy[upload_id] = stop
        return True


async def _take_over(upload_id: str, stop: threading.Event) -> bool:
    """Claim the upload for a new piece. A piece still being received for it (its
    connection gone without the server hearing of it: a laptop that slept, a dropped
    link) is stopped first, as the page only sends a new piece once it gave that up."""
    for _attempt in range(100):
        if _claim(upload_id, stop):
            return True
        with _guard:
            older = _busy.get(upload_id)
        if older is not None:
            older.set()
        await asyncio.sleep(0.05)
    return False


def _release(upload_id: str) -> None:
    with _guard:
        _busy.pop(upload_id, None)


def _offset_headers(offset: int, size: int | None = None) -> dict[str, str]:
    headers = {"Upload-Offset": str(offset), "Tus-Resumable": "1.0.0",
               "Cache-Control": "no-store"}
    if size is not None:
        headers["Upload-Length"] = str(size)
    return headers


@router.post("/c/{case_id}/add/resumable/{batch}", dependencies=[Depends(check_csrf)])
def start(request: Request, case_id: int, batch: str) -> Response:
    render.use_language(request)
    session = _session(request)
    if session is None:
        return _locked()
    pending = uploads_of(request).batches.get(batch)
    if pending is None or pending.case_id != case_id:
        return Response(status_code=404)
    headers = request.headers
    relative = headers.get("x-file-path", "")
    name = upload_name(relative or headers.get("x-file-name", "file"), bool(relative), set())
    try:
        sha256, size = declared(headers.get("x-file-sha256", ""),
                                headers.get("x-file-size", ""), name)
        modified = headers.get("x-file-modified", "")
        with session.use() as vault:
            entry, offset = resumable.find_or_create(
                vault, case_id, name, bool(relative), size, sha256,
                int(modified) if modified.isdigit() else 0)
    except Locked:
        return _locked()
    except UserError as exc:
        return JSONResponse({"message": exc.message}, status_code=422)
    return JSONResponse({"upload": entry.id, "offset": offset, "size": size},
                        headers=_offset_headers(offset, size))


def _entry_of(vault: Vault, case_id: int, upload_id: str) -> Unfinished | None:
    if len(upload_id) != 32:
        return None
    entry = resumable.get(vault, upload_id)
    return entry if entry is not None and entry.case_id == case_id else None


@router.head("/c/{case_id}/add/resumable/u/{upload_id}")
def offset(request: Request, case_id: int, upload_id: str) -> Response:
    session = _session(request)
    if session is None:
        return Response(status_code=401)
    try:
        with session.use() as vault:
            entry = _entry_of(vault, case_id, upload_id)
            kept = None if entry is None else resumable.received(vault, entry)
    except Locked:
        return Response(status_code=401)
    if entry is None or kept is None:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    return Response(status_code=200, headers=_offset_headers(kept, entry.size))


@router.patch("/c/{case_id}/add/resumable/u/{upload_id}", dependencies=[Depends(check_csrf)])
async def append(request: Request, case_id: int, upload_id: str) -> Response:
    session = _session(request)
    if session is None:
        return _locked()
    uploads = uploads_of(request)
    stop = uploads.start()  # a lock stops it too
    try:
        if not await _take_over(upload_id, stop):
            return Response(status_code=409, headers={"Cache-Control": "no-store"})
        try:
            return await _append(request, session, case_id, upload_id, stop)
        finally:
            _release(upload_id)
    except Locked:
        return _locked()
    finally:
        uploads.end(stop)


async def _append(request: Request, session: VaultSession, case_id: int,
                  upload_id: str, stop: threading.Event) -> Response:
    with session.use() as vault:
        entry = _entry_of(vault, case_id, upload_id)
        kept = None if entry is None else resumable.received(vault, entry)
        store = resumable.partials(vault)
    if entry is None or kept is None:
        return Response(status_code=404)
    given, checksum = request.headers.get("upload-offset", ""), resumable.checksum(
        request.headers.get("upload-checksum", ""))
    if not given.isdigit() or int(given) != kept:
        return Response(status_code=409, headers=_offset_headers(kept, entry.size))
    if checksum is None:
        return Response(status_code=400, headers=_offset_headers(kept, entry.size))
    appender = await run_in_threadpool(store.appender, upload_id, kept)
    try:
        digest = await resumable.receive(request, appender, min(PIECE_MAX, entry.size - kept),
                                         stop)
        if digest != checksum:
            raise resumable.Refused(CHECKSUM_MISMATCH)
        new = await run_in_threadpool(appender.commit)
    except (resumable.Refused, UploadCut) as exc:
        await run_in_threadpool(appender.abort)
        status = exc.status if isinstance(exc, resumable.Refused) else 400
        return Response(status_code=status, headers=_offset_headers(kept, entry.size))
    except BaseException:
        await run_in_threadpool(appender.abort)
        raise
    session.touch()  # a piece that arrived is activity (a slow one outlasts the auto-lock)
    return Response(status_code=204, headers=_offset_headers(new, entry.size))


@router.post("/c/{case_id}/add/resumable/u/{upload_id}/finish/{batch}",
             dependencies=[Depends(check_csrf)])
async def finish(request: Request, case_id: int, upload_id: str, batch: str) -> Response:
    render.use_language(request)
    session = _session(request)
    if session is None:
        return _locked()
    uploads = uploads_of(request)
    pending = uploads.batches.get(batch)
    if pending is None or pending.case_id != case_id:
        return Response(status_code=404)
    if not _claim(upload_id):
        return Response(status_code=409)
    stop = uploads.start()  # auto-lock waits while it is sealed
    try:
        received = await run_in_threadpool(_seal, session, uploads, case_id, upload_id)
    except Locked:
        return _locked()
    except UserError as exc:
        return JSONResponse({"message": exc.message}, status_code=422)
    finally:
        uploads.end(stop)
        _release(upload_id)
    if received is None:  # asked again after its answer was lost: the same answer
        return Response(status_code=204 if _finished.get(upload_id) == batch else 404)
    received = replace(received, name=_unique(received.name, pending.taken()))
    if not uploads.add_received(batch, pending, received):  # a lock dropped the batch
        uploads.orphaned(session.blob_store(), received)
        return Response(status_code=404)
    with _guard:
        _finished[upload_id] = batch
    _write_down(session, batch, received)
    return Response(status_code=204)


def _unique(name: str, taken: set[str]) -> str:
    """A name not yet in the batch (two files of the same name: "a (2).png")."""
    stem, dot, suffix = name.rpartition(".") if "." in name.rpartition("/")[2] else (
        name, "", "")
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{stem} ({n}){dot}{suffix}", n + 1
    return candidate


def _seal(session: VaultSession, uploads: Uploads, case_id: int,
          upload_id: str) -> Received | None:
    """Every byte there: read back, decrypt, seal as one blob (the vault stays usable
    meanwhile); kept when it is exactly the file declared, else refused and thrown away
    (nothing of it is kept)."""
    with session.use() as vault:
        entry = _entry_of(vault, case_id, upload_id)
        if entry is None:
            return None
        kept = resumable.received(vault, entry)
        store = resumable.partials(vault)
    if kept != entry.size:
        raise UserError(_(
            "{name} is not complete yet ({received} of {size} bytes arrived): add the same "
            "file again to send the rest.").format(
                name=entry.name, received=kept or 0, size=entry.size))
    blobs = session.blob_store()
    blob = _ingest(session, store, blobs, entry)
    received = Received(entry.name, blob.sha256, blob.size, entry.modified_ms, blob.fresh)
    whole = blob.size == entry.size and blob.sha256 == entry.sha256
    try:
        with session.use() as vault:
            if whole:
                resumable.done(vault, entry)
                return received
            remove_unreferenced(vault, [received])
            resumable.discard(vault, entry, "hash-mismatch")
    except Locked:  # locked as it ended: the unfinished upload stays, the blob goes
        uploads.orphaned(blobs, received, said=True)
        raise
    raise UserError(_(
        "{name} arrived different from the file on your computer (its SHA-256 fingerprint "
        "does not match the one your browser computed). Nothing of it was kept; add it "
        "again.").format(name=entry.name))


def _ingest(session: VaultSession, store: PartialStore, blobs: BlobStore,
            entry: Unfinished) -> StoredBlob:
    try:
        with store.open(entry.id) as kept:
            return blobs.ingest(kept, durable=False)
    except PartialDamaged as exc:
        with session.use() as vault:
            resumable.discard(vault, entry, "damaged")
        raise UserError(_(
            "What arrived of {name} could not be read back (it was damaged, or the vault's "
            "key changed since). Nothing of it was kept; add it again.").format(
                name=entry.name)) from exc
    except StorageFull as exc:
        raise UserError(_("{name} was not received: {reason}").format(
            name=entry.name, reason=exc.message)) from exc


def _write_down(session: VaultSession, batch: str, received: Received) -> None:
    """Into the vault, so an app that ends before the seal still says the file."""
    blobs = session.blob_store()
    blob_name = blobs.name(received.sha256) if received.fresh else None
    try:
        with session.use() as vault:
            lock_notices.brief_write(vault, partial(
                pending_uploads.add, vault, batch, received.name, received.size, blob_name))
    except Locked:
        return


@router.post("/c/{case_id}/add/resumable/u/{upload_id}/discard",
             dependencies=[Depends(check_csrf)])
def discard(request: Request, case_id: int, upload_id: str) -> Response:
    with require_owner(request).use() as vault:
        entry = _entry_of(vault, case_id, upload_id)
        if entry is not None and _claim(upload_id):
            try:
                resumable.discard(vault, entry)
            finally:
                _release(upload_id)
    return RedirectResponse(f"/c/{case_id}/add?msg=discarded", status_code=303)
