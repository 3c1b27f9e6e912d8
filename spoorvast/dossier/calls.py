"""The call list of the dossier: every call event of the case (call logs, typed calls,
calls in chats), with its time, number, direction and duration, who the number belongs
to, and for a call from a hidden number the victim's own number(s) that were called.

A call is the suspect's contact only when it came in (or was missed or rejected): an
outgoing call carries the suspect's number too, but the victim made it.
"""

from __future__ import annotations

from collections.abc import Iterator

from spoorvast.dossier.model import CallView
from spoorvast.dossier.redact import Redactor
from spoorvast.model.conversation import EventHit, EventQuery
from spoorvast.storage.vault import Vault

PAGE = 5000
MAX_CALLS = 20_000  # a longer list is cut, and the PDF says how many there were


def _hits(vault: Vault, case_id: int) -> Iterator[EventHit]:
    offset = 0
    while offset < MAX_CALLS:
        hits = vault.store.search_events(EventQuery(case_id, kinds=("call",), limit=PAGE,
                                                    offset=offset))
        yield from hits
        if len(hits) < PAGE:
            return
        offset += PAGE


def _duration(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def gather_calls(vault: Vault, case_id: int, labels: dict[int, str],
                 redactor: Redactor) -> tuple[list[CallView], int]:
    """(the calls, in time order, at most MAX_CALLS; how many the case holds)."""
    found = []
    for hit in _hits(vault, case_id):
        event = hit.event
        details = dict(event.details)
        hidden = event.actor is None or "number_hidden" in details
        shown, role = ("", None) if event.actor is None else redactor.actor(
            event.actor, event.actor_identifier_id)
        found.append(CallView(str(hit.ref), labels.get(event.item_id or 0), event.instant,
                              event.actor, shown, role.value if role else None,
                              details.get("direction", ""), _duration(details.get("duration")),
                              hidden))
    total = vault.store.count_events(EventQuery(case_id, kinds=("call",)))
    found.sort(key=lambda c: c.at.utc.isoformat() if c.at else "")
    return found, total
