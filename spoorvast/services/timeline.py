"""One chronological view of every event of a case, in the case zone, offsets shown.

Rows carry their source (item label and place), the actor (identifier and party) and
whether they are marked. Bursts (many events close together) and gaps (long silences)
are computed so that a reader sees the rhythm of the contact, not only the list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from spoorvast.model.conversation import EventQuery, Position, actor_key
from spoorvast.model.instant import Instant, Precision
from spoorvast.model.records import Case, Event, Identifier, Party
from spoorvast.storage.vault import Vault

BURST_SIZE = 5
BURST_WINDOW = timedelta(minutes=10)
GAP = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    party_id: int | None = None
    kinds: tuple[str, ...] = ()
    item_number: int | None = None
    marked_only: bool = False
    start: Instant | None = None
    end: Instant | None = None


@dataclass(frozen=True, slots=True)
class Row:
    event: Event
    item_label: str | None
    actor: str | None  # identifier value
    party: str | None  # party name
    burst: bool  # part of a burst of events
    gap_before: timedelta | None  # a long silence before this row


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    total: int
    start: int = 0  # how many events come before the first row (its number - 1)

    @property
    def first(self) -> Position | None:
        """The first row's position: the page before ends before it."""
        return position_of(self.rows[0].event) if self.rows else None

    @property
    def last(self) -> Position | None:
        """The last row's position: the next page starts after it."""
        return position_of(self.rows[-1].event) if self.rows else None

    @property
    def has_earlier(self) -> bool:
        return self.start > 0

    @property
    def has_later(self) -> bool:
        return self.start + len(self.rows) < self.total


def position_of(event: Event) -> Position:
    return Position(event.instant.utc if event.instant else None, event.id or 0)


@dataclass
class _Context:
    labels: dict[int, str]
    by_key: dict[str, Identifier]  # actor key -> identifier
    by_id: dict[int, Identifier]
    parties: dict[int, Party]


def _context(vault: Vault, case: Case) -> _Context:
    cid = case.id or 0
    identifiers = vault.store.identifiers(cid)
    return _Context({i.id or 0: i.label for i in vault.store.items(cid)},
                    {_key(i): i for i in identifiers}, {i.id or 0: i for i in identifiers},
                    {p.id or 0: p for p in vault.store.parties(cid)})


def _key(identifier: Identifier) -> str:
    return actor_key(identifier.kind.value, identifier.value, identifier.platform,
                     identifier.stable_id)


_STEP = {Precision.DAY: timedelta(days=1), Precision.MINUTE: timedelta(minutes=1),
         Precision.SECOND: timedelta(seconds=1)}


def _query(vault: Vault, case: Case, f: TimelineFilter, ctx: _Context) -> EventQuery:
    actors = None
    if f.party_id is not None:
        actors = tuple(k for k, i in ctx.by_key.items() if i.party_id == f.party_id)
    items = None
    if f.item_number is not None:
        item = vault.store.item(case.id or 0, f.item_number)
        items = (item.id or 0,) if item else ()
    until = f.end.utc + _STEP.get(f.end.precision, timedelta(microseconds=1)) if f.end else None
    return EventQuery(case.id or 0, actors=actors, item_ids=items, kinds=f.kinds or None,
                      marked_only=f.marked_only, since=f.start.utc if f.start else None,
                      until=until)


def page(vault: Vault, case: Case, f: TimelineFilter, offset: int = 0, limit: int = 100,
         after: Position | None = None, before: Position | None = None) -> Page:
    """One page of the timeline, in time order (undated events first), read by position
    (keyset: the page after ``after``, or the one that ends before ``before``; an
    ``offset`` — a page number — is turned into a position first, from the index alone).
    A few rows around the page are read too, to see bursts and gaps."""
    ctx = _context(vault, case)
    query = _query(vault, case, f, ctx)
    store = vault.store
    start: int | None = None  # known when the page is asked for by number
    if after is None and before is None:
        start = offset
        if offset > 0:
            after = store.event_position(replace(query, offset=offset - 1))
            if after is None:  # beyond the end
                return Page([], store.count_events(query), offset)
    shown, ahead = _shown(vault, query, limit, after, before)
    if not shown:
        return Page([], store.count_events(query), 0)
    first = position_of(shown[0])
    lead = _events(vault, replace(query, before=first, limit=BURST_SIZE - 1))
    window = [*lead, *shown, *ahead]
    bursts = _bursts(window)
    rows = [_row(window[i], ctx, i in bursts, _gap(window, i))
            for i in range(len(lead), len(lead) + len(shown))]
    if start is None:
        start = store.count_events(replace(query, before=first)) if lead else 0
    return Page(rows, store.count_events(query), start)


def _shown(vault: Vault, query: EventQuery, limit: int, after: Position | None,
           before: Position | None) -> tuple[list[Event], list[Event]]:
    """The page's events, and the few after them (to see a burst that goes on)."""
    context = BURST_SIZE - 1
    if before is not None and after is None:
        shown = _events(vault, replace(query, before=before, limit=limit))
        ahead = _events(vault, replace(query, after=position_of(shown[-1]), limit=context)
                        ) if shown else []
        return shown, ahead
    found = _events(vault, replace(query, after=after, limit=limit + context))
    return found[:limit], found[limit:]


def _events(vault: Vault, query: EventQuery) -> list[Event]:
    return [h.event for h in vault.store.search_events(query)]


def _row(event: Event, ctx: _Context, burst: bool, gap: timedelta | None) -> Row:
    identifier = ctx.by_key.get(event.actor or "") or ctx.by_id.get(
        event.actor_identifier_id or 0)
    party = ctx.parties.get(identifier.party_id or 0) if identifier else None
    actor = identifier.value if identifier else _weak_name(event.actor)
    return Row(event, ctx.labels.get(event.item_id or 0), actor,
               party.name if party else None, burst, gap)


def _weak_name(key: str | None) -> str | None:
    return key.rsplit(":", 1)[-1] if key else None


def _gap(chosen: list[Event], index: int) -> timedelta | None:
    if index == 0:
        return None
    before, here = chosen[index - 1].instant, chosen[index].instant
    if before is None or here is None:
        return None
    gap = here.utc - before.utc
    return gap if gap >= GAP else None


def _bursts(chosen: list[Event]) -> set[int]:
    """Indexes of events that belong to a run of BURST_SIZE within BURST_WINDOW."""
    inside: set[int] = set()
    times = [e.instant.utc if e.instant else None for e in chosen]
    for start in range(len(times)):
        end = start + BURST_SIZE - 1
        first, last = times[start], times[end] if end < len(times) else None
        if first is not None and last is not None and last - first <= BURST_WINDOW:
            inside.update(range(start, end + 1))
    return inside
