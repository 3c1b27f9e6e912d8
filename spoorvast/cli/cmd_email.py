"""E-mail commands: ``add-headers`` (pasted header text), and the ``show`` section.

``add-headers`` reads the text from a file or from standard input, seals it exactly as
given (no temporary file) and analyses it like a message, labelled "copy, not original".
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from spoorvast.cli import context, output
from spoorvast.cli.email_show import print_analysis
from spoorvast.errors import UserError
from spoorvast.i18n import _, gettext_in
from spoorvast.importers.base import ImportContext, ItemDraft
from spoorvast.importers.email import mbox, msg  # noqa: F401  (their Finding codes)
from spoorvast.importers.email.pasted import NAME, TITLE, pasted_draft
from spoorvast.model import instant
from spoorvast.model.message_run import each_event
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item
from spoorvast.services import cases as case_service
from spoorvast.storage.vault import Vault

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]


def register(app: typer.Typer) -> None:
    app.command("add-headers", help=_("Add e-mail headers copied from a mail client (from "
                                      "a file, or pasted on standard input)."))(add_headers)


def add_headers(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(
        help=_("A text file with the headers (default: standard input)."),
        metavar="FILE")] = None,
    case_id: CaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Output JSON."))] = False,
) -> None:
    data = _read(path)
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        assert case.id is not None
        existing = vault.store.item_with_original(case.id, _sha(data))
        item = existing or _store(vault, case, data)
    if as_json:
        output.as_json({"item": item.label, "status": "duplicate" if existing else "added"})
    elif existing:
        output.line(_("These headers are already in this case as {label}.").format(
            label=item.label))
    else:
        output.line(_("{label}: the headers were stored as typed (a copy, not the "
                      "original message).").format(label=item.label))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path | None) -> bytes:
    try:
        data = path.read_bytes() if path is not None else sys.stdin.buffer.read()
    except OSError as exc:
        raise UserError(_("{path} cannot be read ({reason}).").format(
            path=path, reason=exc.strerror)) from exc
    if not data.strip():
        raise UserError(_("No header text was given: paste the headers, then press "
                          "Ctrl-D (or name a file)."))
    return data


def _sealer(vault: Vault, zone: str) -> Callable[..., Artifact]:
    def seal(data: bytes, role: ArtifactRole, name: str, media_type: str,
             derived_from: str | None) -> Artifact:
        blob = vault.blobs.ingest_bytes(data)
        return Artifact(None, None, role, media_type, blob.size, blob.sha256, name,
                        instant.now(zone), derived_from)
    return seal


def _store(vault: Vault, case: Case, data: bytes) -> Item:
    assert case.id is not None
    seal = _sealer(vault, case.time_zone)
    original = seal(data, ArtifactRole.ORIGINAL, NAME, "text/plain", None)
    at = instant.now(case.time_zone)
    draft = pasted_draft(ImportContext(case.id, case.time_zone, at, seal), data, original,
                         gettext_in(case.language, TITLE))
    return _write(vault, case, draft, at)


def _write(vault: Vault, case: Case, draft: ItemDraft, at: instant.Instant) -> Item:
    assert case.id is not None
    with vault.store.transaction() as tx:
        item = tx.add_item(Item(None, case.id, 0, draft.kind, draft.title, at, draft.importer,
                                draft.file, draft.media), draft.artifacts, draft.problems)
        tx.add_events(item, [replace(e, item_id=item.id) for e in each_event(draft.events)])
        for identifier in draft.identifiers:
            tx.add_identifier(replace(identifier, item_id=item.id))
    return item


def section(vault: Vault, item: Item) -> tuple[Any, Callable[[], None] | None]:
    """``show``: the stored analysis (JSON) and its printer in the reader's language."""
    assert item.id is not None
    artifact = next((a for a in vault.store.artifacts(item.id)
                     if a.role is ArtifactRole.ANALYSIS and a.name.endswith(".json")), None)
    if artifact is None:
        return None, None
    data = orjson.loads(vault.blobs.read_bytes(artifact.sha256))
    return data, lambda: print_analysis(data)
