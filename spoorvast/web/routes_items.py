"""Items with thumbnails and type filters; item detail; thumbnails; downloads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse

from spoorvast.findings import render as render_finding
from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Artifact, Case, Item
from spoorvast.model.serialize import to_json
from spoorvast.services import cases as case_service
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault
from spoorvast.web import pictures, render
from spoorvast.web.adapters import sections
from spoorvast.web.deps import Redirect, case_of, vault_for
from spoorvast.web.vault_settings import BLUR_ALL

router = APIRouter()
EVENTS_SHOWN = 200


@dataclass(frozen=True, slots=True)
class Tile:
    item: Item
    picture: bool
    blurred: bool
    size: int | None


def _tile(vault: Vault, item: Item, blur_all: bool) -> Tile:
    artifacts = vault.store.artifacts(item.id or 0)
    picture = pictures.picture_of(artifacts)
    original = next((a for a in artifacts if a.role.value == "original"), None)
    blurred = picture is not None and (blur_all or pictures.preview_of(artifacts) is not None)
    return Tile(item, picture is not None, blurred, original.size if original else None)


@router.get("/c/{case_id}/items")
def items(request: Request, case_id: int, kind: str = "") -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        listed = vault.store.items(case_id)
        kinds = sorted({i.kind.value for i in listed})
        shown = [i for i in listed if not kind or i.kind.value == kind]
        blur_all = vault.store.setting(BLUR_ALL) == "1"
        tiles = [_tile(vault, i, blur_all) for i in shown]
    return render.page(request, "items.html", case=case, tiles=tiles, kinds=kinds,
                       kind=kind, total=len(listed), active="items")


def find(vault: Vault, case: Case, label: str) -> Item:
    try:
        return case_service.find_item(vault, case, label)
    except Exception as exc:
        raise Redirect(f"/c/{case.id}/items") from exc


@router.get("/c/{case_id}/items/{label}")
def item_detail(request: Request, case_id: int, label: str) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        item = find(vault, case, label)
        context = _detail(vault, case, item)
    return render.page(request, "item.html", case=case, item=item, active="items", **context)


def _detail(vault: Vault, case: Case, item: Item) -> dict[str, Any]:
    artifacts = vault.store.artifacts(item.id or 0)
    picture = pictures.picture_of(artifacts)
    blur = vault.store.setting(BLUR_ALL) == "1" or pictures.preview_of(artifacts) is not None
    findings = [(f, render_finding(f)) for f in vault.store.findings(case.id or 0, item.id)]
    events = vault.store.search_events(EventQuery(case.id or 0, item_ids=(item.id or 0,),
                                                  limit=EVENTS_SHOWN))
    event_total = vault.store.count_events(EventQuery(case.id or 0, item_ids=(item.id or 0,)))
    return {
        "artifacts": artifacts, "picture": picture, "blurred": picture is not None and blur,
        "findings": findings, "events": events, "event_total": event_total,
        "custody": vault.store.custody_for(case_chain(case.id or 0), item.label),
        "facts": {"file": to_json(item.file), "media": to_json(item.media)},
        "analysis": sections.analysis(vault, item),
        "conversation": sections.conversation(vault, item),
        "proposals": sections.ocr_proposals(vault, case, item),
        "harmful_available": sections.can_mark_harmful(),
        "date_question": _date_question(vault, case, item),
    }


def _date_question(vault: Vault, case: Case, item: Item) -> dict[str, object] | None:
    from spoorvast.web.routes_reread import question_view

    return question_view(vault, case, item)


@router.get("/c/{case_id}/items/{label}/thumb")
def thumb(request: Request, case_id: int, label: str, size: str = "s",
          full: int = 0) -> Response:
    edge = pictures.SIZES.get(size, pictures.SIZES["s"])
    cache = request.app.state.thumbnails
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        artifacts = vault.store.artifacts(find(vault, case, label).id or 0)
        picture, preview = pictures.picture_of(artifacts), pictures.preview_of(artifacts)
        blur_all = vault.store.setting(BLUR_ALL) == "1"
        if picture is None:
            return Response(status_code=404)
        if preview is not None and not full:
            data = vault.blobs.read_bytes(preview.sha256)
        else:
            data = pictures.cached_thumbnail(cache, vault, picture, edge,
                                             blur_all and not full) or b""
    if not data:
        return Response(status_code=404)
    return Response(data, media_type="image/png")


@router.get("/c/{case_id}/items/{label}/file/{sha256}")
def artifact_file(request: Request, case_id: int, label: str, sha256: str,
                  download: int = 1) -> Response:
    from spoorvast.capture.strip import needs_stripping  # loads warcio: only when asked

    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        item = find(vault, case, label)
        artifact = next((a for a in vault.store.artifacts(item.id or 0)
                         if a.sha256 == sha256), None)
        if artifact is None:
            return Response(status_code=404)
        inline = not download and artifact.media_type in pictures.INLINE_TYPES
        if needs_stripping(artifact, item.importer):
            return _stripped_download(vault, case, item, artifact)
        if not inline:
            _log_download(vault, case, item, artifact)
        blobs = vault.blobs
    session = request.app.state.session

    def chunks() -> Iterator[bytes]:
        """Blob reads need no database: stream without holding the vault, stop on lock."""
        for chunk in blobs.read_chunks(artifact.sha256):
            if not session.unlocked:
                return
            yield chunk

    return _file_response(chunks(), artifact, inline)


def _log_download(vault: Vault, case: Case, item: Item, artifact: Artifact,
                  removed: tuple[str, ...] = ()) -> None:
    entry: dict[str, object] = {"sha256": artifact.sha256, "as": artifact.name}
    if removed:
        entry.update(transform="session-secrets-removed", removed=list(removed))
    with vault.store.transaction() as tx:
        tx.log(case_chain(case.id or 0), "export.original", item.label,
               {"artifacts": [entry], "via": "web"})


def _stripped_download(vault: Vault, case: Case, item: Item, artifact: Artifact) -> Response:
    """A capture file (WACZ, HAR, MHTML, capture.json) leaves without session secrets,
    always as an attachment; one that cannot be read is not given out at all."""
    from spoorvast.capture.strip import export_copy

    try:
        copy = export_copy(artifact.name, vault.blobs.read_bytes(artifact.sha256))
    except Exception:  # a damaged archive: never hand it out with its secrets
        return Response(status_code=422)
    _log_download(vault, case, item, artifact, copy.removed)
    stripped = replace(artifact, size=len(copy.data))
    return _file_response(iter((copy.data,)), stripped, inline=False)


def _file_response(body: Iterator[bytes], artifact: Artifact, inline: bool) -> Response:
    """Never rendered in the app's origin: anything not a plain picture is an
    attachment of type octet-stream, and the CSP sandboxes it regardless."""
    name = quote(artifact.name or "file", safe="")
    disposition = "inline" if inline else f"attachment; filename*=UTF-8''{name}"
    media_type = artifact.media_type if inline else "application/octet-stream"
    headers = {"Content-Disposition": disposition, "Content-Security-Policy": "sandbox; "
               "default-src 'none'; img-src 'self'", "Content-Length": str(artifact.size)}
    return StreamingResponse(body, media_type=media_type, headers=headers)
