"""Records for reading events back: search queries, hits, per-day counts.

Used by the storage seam (``MetadataStore.search_events`` …) and the events service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from spoorvast.model.records import Event

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_POSITION = re.compile(r"^(?:u(\d{1,18})|(-?\d{1,19})_(\d{1,18}))$")
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
    by relevance when ``text`` is given, otherwise by time. ``newest_first`` (with
    ``text``): the hits newest first instead of ranked — a common word matches too many
    messages to rank them all (a microsecond or two each), and past a thousand hits a
    ranking says little."""

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
    # keyset paging in time order (no ``text``): only events after / before this one
    after: Position | None = None
    before: Position | None = None
    newest_first: bool = False


@dataclass(frozen=True, slots=True)
class Position:
    """Where an event stands in time order (undated events first, then by time, then by
    id): a page link names the position it starts after (or ends before), so a deep page
    is read as fast as the first. ``token`` is its URL / command-line form."""

    utc: datetime | None
    event_id: int

    @property
    def token(self) -> str:
        if self.utc is None:
            return f"u{self.event_id}"
        delta = self.utc - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}_{self.event_id}"

    @classmethod
    def parse(cls, text: str) -> Position | None:
        match = _POSITION.match(text.strip())
        if match is None:
            return None
        if match.group(1) is not None:
            return cls(None, int(match.group(1)))
        try:
            at = _EPOCH + timedelta(microseconds=int(match.group(2)))
        except OverflowError:
            return None
        return cls(at, int(match.group(3)))


@dataclass(frozen=True, slots=True)
class EventBucket:
    """How many events of one kind one actor has in ten minutes (UTC) of one item (None:
    the case's own events): what pattern charts are counted from."""

    start: datetime  # aware UTC, a multiple of ten minutes
    kind: str
    actor: str | None
    item_id: int | None
    count: int


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
