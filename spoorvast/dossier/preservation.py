"""An e-Evidence sheet per suspect account: what an officer needs to ask the platform to
preserve the account's data the same day (platform, stable ID, the handles seen and
where, URLs, the UTC time windows of the incidents) and where to send the request.

Where to send it comes from ``data/platform_requests.json``: per platform the entity it
names for requests about users in the EU, an address, the request channel, and for each
the page it was read on and the date. What no page supported is ``null`` and shown as
not known: nothing here is guessed. Gathering reads only what the dossier already
holds (parties, identifiers, the marked events); it asks the vault only for the events
of an account none of whose messages is marked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from spoorvast.dossier.model import EventView
from spoorvast.model.conversation import EventQuery, actor_key
from spoorvast.model.records import (
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Item,
    Party,
    PartyRole,
)
from spoorvast.storage.vault import Vault

GAP = timedelta(hours=2)  # incidents closer than this share one window
MAX_EVENTS = 5000  # of an account without marked events, read for its windows


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime  # UTC
    end: datetime  # UTC
    count: int


@dataclass(frozen=True, slots=True)
class Handle:
    value: str
    item_label: str | None  # where it was seen; None when typed by the user
    seen: datetime | None  # when that item was acquired (UTC)


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    kind: str  # official / third-party
    supports: tuple[str, ...]  # provider / address / channel / note
    read: str  # ISO date we read it
    page_date: str | None  # the date the page itself gives, if any


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where a platform takes requests, as far as a page read on a given date says."""

    platform: str
    provider: str | None
    provider_note: str | None
    address: str | None
    channel: str | None
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class AccountSheet:
    person: str
    platform: str
    stable_id: str | None
    handles: tuple[Handle, ...]
    urls: tuple[str, ...]
    windows: tuple[Window, ...]
    incidents: int
    marked: bool  # windows from marked incidents (else from every event of the account)
    recipient: Recipient | None


@cache
def recipients() -> dict[str, Recipient]:
    """Platform name (lower case) -> recipient, from the data file."""
    text = resources.files("spoorvast.dossier").joinpath(
        "data/platform_requests.json").read_text("utf-8")
    found = {}
    for entry in json.loads(text)["platforms"]:
        recipient = Recipient(entry["id"], entry["provider"], entry["provider_note"],
                              entry["address"], entry["channel"],
                              tuple(Source(s["url"], s["kind"], tuple(s["supports"]),
                                           s["read"], s.get("page_date"))
                                    for s in entry["sources"]))
        for name in entry["names"]:
            found[name] = recipient
    return found


def recipient_for(platform: str) -> Recipient | None:
    return recipients().get(platform.strip().casefold())


def sheets(vault: Vault, case_id: int, parties: Iterable[Party],
           identifiers: list[Identifier], items: dict[int, Item],
           marked: list[EventView]) -> list[AccountSheet]:
    """One sheet per confirmed account of a suspect (same platform and stable ID, or
    same handle when no ID is known, make one account)."""
    suspects = {p.id: p.name for p in parties if p.role is PartyRole.SUSPECT}
    groups: dict[tuple[int, str, str], list[Identifier]] = {}
    for ident in identifiers:
        if (ident.kind is IdentifierKind.ACCOUNT and ident.party_id in suspects
                and ident.status is IdentifierStatus.CONFIRMED and ident.platform):
            key = (ident.party_id or 0, ident.platform.casefold(),
                   ident.stable_id or ident.value)
            groups.setdefault(key, []).append(ident)
    return [_sheet(vault, case_id, suspects[party], group, identifiers, items, marked)
            for (party, _platform, _id), group in groups.items()]


def _sheet(vault: Vault, case_id: int, person: str, group: list[Identifier],
           identifiers: list[Identifier], items: dict[int, Item],
           marked: list[EventView]) -> AccountSheet:
    first = group[0]
    platform = first.platform or ""
    keys = {actor_key("account", i.value, i.platform, i.stable_id) for i in group}
    ids = {i.id for i in group}
    times = [v.event.instant.utc for v in marked if v.event.instant is not None
             and (v.event.actor in keys or v.event.actor_identifier_id in ids)]
    from_marked = bool(times)
    if not times:
        times = _all_times(vault, case_id, keys)
    return AccountSheet(person, platform, first.stable_id,
                        tuple(_handle(i, items) for i in group if not _is_url(i.value)),
                        _urls(group, identifiers, first), windows(times), len(times),
                        from_marked, recipient_for(platform))


def _all_times(vault: Vault, case_id: int, keys: set[str]) -> list[datetime]:
    hits = vault.store.search_events(EventQuery(case_id, actors=tuple(sorted(keys)),
                                                limit=MAX_EVENTS))
    return [h.event.instant.utc for h in hits if h.event.instant is not None]


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _handle(identifier: Identifier, items: dict[int, Item]) -> Handle:
    item = items.get(identifier.item_id or -1)
    return Handle(identifier.value, item.label if item else None,
                  item.acquired_at.utc if item else None)


def _urls(group: list[Identifier], identifiers: list[Identifier],
          first: Identifier) -> tuple[str, ...]:
    """Profile URLs: account values that are URLs, and the person's URL identifiers
    on the platform (named so, or on a host that carries the platform's name)."""
    platform = (first.platform or "").casefold()
    found = [i.value for i in group if _is_url(i.value)]
    found += [i.value for i in identifiers if i.kind is IdentifierKind.URL
              and i.party_id == first.party_id and i.status is IdentifierStatus.CONFIRMED
              and ((i.platform or "").casefold() == platform
                   or platform in (urlsplit(i.value).hostname or ""))]
    return tuple(dict.fromkeys(found))


def windows(times: list[datetime]) -> tuple[Window, ...]:
    """Incidents grouped into windows: a gap longer than GAP starts a new one."""
    found: list[Window] = []
    for moment in sorted(t.astimezone(UTC) for t in times):
        last = found[-1] if found else None
        if last is not None and moment - last.end <= GAP:
            found[-1] = Window(last.start, moment, last.count + 1)
        else:
            found.append(Window(moment, moment, 1))
    return tuple(found)
