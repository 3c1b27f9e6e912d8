"""Add files: drag and drop many at once, each uploaded with its own progress bar
straight into the vault's encrypted blob store (``uploads``: hashed and encrypted as the
bytes arrive, kept only when they are exactly the bytes whose SHA-256 the page computed),
then sealed by the intake as one background job whose per-file progress the page polls.

Importers read files, so at sealing each received file is decrypted into a private
memory folder (``private``) when it fits there; one that does not fit (a long video on a
computer with a small memory folder) is never cut short: it becomes a plain file item
from its sealed bytes, with a finding that says its content was not read.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import threading
import time
from functools import partial
from pathlib import Path
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import JSONResponse, Response

from spoorvast.errors import StorageFull, UserError
from spoorvast.i18n import _, ngettext
from spoorvast.importers.registry import builtin_registry
from spoorvast.services import added as added_service
from spoorvast.services import cases as case_service
from spoorvast.services.intake import AddResult, Intake, Presealed, Status, expand
from spoorvast.storage.blobs import BlobStore
from spoorvast.storage.vault import Vault
from spoorvast.web import (
    lock_notices,
    pending_uploads,
    picture_reading,
    render,
    resumable,
    wording,
)
from spoorvast.web.deps import case_of, check_csrf, jobs_of, require_owner, vault_for
from spoorvast.web.jobs import FileProgress, Job, JobRegistry, Link, Work
from spoorvast.web.private import PrivateDirs
from spoorvast.web.session import Locked
from spoorvast.web.uploads import (
    Received,
    UploadBatch,
    UploadCut,
    UploadRefused,
    Uploads,
    declared,
    remove_unreferenced,
    stream_into,
)

router = APIRouter()
_UNSAFE = re.compile(r"[\x00-\x1f/\\]")


@router.get("/c/{case_id}/add")
def add_page(request: Request, case_id: int) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        unfinished = resumable.listed(vault, case_id)
    return render.page(request, "add.html", case=case, active="add", unfinished=unfinished)


def uploads_of(request: Request) -> Uploads:
    uploads: Uploads = request.app.state.uploads
    return uploads


@router.post("/c/{case_id}/add/batch", dependencies=[Depends(check_csrf)])
def new_batch(request: Request, case_id: int) -> Response:
    require_owner(request)
    batch = secrets.token_urlsafe(12)
    uploads_of(request).batches[batch] = UploadBatch(case_id)
    return JSONResponse({"batch": batch})


MAX_DEPTH = 8


def safe_name(raw: str, folder: Path, relative: bool = False) -> Path:
    """The browser's file name, inside ``folder``. A file chosen with its folder (an
    unzipped Telegram or Facebook export; the page sends its relative path) keeps that
    path, so the export finds the photos it names: every part is cleaned, ``..`` and empty
    parts are dropped, and nothing can land outside ``folder``. A plain name is one part
    (a ``/`` in it is not a separator)."""
    parts = clean_parts(raw, relative)
    parent = folder.joinpath(*parts[:-1])
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # a part of the path was received as a file: keep the name only
        parent = folder
    name = parts[-1]
    candidate, stem, suffix, n = parent / name, Path(name).stem, Path(name).suffix, 2
    while candidate.exists():
        candidate, n = parent / f"{stem} ({n}){suffix}", n + 1
    return candidate


def clean_parts(raw: str, relative: bool) -> list[str]:
    """The parts of a browser's file name, cleaned as ``safe_name`` does."""
    text = unquote(raw)
    pieces = text.split("/") if relative else [text]
    parts = [_UNSAFE.sub("_", part).strip(" .")[:200] for part in pieces]
    return [part for part in parts if part][-MAX_DEPTH:] or ["file"]


def upload_name(raw: str, relative: bool, taken: set[str]) -> str:
    """The name a received file keeps in its batch (unique there, like ``safe_name``)."""
    parts = clean_parts(raw, relative)
    parent, name = "/".join(parts[:-1]), parts[-1]
    stem, suffix, n = Path(name).stem, Path(name).suffix, 2
    candidate = f"{parent}/{name}" if parent else name
    while candidate in taken:
        candidate = f"{parent}/{stem} ({n}){suffix}" if parent else f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def shown_name(path: Path, folder: Path) -> str:
    """A received file as the person chose it (its path inside the batch)."""
    return path.relative_to(folder).as_posix()


def _refused(message: str) -> Response:
    return JSONResponse({"message": message}, status_code=422)


@router.post("/c/{case_id}/add/upload/{batch}", dependencies=[Depends(check_csrf)])
async def upload(request: Request, case_id: int, batch: str) -> Response:
    """One file, streamed into the blob store; 204 when kept, else 422 and a message."""
    require_owner(request)
    render.use_language(request)
    uploads = uploads_of(request)
    pending = uploads.batches.get(batch)
    if pending is None or pending.case_id != case_id:
        return Response(status_code=404)
    headers = request.headers
    relative = headers.get("x-file-path", "")
    name = upload_name(relative or headers.get("x-file-name", "file"), bool(relative),
                       pending.taken())
    pending.touched = time.monotonic()
    try:
        sha256, size = declared(headers.get("x-file-sha256", ""),
                                headers.get("x-file-size", ""), name)
        received, blobs = await _receive(request, uploads, name, sha256, size)
    except UserError as exc:
        return _refused(exc.message)
    finally:
        pending.touched = time.monotonic()
    if not uploads.add_received(batch, pending, received):  # a lock dropped the batch
        uploads.orphaned(blobs, received)  # the next unlock removes it and says so
        return Response(status_code=404)
    _write_down(request, batch, received, blobs)
    return Response(status_code=204)


def _write_down(request: Request, batch: str, received: Received, blobs: BlobStore) -> None:
    """Into the vault, so an app that ends before the seal still says the file."""
    blob_name = blobs.name(received.sha256) if received.fresh else None
    try:
        with require_owner(request).use() as vault:  # a lock's notice covers a failure
            lock_notices.brief_write(vault, partial(
                pending_uploads.add, vault, batch, received.name, received.size, blob_name))
    except Locked:  # locked meanwhile: the lock's notice names it
        return


async def _receive(request: Request, uploads: Uploads, name: str, sha256: str,
                   size: int) -> tuple[Received, BlobStore]:
    """The file received whole, and the blob store it is in (its keys outlive a lock)."""
    session = require_owner(request)
    stop = uploads.start()
    blobs = session.blob_store()
    try:
        blob = await stream_into(blobs, request.stream(), stop)
    except UploadCut as exc:
        raise UploadRefused(_(
            "{name} was not received whole: the connection was cut or the vault was "
            "locked during the upload. Nothing of it was kept; add it again.")
            .format(name=name)) from exc
    except StorageFull as exc:
        raise UploadRefused(_("{name} was not received: {reason}").format(
            name=name, reason=exc.message)) from exc
    finally:
        uploads.end(stop)
    received = Received(name, blob.sha256, blob.size,
                        _millis(request.headers.get("x-file-modified", "")), blob.fresh)
    if blob.size == size and blob.sha256 == sha256:
        return received, blobs
    try:
        with session.use() as vault:
            remove_unreferenced(vault, [received])
    except Locked:  # a lock landed as it ended: the next unlock removes it
        uploads.orphaned(blobs, received, said=True)
    if blob.size != size:
        raise UploadRefused(_(
            "{name} was not received whole ({received} of {size} bytes arrived). Nothing "
            "of it was kept; add it again.").format(name=name, received=blob.size, size=size))
    raise UploadRefused(_(
        "{name} arrived different from the file on your computer (its SHA-256 "
        "fingerprint does not match the one your browser computed). Nothing of it was "
        "kept; add it again.").format(name=name))


def _millis(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _set_mtime(path: Path, millis: int) -> None:
    """Keep the modification time the browser reported (the file's own, not ours)."""
    if millis > 0:
        seconds = millis / 1000
        os.utime(path, (seconds, seconds))


@router.post("/c/{case_id}/add/seal/{batch}", dependencies=[Depends(check_csrf)])
def seal(request: Request, case_id: int, batch: str,
         dns: Annotated[str, Form()] = "") -> Response:
    """``dns``: the person ticked "look up the signing keys on the internet now" (the
    CLI's ``--dns``); unticked, nothing is looked up."""
    render.use_language(request)  # the job's results are told in the user's language
    private: PrivateDirs = request.app.state.private
    with vault_for(request) as vault:  # holds the vault: no lock between pop and submit
        case_of(vault, case_id)
        pending = uploads_of(request).batches.pop(batch, None)
        if pending is None or pending.case_id != case_id:
            return Response(status_code=404)
        files = [FileProgress(f.name, f.size) for f in pending.files]
        job = jobs_of(request).submit("add", case_id,
                                      _add_work(case_id, pending.files, private,
                                                jobs_of(request), dns == "1"), files=files)
        pending_uploads.forget(vault, batch)  # the job's files: a lock counts them now
    return JSONResponse({"job": job.id})


MARGIN = 512 << 10  # left free in the memory folder (a fuller one still fails safely)


def _fits(folder: Path, size: int) -> bool:
    return shutil.disk_usage(folder).free >= size + MARGIN


def _place(vault: Vault, received: Received, folder: Path) -> Path | None:
    """Decrypt one received file into the memory folder, or None when it does not fit
    (it is then sealed from its blob, said to be unread)."""
    if not _fits(folder, received.size):
        return None
    target = safe_name(received.name, folder, relative=True)
    try:
        with target.open("xb") as out:
            for chunk in vault.blobs.read_chunks(received.sha256):
                out.write(chunk)
    except OSError as exc:
        target.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return None
        raise
    _set_mtime(target, received.modified_ms)
    return target


def _memory_folder(private: PrivateDirs) -> Path | None:
    try:
        return private.create()
    except UserError:  # no memory folder here: every file is sealed unread
        return None


class JobObserver:
    """Intake progress into the job: bytes per file (worker threads), then results."""

    def __init__(self, job: Job, folder: Path) -> None:
        self.job, self.folder = job, folder
        self.by_name = {f.name: f for f in job.files}
        self.local = threading.local()

    def _file(self, path: Path) -> FileProgress | None:
        return self.by_name.get(shown_name(path, self.folder))

    def started(self, path: Path, size: int) -> None:
        current = self._file(path)
        self.local.current = current
        if current is not None:
            current.status = "sealing"

    def advanced(self, nbytes: int) -> None:
        current: FileProgress | None = getattr(self.local, "current", None)
        if current is not None:
            current.done += nbytes
        self.job.done += nbytes

    def finished(self, result: AddResult) -> None:
        current = self._file(result.path)
        if current is None:
            return
        current.status, current.labels = result.status.value, result.labels
        current.done = current.size
        if result.status is Status.REFUSED:
            current.message = result.message.replace(str(self.folder) + os.sep, "")


def _add_work(case_id: int, received: list[Received], private: PrivateDirs,
              jobs: JobRegistry, dns_lookups: bool = False) -> Work:
    def work(job: Job, vault: Vault) -> None:
        folder = _memory_folder(private)
        try:
            _seal_received(job, vault, case_id, received, folder or Path("upload"),
                           folder is not None, dns_lookups)
        finally:
            if folder is not None:
                private.wipe(folder)
            remove_unreferenced(vault, received)
        _tell(job, vault, case_id)
        if not job.cancelled:
            picture_reading.after_add(jobs, vault, case_id, [
                f.labels[0] for f in job.files if f.status == Status.ADDED.value and f.labels])

    return work


def _seal_received(job: Job, vault: Vault, case_id: int, received: list[Received],
                   folder: Path, in_memory: bool, dns_lookups: bool = False) -> None:
    """Place what fits in the memory folder, then seal: the placed files in folder order
    (an export's own files before its subfolders'), then those sealed unread."""
    case = case_service.get_case(vault, case_id)
    unread: list[Presealed] = []
    for index, item in enumerate(received):
        if job.cancelled:  # a lock: what was not sealed is not kept (the unlock says so)
            return
        placed = _place(vault, item, folder) if in_memory else None
        if placed is None:
            seconds = item.modified_ms / 1000 if item.modified_ms else None
            unread.append(Presealed(folder / item.name, item.sha256, item.size, seconds))
        else:
            job.files[index].name = shown_name(placed, folder)
    observer = JobObserver(job, folder)
    with Intake(vault, case, builtin_registry(), observer,
                dns_lookups=dns_lookups) as intake:
        for path in expand([folder]) if in_memory else ():
            if job.cancelled:
                break
            intake.add(path)
        for given in unread:
            if job.cancelled:
                break
            intake.add_presealed(given)


def _tell(job: Job, vault: Vault, case_id: int) -> None:
    case = case_service.get_case(vault, case_id)
    added = [f for f in job.files if f.status == Status.ADDED.value]
    job.lines.append(ngettext("{added} of {total} file added.", "{added} of {total} files added.",
                              len(job.files)).format(added=len(added), total=len(job.files)))
    for line in added_service.told(vault, case, [f.labels[0] for f in added if f.labels]):
        job.lines.append(wording.message(line.text) if line.text else ngettext(
            "{label}: {count} more finding on its page.",
            "{label}: {count} more findings on its page.",
            line.more).format(label=line.label, count=line.more))
        if line.more or line.error:
            link = Link(line.label, f"/c/{case_id}/items/{line.label}")
            if link not in job.links:
                job.links.append(link)
    job.links.append(Link(_("See the items"), f"/c/{case_id}/items"))
