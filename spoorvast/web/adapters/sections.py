"""Per-importer analysis (e-mail header analysis, capture record, OCR text…) from the
``show`` sections of :mod:`spoorvast.services.show`, and the OCR picture care (harmful
pictures, proposals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spoorvast.model.records import Case, Item
from spoorvast.services import show
from spoorvast.storage.vault import Vault
from spoorvast.web.adapters import present


def analysis(vault: Vault, item: Item) -> object | None:
    """The item's ``show`` section as JSON (shown as text)."""
    data: object = show.as_json(show.section(vault, item))
    return data


@dataclass(frozen=True, slots=True)
class ProposalView:
    ref: str
    kind: str
    state: str
    text: str
    where: str


def ocr_proposals(vault: Vault, case: Case, item: Item) -> list[ProposalView]:
    if not present("spoorvast.services.ocr_review"):
        return []
    from spoorvast.services import ocr_review

    return [ProposalView(p.ref, p.kind.value, p.state.value, p.text,
                         ocr_review.provenance(p.item.label, p.region))
            for p in ocr_review.proposals(vault, case, item)]


def decide_proposal(vault: Vault, case: Case, ref: str, confirm: bool) -> None:
    from spoorvast.services import ocr_review

    proposal = ocr_review.find(vault, case, ref)
    if confirm:
        ocr_review.confirm(vault, case, proposal)
    else:
        ocr_review.reject(vault, case, proposal)


def can_mark_harmful() -> bool:
    return present("spoorvast.services.ocr_care")


def mark_harmful(vault: Vault, case: Case, item: Item) -> None:
    from spoorvast.services import ocr_care

    ocr_care.mark_harmful(vault, case, item)


def can_read_text() -> bool:
    return present("spoorvast.services.ocr")


def read_text(vault: Vault, case: Case, progress: Callable[[int, int, Item], None],
              item_ids: frozenset[int] | None = None) -> int:
    """OCR every picture not read yet (of ``item_ids`` only, when given); returns how many
    were read."""
    from spoorvast.services import ocr

    return len(ocr.run_ocr(vault, case, progress, item_ids=item_ids))


@dataclass(frozen=True, slots=True)
class ConversationView:
    """A conversation item's summary for its page (the ``show`` section, as text)."""

    rows: list[tuple[str, str, bool]]  # label, value, needs attention
    speakers: list[tuple[str, str, int, str]]  # who, kind, events, party
    more: int  # identifiers without events of their own, not listed


def conversation(vault: Vault, item: Item) -> ConversationView | None:
    from spoorvast.services import conversation as chat
    from spoorvast.services import conversation_text as text

    if show.target(item) != show.CONVERSATION:
        return None
    summary = chat.section(vault, item)
    if summary is None:
        return None
    listed = [s for s in summary.participants if s.events or s.party]
    return ConversationView(
        [(label, value, attention is not None) for label, value, attention in text.rows(summary)],
        [(text.shown(s), text.kind(s), s.events, text.party(s)) for s in listed],
        len(summary.participants) - len(listed))
