"""Events of a case: search, mark/unmark (through the custody log), calls, typed call
records, participants and counts per day per party."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from spoorvast.errors import NoSuchItem, UserError
from spoorvast.i18n import _
from spoorvast.model import instant
from spoorvast.model.conversation import (
    DayCount,
    EventHit,
    EventQuery,
    EventRef,
    actor_key,
)
from spoorvast.model.instant import Instant
from spoorvast.model.records import (
    Case,
    Event,
    Identifier,
    Item,
)
from spoorvast.services import typed_calls
from spoorvast.services.parties import identifiers_of, party_named
from spoorvast.services.typed_calls import TypedCall
from spoorvast.storage.vault import Vault

PAGE_SIZE = 50
CAP = 1000  # hits counted at most: a common word has "more than 1,000 results"


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[EventHit]
    total: int  # with a cap: at most cap + 1 ("more than cap")
    page: int
    page_size: int
    cap: int | None = None
    order: str = "time"  # "relevance" (words), "newest" (a common word), "time"

    @property
    def capped(self) -> bool:
        return self.cap is not None and self.total > self.cap

    @property
    def newest_first(self) -> bool:
        return self.order == "newest"


@dataclass(frozen=True, slots=True)
class CallRecord:
    ref: EventRef
    at: Instant | None
    number: str | None  # E.164 when known
    actor: str | None
    direction: str | None  # in, out, missed, rejected…
    duration_seconds: int | None
    media: str | None  # voice, video
    source: str  # importer of the item


@dataclass(frozen=True, slots=True)
class Participant:
    identifier: Identifier
    key: str
    events: int
    party: str | None


def user_time(text: str, zone_name: str) -> datetime:
    try:
        return instant.from_user_text(text, zone_name).utc
    except ValueError as exc:
        raise UserError(_("{text} is not a date and time (for example 2026-03-04 22:15).")
                        .format(text=text)) from exc


def party_actors(vault: Vault, case: Case, name: str) -> tuple[str, ...]:
    """Actor keys of a party (by name), or of identifiers with that value."""
    party = party_named(vault, case, name)
    idents = (identifiers_of(vault, case, party) if party else
              [i for i in vault.store.identifiers(case.id or 0) if i.value == name.strip()])
    if not idents:
        raise UserError(_("No party or identifier is called {name}. 'spoorvast participants "
                          "E-0001' shows who speaks in an export.").format(name=name))
    return tuple({key_of(i) for i in idents})


def key_of(identifier: Identifier) -> str:
    return actor_key(identifier.kind.value, identifier.value, identifier.platform,
                     identifier.stable_id)


def search(vault: Vault, case: Case, query: EventQuery, page: int = 1,
           cap: int | None = CAP) -> SearchPage:
    """One page of hits; with ``cap`` the count stops after ``cap + 1`` (a common word in
    a million messages: "more than 1,000 results", at the cost of 1,001 hits, not all),
    and words with more hits than that are shown newest first instead of ranked (ranking
    scores every hit: 308 ms for a word in 143,000 of 1,000,000 messages). Fewer hits
    keep the relevance order."""
    limit = max(1, query.limit)
    paged = replace(query, limit=limit, offset=(page - 1) * limit)
    total = vault.store.count_events(paged, cap=cap)
    words = bool(query.text and query.text.strip())
    newest = words and cap is not None and total > cap
    order = "newest" if newest else "relevance" if words else "time"
    return SearchPage(vault.store.search_events(replace(paged, newest_first=newest)),
                      total, page, limit, cap, order)


def resolve_refs(vault: Vault, case: Case, refs: list[str]) -> list[Event]:
    found = []
    for text in refs:
        ref = EventRef.parse(text)
        event = None if ref is None else vault.store.event_by_ref(case.id or 0,
                                                                  ref.item_number, ref.seq)
        if event is None:
            raise NoSuchItem(_("There is no message {ref} in this case (they look like "
                               "E-0012:m4711).").format(ref=text))
        found.append(event)
    return found


def mark(vault: Vault, case: Case, refs: list[str], marked: bool = True) -> int:
    """Mark (or unmark) events; returns how many changed. Each change is logged."""
    events = resolve_refs(vault, case, refs)
    with vault.store.transaction() as tx:
        return tx.set_event_marks(case.id or 0, [e.id or 0 for e in events], marked)


def calls(vault: Vault, case: Case, limit: int = 100_000) -> list[CallRecord]:
    query = EventQuery(case.id or 0, kinds=("call",), limit=limit)
    importers = {i.id: i.importer for i in vault.store.items(case.id or 0)}
    return [call_record(hit, importers.get(hit.event.item_id, ""))
            for hit in vault.store.search_events(query)]


def calls_page(vault: Vault, case: Case, item_ids: tuple[int, ...], offset: int = 0,
               limit: int = PAGE_SIZE) -> tuple[list[CallRecord], int]:
    """One page of the calls of ``item_ids`` in time order, and how many there are."""
    query = EventQuery(case.id or 0, kinds=("call",), item_ids=item_ids, limit=limit,
                       offset=max(0, offset))
    importers = {i.id: i.importer for i in vault.store.items(case.id or 0)}
    return ([call_record(hit, importers.get(hit.event.item_id, ""))
             for hit in vault.store.search_events(query)], vault.store.count_events(query))


def call_record(hit: EventHit, source: str) -> CallRecord:
    details = dict(hit.event.details)
    actor = hit.event.actor
    number = actor.removeprefix("phone:") if actor and actor.startswith("phone:") else None
    duration = details.get("duration")
    return CallRecord(hit.ref, hit.event.instant, number, actor, details.get("direction"),
                      int(duration) if duration and duration.isdigit() else None,
                      details.get("media"), source)


def add_call(vault: Vault, case: Case, number: str, at: str, direction: str,
             duration: int | None = None, corrects: Item | None = None,
             reason: str = "") -> Item:
    """A call the user types in (see :mod:`spoorvast.services.typed_calls`)."""
    return typed_calls.add_call(vault, case, TypedCall(number, at, direction, duration),
                                corrects, reason)


def participants(vault: Vault, case: Case, item: Item) -> list[Participant]:
    counts = {c.actor: c.count for c in vault.store.actor_counts(case.id or 0, item.id)}
    parties = {p.id: p.name for p in vault.store.parties(case.id or 0)}
    found = []
    for identifier in vault.store.identifiers(case.id or 0):
        if identifier.item_id != item.id:
            continue
        key = key_of(identifier)
        party = parties.get(identifier.party_id) if identifier.party_id else None
        found.append(Participant(identifier, key, counts.get(key, 0), party))
    return found


def day_counts(vault: Vault, case: Case) -> list[DayCount]:
    return vault.store.day_counts(case.id or 0)
