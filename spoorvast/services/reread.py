"""Read an export again from its sealed original, with what the user said about it.

A WhatsApp export whose dates never tell day/month from month/day is read with an
assumption and a warning; the user who checks a message against the phone says which
order is right, and the export is read again: from the sealed bytes (the file on disk
may be long gone), in one transaction, the custody log recording why. Marks stay on the
messages of the same source lines. The original and its artifacts do not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.importers.base import ImportContext, ItemDraft
from spoorvast.importers.chat import whatsapp
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item
from spoorvast.storage.vault import Vault

ORDERS = {"day-first": "dmy", "month-first": "mdy", "year-first": "ymd"}
REREADABLE = ("whatsapp",)


@dataclass(frozen=True, slots=True)
class Reread:
    item: Item
    events: int
    findings: int  # findings that are new for the item


def reread(vault: Vault, case: Case, item: Item, order: str) -> Reread:
    if item.importer not in REREADABLE:
        raise UserError(_("{item} cannot be read again with a date order: only WhatsApp "
                          "exports have one.").format(item=item.label))
    if order not in ORDERS:
        raise UserError(_("Unknown date order {order}; use day-first, month-first or "
                          "year-first.").format(order=order))
    draft = _draft(vault, case, item, ORDERS[order])
    reason = f"date order {order} chosen by the user"
    with vault.store.transaction() as tx:
        count = tx.replace_events(item, draft.events, reason)  # parses now
        if count == 0:
            raise UserError(_("Read as {order}, {item} holds no message with a real date; "
                              "nothing was changed.").format(order=order, item=item.label))
        known = {(f.code, f.params) for f in vault.store.findings(case.id or 0, item.id)}
        fresh = [p for p in draft.problems if (p.code, p.params) not in known]
        for problem in fresh:
            tx.add_finding(item, problem)
    return Reread(item, count, len(fresh))


def _draft(vault: Vault, case: Case, item: Item, order: str) -> ItemDraft:
    """The importer's draft, read from the item's sealed artifacts only."""
    assert case.id is not None and item.id is not None

    def seal(data: bytes, role: ArtifactRole, name: str, media_type: str,
             derived_from: str | None) -> Artifact:
        raise AssertionError("reading again seals nothing new")

    context = ImportContext(case.id, case.time_zone, item.acquired_at, seal, vault.blobs.open,
                            order)
    try:
        return whatsapp.read_again(context, item.title, vault.store.artifacts(item.id))
    except (StopIteration, ValueError) as exc:
        raise UserError(_("{item} could not be read again.").format(item=item.label)) from exc
