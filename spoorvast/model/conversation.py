"""Records for reading events back: search queries, hits, per-day counts.

Used by the storage seam (``MetadataStore.search_events`` …) and the events service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from spoorvast.model.records import Event

_REF = re.compile(r"^(?:E-?)?0*(\d{1,9}):m(\d{1,12})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EventRef:
    """``E-0012:m4711``: the 4711th event of item E-0012."""

    item_number: int
    seq: int

    def __str__(self) -> str:
        return f"E-{self.item_number:04d}:m{self.seq}"

    @classmethod
    def parse(cls, text: str) -> EventRef | None:
        match = _REF.match(text.strip())
        return None if match is None else cls(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True, slots=True)
class EventQuery:
    """What to look for. ``text`` is matched word by word (diacritics folded); every
    filter is optional. ``actors`` are actor keys (``phone:+32…``); results are ranked
    by relevance when ``text`` is given, otherwise by time."""

    case_id: int
    text: str | None = None
    actors: tuple[str, ...] | None = None
    since: datetime | None = None  # aware, inclusive
    until: datetime | None = None  # aware, exclusive
    item_ids: tuple[int, ...] | None = None
    kinds: tuple[str, ...] | None = None
    marked_only: bool = False
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class EventHit:
    event: Event
    item_number: int

    @property
    def ref(self) -> EventRef:
        return EventRef(self.item_number, self.event.seq or 0)


@dataclass(frozen=True, slots=True)
class DayCount:
    day: str  # YYYY-MM-DD in UTC
    actor: str | None
    count: int


@dataclass(frozen=True, slots=True)
class ActorCount:
    actor: str | None
    count: int
    first_utc: str | None
    last_utc: str | None


def actor_key(kind: str, value: str, platform: str | None, stable_id: str | None) -> str:
    """The key events carry in ``Event.actor`` for an identifier."""
    if kind == "phone":
        return f"phone:{value}"
    if kind == "account":
        return f"account:{platform}:{stable_id or value}"
    if kind == "email":
        return f"email:{value.lower()}"
    return f"{kind}:{platform}:{value}"
