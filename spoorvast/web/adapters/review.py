"""Text read from a picture, to confirm or reject where the picture is shown.

A message read from a screenshot that shows a time but no day ("21:05" under no day
separator) would become an event without a date; the page asks for the day instead,
proposing the day the picture was taken (or, without that, the day its file was last
changed), so that a confirmed message has its place on the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spoorvast.model.instant import Instant
from spoorvast.model.records import Case, Item
from spoorvast.storage.vault import Vault
from spoorvast.web.adapters import present


@dataclass(frozen=True, slots=True)
class ProposalRow:
    ref: str
    kind: str
    state: str
    text: str
    where: str
    at: Instant | None
    needs_day: bool  # a message with a time but no day: the page asks for it
    day: str  # the proposed day (ISO), or ""


def rows(vault: Vault, case: Case, item: Item) -> list[ProposalRow]:
    if not present("spoorvast.services.ocr_review"):
        return []
    from spoorvast.services import ocr_review

    proposed = _picture_day(item)
    return [ProposalRow(p.ref, p.kind.value, p.state.value, p.text,
                        ocr_review.provenance(p.item.label, p.region), p.at,
                        p.kind is ocr_review.Kind.MESSAGE and p.at is None
                        and bool(p.shown_time),
                        proposed)
            for p in ocr_review.proposals(vault, case, item)]


def _picture_day(item: Item) -> str:
    for moment in (item.media.taken_at if item.media else None,
                   item.file.modified_at if item.file else None):
        if moment is not None:
            return moment.local.date().isoformat()
    return ""


def decide(vault: Vault, case: Case, ref: str, confirm: bool, day: str = "") -> ProposalRow:
    """Confirm (on ``day`` when the picture showed none) or reject; the row as it is now."""
    from spoorvast.services import ocr_review

    proposal = ocr_review.find(vault, case, ref)
    if confirm:
        decided = ocr_review.confirm(vault, case, proposal, _day(day))
    else:
        decided = ocr_review.reject(vault, case, proposal)
    return ProposalRow(decided.ref, decided.kind.value, decided.state.value, decided.text,
                       ocr_review.provenance(decided.item.label, decided.region), decided.at,
                       False, day)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None
