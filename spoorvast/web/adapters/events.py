"""Events: search with ranking, mark/unmark (spoorvast/services/events.py)."""

from __future__ import annotations

from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault
from spoorvast.web.adapters import present

PAGE_SIZE = 50
CAP = 1000  # results counted at most: a common word says "more than 1,000 results"
# (the same as spoorvast.services.events.CAP, which is imported only where it is present)


def available() -> bool:
    return present("spoorvast.services.events")


def search(vault: Vault, case: Case, text: str | None, item_id: int | None,
           marked_only: bool, page: int) -> tuple[list[object], int, bool]:
    """(hits, total, newest first) of one page; the total stops at CAP + 1, and a word
    with more hits than CAP shows its newest first (not ranked)."""
    from spoorvast.services import events

    query = EventQuery(case.id or 0, text=text or None, marked_only=marked_only,
                       item_ids=(item_id,) if item_id is not None else None, limit=PAGE_SIZE)
    found = events.search(vault, case, query, page, cap=CAP)
    return list(found.hits), found.total, found.newest_first


def mark(vault: Vault, case: Case, refs: list[str], marked: bool) -> int:
    from spoorvast.services import events

    return events.mark(vault, case, refs, marked)
