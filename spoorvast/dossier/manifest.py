"""``manifest.json``: the machine-readable index of the bundle (schema in
``docs/dossier-bundle.md``, name :data:`~spoorvast.dossier.model.MANIFEST_SCHEMA`).

The manifest describes the evidence completely (it is not redacted: redaction is for
the PDF). It never holds the bundle SHA-256, which is computed over SHA256SUMS after
the manifest is written.
"""

from __future__ import annotations

import json

from spoorvast.dossier.bundle import CUSTODY, Placement, Withheld
from spoorvast.dossier.model import MANIFEST_SCHEMA, Dossier, ItemView, Placed
from spoorvast.dossier.timestamps import TimestampCheck
from spoorvast.model.instant import Instant
from spoorvast.model.records import Artifact, Event, Identifier, Party
from spoorvast.model.secrets import strip_urls_in_text
from spoorvast.model.serialize import to_json


def _when(moment: Instant | None) -> object:
    return None if moment is None else {**moment.to_json(), "local": moment.isoformat()}


def _artifact(artifact: Artifact, placement: Placement) -> dict[str, object]:
    copies = [p for p in placement.placed if p.artifact is artifact]
    withheld = next((w for w in placement.withheld if w.artifact is artifact), None)
    return {"role": artifact.role.value, "name": artifact.name,
            "media_type": artifact.media_type, "size": artifact.size,
            "sha256": artifact.sha256, "derived_from": artifact.derived_from,
            "created_at": _when(artifact.created_at),
            "files": [_file(p) for p in copies],
            "withheld": withheld.reason if withheld else None}


def _file(placed: Placed) -> dict[str, object]:
    return {"path": placed.path, "sha256": placed.sha256, "size": placed.size,
            "transform": placed.transform.value if placed.transform else None,
            "removed": list(placed.removed)}


def _item(view: ItemView, placement: Placement) -> dict[str, object]:
    item = view.item
    return {"label": item.label, "kind": item.kind.value, "title": item.title,
            "importer": item.importer, "acquired_at": _when(item.acquired_at),
            "file": to_json(item.file), "media": _media(view),
            "events": view.events, "marked_events": view.marked,
            "findings": list(view.findings),
            "artifacts": [_artifact(a, placement) for a in view.artifacts]}


def _media(view: ItemView) -> object:
    media = to_json(view.item.media)
    if isinstance(media, dict):
        media.pop("perceptual_hash", None)
    return media


def _identifier(identifier: Identifier, labels: dict[int, str]) -> dict[str, object]:
    return {"kind": identifier.kind.value, "value": strip_urls_in_text(identifier.value),
            "platform": identifier.platform, "stable_id": identifier.stable_id,
            "status": identifier.status.value,
            "item": labels.get(identifier.item_id or 0),
            "location": to_json(identifier.location)}


def _party(party: Party, identifiers: list[Identifier],
           labels: dict[int, str]) -> dict[str, object]:
    return {"id": party.id, "role": party.role.value, "name": party.name,
            "identifiers": [_identifier(i, labels) for i in identifiers
                            if i.party_id == party.id]}


def _event(event: Event, ref: str) -> dict[str, object]:
    return {"ref": ref, "kind": event.kind, "at": _when(event.instant), "actor": event.actor,
            "text": event.text, "details": [list(d) for d in event.details],
            "attachments": list(event.attachments),
            "location": to_json(event.location)}


def build(dossier: Dossier, placement: Placement, parties: list[Party],
          identifiers: list[Identifier], stamps: list[TimestampCheck]) -> dict[str, object]:
    case, labels = dossier.case, {v.item.id or 0: v.item.label for v in dossier.items}
    return {
        "schema": MANIFEST_SCHEMA,
        "generated_at": _when(dossier.generated_at),
        "tool": {"name": "spoorvast", "version": dossier.tool_version},
        "language": dossier.options.language,
        "case": {"id": case.id, "title": case.title, "language": case.language,
                 "time_zone": case.time_zone, "created_at": _when(case.created_at)},
        "options": {"redact_third_parties": dossier.options.redact_third_parties,
                    "include_gps": dossier.options.include_gps},
        "items": [_item(v, placement) for v in dossier.items],
        "parties": [_party(p, identifiers, labels) for p in parties],
        "unassigned_identifiers": [_identifier(i, labels) for i in identifiers
                                   if i.party_id is None],
        "marked_events": [_event(v.event, v.ref) for v in dossier.marked],
        "custody": _custody(dossier),
        "timestamps": [s.to_json() for s in stamps],
        "withheld": [_withheld(w) for w in placement.withheld],
    }


def _custody(dossier: Dossier) -> dict[str, object]:
    last = dossier.custody[-1] if dossier.custody else None
    return {"file": CUSTODY, "chain": f"case-{dossier.case.id}",
            "entries": len(dossier.custody), "head_seq": last.seq if last else None,
            "head_hash": last.hash if last else None}


def _withheld(withheld: Withheld) -> dict[str, object]:
    return {"sha256": withheld.artifact.sha256, "name": withheld.artifact.name,
            "reason": withheld.reason}


def dumps(manifest: dict[str, object]) -> bytes:
    """One top-level member per line and one list element (an item, an event) per line:
    readable with ``less`` and ``grep``, and written by the C encoder (``indent`` would
    switch json to its pure-Python encoder: 0.5 s for 1,000 events here)."""
    lines = []
    for key, value in manifest.items():
        name = json.dumps(key, ensure_ascii=False)
        if isinstance(value, list) and value:
            inner = ",\n".join("  " + json.dumps(v, ensure_ascii=False) for v in value)
            lines.append(f" {name}: [\n{inner}\n ]")
        else:
            lines.append(f" {name}: {json.dumps(value, ensure_ascii=False)}")
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")
