"""Add files: drag and drop many at once, each uploaded with its own progress bar into
a private in-memory folder, then sealed by the intake as one background job whose
per-file progress the page polls."""

from __future__ import annotations

import os
import re
import secrets
import threading
from pathlib import Path
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse, Response

from spoorvast.i18n import _, ngettext
from spoorvast.importers.registry import builtin_registry
from spoorvast.services import added as added_service
from spoorvast.services import cases as case_service
from spoorvast.services.intake import AddResult, Intake, Status, expand
from spoorvast.storage.vault import Vault
from spoorvast.web import render
from spoorvast.web.deps import case_of, check_csrf, jobs_of, require_owner, vault_for
from spoorvast.web.jobs import FileProgress, Job, Link, Work
from spoorvast.web.private import PrivateDirs

router = APIRouter()
_UNSAFE = re.compile(r"[\x00-\x1f/\\]")


@router.get("/c/{case_id}/add")
def add_page(request: Request, case_id: int) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
    return render.page(request, "add.html", case=case, active="add")


def _batches(request: Request) -> dict[str, Path]:
    state = request.app.state
    if not hasattr(state, "batches"):
        state.batches = {}
        state.session.on_lock(state.batches.clear)
    batches: dict[str, Path] = state.batches
    return batches


@router.post("/c/{case_id}/add/batch", dependencies=[Depends(check_csrf)])
def new_batch(request: Request, case_id: int) -> Response:
    require_owner(request)
    private: PrivateDirs = request.app.state.private
    batch = secrets.token_urlsafe(12)
    _batches(request)[batch] = private.create()
    return JSONResponse({"batch": batch})


MAX_DEPTH = 8


def safe_name(raw: str, folder: Path, relative: bool = False) -> Path:
    """The browser's file name, inside ``folder``. A file chosen with its folder (an
    unzipped Telegram or Facebook export; the page sends its relative path) keeps that
    path, so the export finds the photos it names: every part is cleaned, ``..`` and empty
    parts are dropped, and nothing can land outside ``folder``. A plain name is one part
    (a ``/`` in it is not a separator)."""
    text = unquote(raw)
    pieces = text.split("/") if relative else [text]
    parts = [_UNSAFE.sub("_", part).strip(" .")[:200] for part in pieces]
    parts = [part for part in parts if part][-MAX_DEPTH:] or ["file"]
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


def shown_name(path: Path, folder: Path) -> str:
    """A received file as the person chose it (its path inside the batch)."""
    return path.relative_to(folder).as_posix()


@router.post("/c/{case_id}/add/upload/{batch}", dependencies=[Depends(check_csrf)])
async def upload(request: Request, case_id: int, batch: str) -> Response:
    require_owner(request)
    folder = _batches(request).get(batch)
    if folder is None:
        return Response(status_code=404)
    relative = request.headers.get("x-file-path", "")
    target = (safe_name(relative, folder, relative=True) if relative else
              safe_name(request.headers.get("x-file-name", "file"), folder))
    with target.open("xb") as out:
        async for chunk in request.stream():
            out.write(chunk)
    _set_mtime(target, request.headers.get("x-file-modified", ""))
    return Response(status_code=204)


def _set_mtime(path: Path, millis: str) -> None:
    """Keep the modification time the browser reported (the file's own, not ours)."""
    if millis.isdigit() and int(millis) > 0:
        seconds = int(millis) / 1000
        os.utime(path, (seconds, seconds))


@router.post("/c/{case_id}/add/seal/{batch}", dependencies=[Depends(check_csrf)])
def seal(request: Request, case_id: int, batch: str) -> Response:
    with vault_for(request) as vault:
        case_of(vault, case_id)
    folder = _batches(request).pop(batch, None)
    if folder is None:
        return Response(status_code=404)
    paths = list(expand([folder]))  # a folder's own files before its subfolders' (exports first)
    private: PrivateDirs = request.app.state.private
    files = [FileProgress(shown_name(p, folder), p.lstat().st_size) for p in paths]
    job = jobs_of(request).submit("add", case_id, _add_work(case_id, paths, folder),
                                  cleanup=lambda: private.wipe(folder), files=files)
    return JSONResponse({"job": job.id})


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


def _add_work(case_id: int, paths: list[Path], folder: Path) -> Work:
    def work(job: Job, vault: Vault) -> None:
        case = case_service.get_case(vault, case_id)
        observer = JobObserver(job, folder)
        with Intake(vault, case, builtin_registry(), observer) as intake:
            for path in paths:
                if job.cancelled:
                    break
                intake.add(path)
        added = [f for f in job.files if f.status == Status.ADDED.value]
        job.lines.append(_("{added} of {total} files added.").format(
            added=len(added), total=len(job.files)))
        for line in added_service.told(vault, case, [f.labels[0] for f in added if f.labels]):
            job.lines.append(line.text or ngettext(
                "{label}: {count} more finding on its page.",
                "{label}: {count} more findings on its page.",
                line.more).format(label=line.label, count=line.more))
            if line.more or line.error:
                link = Link(line.label, f"/c/{case_id}/items/{line.label}")
                if link not in job.links:
                    job.links.append(link)
        job.links.append(Link(_("See the items"), f"/c/{case_id}/items"))

    return work
