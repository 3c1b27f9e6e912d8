"""Typed entries: what the victim tells us, sealed like any other evidence.

A note (an observation, an action the suspect made the victim perform, an earlier
police report, a report to a platform or help line, the impact on the victim) becomes
an Item of kind ``note`` whose original is the canonical JSON of what was typed, plus
one Event at the time the user gave. So notes are numbered, sealed, in the custody log,
verified, and on the timeline like everything else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from spoorvast.errors import UserError
from spoorvast.i18n import N_, _
from spoorvast.model import instant
from spoorvast.model.custody import canonical
from spoorvast.model.instant import Instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Event,
    Item,
    ItemKind,
    Location,
)
from spoorvast.model.serialize import to_json
from spoorvast.services import withdrawals
from spoorvast.storage.vault import Vault

IMPORTER = "note"


class NoteKind(enum.StrEnum):
    OBSERVATION = "observation"
    REQUESTED_ACTION = "requested-action"
    POLICE_REPORT = "police-report"
    PLATFORM_REPORT = "platform-report"
    HELPLINE_REPORT = "helpline-report"
    IMPACT = "impact"
    OTHER = "other"


KIND_LABELS = {
    NoteKind.OBSERVATION: N_("Observation"),
    NoteKind.REQUESTED_ACTION: N_("Something the suspect made me do"),
    NoteKind.POLICE_REPORT: N_("Earlier police report"),
    NoteKind.PLATFORM_REPORT: N_("Report to a platform"),
    NoteKind.HELPLINE_REPORT: N_("Report to a help line"),
    NoteKind.IMPACT: N_("Impact on me"),
    NoteKind.OTHER: N_("Note"),
}


@dataclass(frozen=True, slots=True)
class Note:
    kind: NoteKind
    text: str
    at: Instant | None = None
    url: str | None = None
    amount: str | None = None  # requested-action: money sent, as typed (e.g. "150.00")
    currency: str | None = None
    images_sent: bool | None = None
    to_account: str | None = None  # where money or images went
    reference: str | None = None  # PV number, ticket number
    authority: str | None = None  # police zone, platform, help line


def parse_at(text: str | None, zone: str) -> Instant | None:
    if text is None or not text.strip():
        return None
    try:
        return instant.from_user_text(text, zone)
    except ValueError as exc:
        raise UserError(_("{text} is not a date and time I understand. Write it like "
                          "2026-03-04 21:00 or 04/03/2026 21:00.").format(text=text)) from exc


def _validate(note: Note) -> None:
    if not note.text.strip() and note.reference is None:
        raise UserError(_("A note needs some text."))
    if note.amount is not None and not _is_amount(note.amount):
        raise UserError(_("{amount} is not an amount (write it like 150 or 150.50).")
                        .format(amount=note.amount))


def _is_amount(text: str) -> bool:
    cleaned = text.replace(",", ".").strip()
    return cleaned.replace(".", "", 1).isdigit()


def add_note(vault: Vault, case: Case, note: Note) -> Item:
    """Seal the note and write its item and event in one transaction."""
    return _seal_note(vault, case, note, None, "")


def correct_note(vault: Vault, case: Case, older: Item, note: Note, reason: str) -> Item:
    """Seal ``note`` as the corrected version of the note ``older`` (which stays sealed,
    and drops out of the listings); the link is a custody entry."""
    if older.importer != IMPORTER:
        raise UserError(_("{label} is not a note.").format(label=older.label))
    cleaned = withdrawals.correctable(vault, case, older, reason)
    return _seal_note(vault, case, note, older, cleaned)


def _seal_note(vault: Vault, case: Case, note: Note, older: Item | None,
               reason: str) -> Item:
    _validate(note)
    assert case.id is not None
    data = canonical(to_json(note))
    blob = vault.blobs.ingest_bytes(data, durable=False)
    now = instant.now(case.time_zone)
    original = Artifact(None, None, ArtifactRole.ORIGINAL, "application/json", blob.size,
                        blob.sha256, f"note-{note.kind.value}.json", now)
    vault.blobs.sync()
    with vault.store.transaction() as tx:
        item = tx.add_item(Item(None, case.id, 0, ItemKind.NOTE, _(KIND_LABELS[note.kind]),
                                now, IMPORTER), [original])
        tx.add_events(item, [Event(None, case.id, item.id, note.kind.value, note.at,
                                   note.text, location=Location(artifact_sha256=blob.sha256,
                                                                field="text"))])
        if older is not None:
            tx.add_correction(item, older, reason, now)
    return item


def read_note(vault: Vault, item: Item) -> Note:
    """The note as sealed (from its original bytes)."""
    import json

    assert item.id is not None
    original = vault.store.artifacts(item.id)[0]
    data = json.loads(vault.blobs.read_bytes(original.sha256))
    at = data.get("at")
    return Note(**{**data, "kind": NoteKind(data["kind"]),
                   "at": Instant.from_json(at) if at else None})


def notes(vault: Vault, case: Case, kind: NoteKind | None = None) -> list[tuple[Item, Note]]:
    """The current notes: neither withdrawn nor replaced by a correction."""
    assert case.id is not None
    found = [(item, read_note(vault, item)) for item in withdrawals.current_items(vault, case)
             if item.importer == IMPORTER]
    return [(i, n) for i, n in found if kind is None or n.kind is kind]
