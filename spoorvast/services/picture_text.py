"""The ``show`` section of a plain file: the text read from the picture, its proposals,
and whether it is marked harmful. JSON: ``{ocr: {artifact, text, refused, proposals},
harmful}`` (``ocr`` is null for a harmful picture not read yet)."""

from __future__ import annotations

from typing import Any

from spoorvast.model.records import Item
from spoorvast.services import cases as case_service
from spoorvast.services import ocr as ocr_service
from spoorvast.services import ocr_care, ocr_review
from spoorvast.services.ocr_review import Proposal
from spoorvast.storage.vault import Vault


def section(vault: Vault, item: Item) -> dict[str, Any] | None:
    case = case_service.get_case(vault, item.case_id)
    found = [(a, d) for i, a, d in ocr_service.documents(vault, case) if i.id == item.id]
    harmful = ocr_care.blurred_preview(vault, item) is not None
    if not found:
        return {"ocr": None, "harmful": harmful} if harmful else None
    artifact, document = found[0]
    listed = ocr_review.proposals(vault, case, item)
    return {"ocr": {"artifact": artifact.sha256, "text": document.text,
                    "refused": document.refused[0] if document.refused else None,
                    "proposals": [proposal_json(p) for p in listed]},
            "harmful": harmful}


def proposal_json(p: Proposal) -> dict[str, object]:
    return {
        "ref": p.ref, "kind": p.kind.value, "state": p.state.value, "item": p.item.label,
        "text": p.text, "region": list(p.region) if p.region else None,
        "identifier_kind": p.identifier.kind.value if p.identifier else None,
        "at": p.at.isoformat() if p.at else None, "side": p.side,
        "shown_time": p.shown_time,
        "file_time": p.file_time.isoformat() if p.file_time else None,
        "provenance": ocr_review.provenance(p.item.label, p.region),
    }
