"""E-mail headers pasted from a mail client, and the stored header analysis of an e-mail.

Pasted text is sealed exactly as given (no temporary file) and analysed like a message,
labelled "copy, not original"; the CLI's ``add-headers`` and the web's paste form both
come here. :func:`analysis` is the ``show`` section of every e-mail importer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from spoorvast.errors import UserError
from spoorvast.i18n import _, gettext_in
from spoorvast.importers.base import ImportContext, ItemDraft
from spoorvast.importers.email import mbox, msg  # noqa: F401  (their Finding codes)
from spoorvast.importers.email.pasted import NAME, TITLE, pasted_draft
from spoorvast.model import instant
from spoorvast.model.message_run import each_event
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item
from spoorvast.services.email_report import email_report
from spoorvast.storage.vault import Vault


def analysis(vault: Vault, item: Item) -> Any:
    """The header analysis of the item (JSON: stored, or rebuilt for an mbox message),
    or None."""
    assert item.id is not None
    return email_report(vault, item)


def add_pasted(vault: Vault, case: Case, data: bytes) -> tuple[Item, bool]:
    """Seal and analyse pasted headers; (the item, True) when they were already in the case."""
    assert case.id is not None
    if not data.strip():
        raise UserError(_("No header text was given: paste the headers first."))
    existing = vault.store.item_with_original(case.id, hashlib.sha256(data).hexdigest())
    if existing is not None:
        return existing, True
    return _store(vault, case, data), False


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
