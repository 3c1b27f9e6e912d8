"""Items with thumbnails and type filters; item detail; thumbnails; downloads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from spoorvast.errors import UserError
from spoorvast.i18n import _, current_language
from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Artifact, Case, Item
from spoorvast.model.serialize import to_json
from spoorvast.services import cases as case_service
from spoorvast.services import notes as note_service
from spoorvast.services import withdrawals
from spoorvast.services.email_view import email_view
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault
from spoorvast.web import picture_reading, pictures, render, wording
from spoorvast.web.adapters import review, sections
from spoorvast.web.deps import Redirect, case_of, check_csrf, vault_for
from spoorvast.web.vault_settings import BLUR_ALL

router = APIRouter()
EVENTS_SHOWN = 200


@dataclass(frozen=True, slots=True)
class Tile:
    item: Item
    picture: bool
    blurred: bool
    size: int | None
    hidden: bool = False  # withdrawn, or an earlier version of a corrected item


def _tile(vault: Vault, item: Item, blur_all: bool, hidden: bool = False) -> Tile:
    artifacts = vault.store.artifacts(item.id or 0)
    picture = pictures.picture_of(artifacts)
    original = next((a for a in artifacts if a.role.value == "original"), None)
    blurred = picture is not None and (blur_all or pictures.preview_of(artifacts) is not None)
    return Tile(item, picture is not None, blurred, original.size if original else None,
                hidden)


@router.get("/c/{case_id}/items")
def items(request: Request, case_id: int, kind: str = "",
          everything: Annotated[int, Query(alias="all")] = 0) -> Response:
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        hidden = set(vault.store.hidden_item_ids(case_id))
        every = vault.store.items(case_id)
        listed = every if everything else [i for i in every if i.id not in hidden]
        kinds = sorted({i.kind.value for i in listed})
        shown = [i for i in listed if not kind or i.kind.value == kind]
        blur_all = vault.store.setting(BLUR_ALL) == "1"
        tiles = [_tile(vault, i, blur_all, i.id in hidden) for i in shown]
    return render.page(request, "items.html", case=case, tiles=tiles, kinds=kinds,
                       kind=kind, total=len(listed), active="items",
                       left_out=0 if everything else len(every) - len(listed),
                       everything=bool(everything))


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
    findings = [(f, wording.finding(f)) for f in vault.store.findings(case.id or 0, item.id)]
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
        "proposals": review.rows(vault, case, item),
        "email": email_view(vault, item, current_language()),
        "harmful_available": sections.can_mark_harmful(),
        "read_available": sections.can_read_text(),
        "unread_picture": picture is not None and picture_reading.unread(vault, item),
        "date_question": _date_question(vault, case, item),
        **_standing(vault, case, item),
    }


def _standing(vault: Vault, case: Case, item: Item) -> dict[str, Any]:
    """Withdrawn (and why), replaced by a correction, or correcting an earlier one."""
    state = withdrawals.standing(vault, case)
    item_id = item.id or 0
    newer = older = None
    if item_id in state.superseded_by:
        newer = vault.store.item_by_id(state.latest(item_id))
    correction = state.supersedes.get(item_id)
    if correction is not None:
        older = vault.store.item_by_id(correction.supersedes)
    note = None
    if item.importer == note_service.IMPORTER and newer is None \
            and item_id not in state.withdrawn:
        note = note_service.read_note(vault, item)
    return {"withdrawal": state.withdrawn.get(item_id), "corrected_by": newer,
            "corrects": older, "correction": correction, "correctable_note": note,
            "standing_error": ""}


@router.post("/c/{case_id}/items/{label}/withdraw", dependencies=[Depends(check_csrf)])
def withdraw(request: Request, case_id: int, label: str,
             reason: Annotated[str, Form()] = "") -> Response:
    return _change(request, case_id, label,
                   lambda vault, case, item: withdrawals.withdraw(vault, case, item, reason))


@router.post("/c/{case_id}/items/{label}/restore", dependencies=[Depends(check_csrf)])
def restore(request: Request, case_id: int, label: str,
            reason: Annotated[str, Form()] = "") -> Response:
    return _change(request, case_id, label,
                   lambda vault, case, item: withdrawals.restore(vault, case, item, reason))


@router.post("/c/{case_id}/items/{label}/correct", dependencies=[Depends(check_csrf)])
def correct(request: Request, case_id: int, label: str, text: Annotated[str, Form()] = "",
            reason: Annotated[str, Form()] = "") -> Response:
    """A corrected version of a note: the same fields, the new text."""
    def seal(vault: Vault, case: Case, item: Item) -> Item:
        if item.importer != note_service.IMPORTER:
            raise UserError(_("{label} is not a note.").format(label=item.label))
        before = note_service.read_note(vault, item)
        return note_service.correct_note(vault, case, item, replace(before, text=text), reason)

    return _change(request, case_id, label, seal)


def _change(request: Request, case_id: int, label: str,
            step: Callable[[Vault, Case, Item], object]) -> Response:
    """Run ``step`` on the item; on a refusal, show the item page with the message."""
    render.use_language(request)
    with vault_for(request) as vault:
        case = case_of(vault, case_id)
        item = find(vault, case, label)
        try:
            done = step(vault, case, item)
        except UserError as exc:
            context = {**_detail(vault, case, item), "standing_error": exc.message}
            return render.page(request, "item.html", status=400, case=case, item=item,
                               active="items", **context)
    target = done.label if isinstance(done, Item) else item.label
    return RedirectResponse(f"/c/{case_id}/items/{target}?msg=saved", status_code=303)


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
