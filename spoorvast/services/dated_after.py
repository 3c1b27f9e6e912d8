"""A conversation or call log whose events are dated after the file was added.

No message can be sent after its export was made, so events dated later than the moment
the file was added (with a day's margin for clocks and zones) mean the dates were read
wrong: a calendar other than the Gregorian (a Thai export counts years from 543 BC, so
"67" is 2567, read as 2067), day and month swapped, or a damaged file. Nothing is
changed; the item gets a warning that names the first such event, so it is never
silently wrong. One indexed count per conversation item (events by case and time).
"""

from __future__ import annotations

from datetime import timedelta

from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.model import instant
from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Item, ItemKind, Location, Problem, Severity
from spoorvast.storage.base import MetadataStore

MARGIN = timedelta(days=1)
CHECKED = frozenset({ItemKind.CONVERSATION, ItemKind.CALL_LOG})

register_codes({
    "import.dated-after-adding": N_(
        "{count} events are dated after this file was added to the case (the first: "
        "{first}). No message can be sent after its export was made, so these dates were "
        "read wrong: perhaps another calendar (such as the Thai Buddhist era), day and "
        "month swapped, or a damaged file. Check them against the phone before relying "
        "on them."),
})


def dated_after(store: MetadataStore, item: Item, added: instant.Instant) -> Problem | None:
    """The warning for ``item`` (its events already written), or None."""
    if item.kind not in CHECKED or item.id is None:
        return None
    query = EventQuery(item.case_id, since=added.utc + MARGIN, item_ids=(item.id,), limit=1)
    count = store.count_events(query)
    if not count:
        return None
    first = store.search_events(query)[0].event
    shown = first.instant.raw if first.instant and first.instant.raw else (
        first.instant.utc.isoformat() if first.instant else "?")
    where = first.location or Location()
    return Problem(Severity.WARNING, "import.dated-after-adding",
                   (("count", str(count)), ("first", shown[:80])), where)
