"""The summary of a conversation or call log (every chat importer), as data: what the
CLI's ``show`` prints and the web's item page shows.

What it holds: the events per kind, the time range (first and last instant with their
UTC offset and how that offset is known), the participants with their events and party,
the import accounting of the ``chat.counts`` finding and the decisive findings (date
order, zone assumed, truncation, attachments, encoding repairs, an import that stopped).
Everything is read with counts and aggregates (``actor_counts``, ``count_events``, two
one-row searches), so a 20,000-message export is never loaded.

JSON (``show --json`` → ``analysis``): ``events``, ``kinds`` [{kind, count}],
``time_range`` {first, last: {ref, local, utc, offset, offset_source, zone}, undated},
``participants`` [{key, kind, platform, shown, weak, events, party, role}],
``accounting`` {read, events, system, continued, problems, closes, stored}, ``facts``
(see :mod:`spoorvast.services.conversation_facts`) and ``next_steps`` [{step, command}].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from spoorvast.model.conversation import ActorCount, EventHit, EventQuery
from spoorvast.model.records import Case, Finding, IdentifierKind, Item, ItemKind
from spoorvast.services import events as event_service
from spoorvast.services.cases import CURRENT_CASE
from spoorvast.services.conversation_facts import Facts, read_facts
from spoorvast.storage.vault import Vault

KINDS = ("message", "call", "system")
ACCOUNTING = ("read", "events", "system", "continued", "problems")
NOT_ACTORS = (IdentifierKind.URL, IdentifierKind.IP)  # found in texts, never a sender


@dataclass(frozen=True, slots=True)
class KindCount:
    kind: str  # message, call, system, or "other"
    count: int


@dataclass(frozen=True, slots=True)
class Moment:
    ref: str  # E-0012:m4711
    local: str  # ISO 8601 in the offset it was observed with
    utc: str
    offset: str  # +01:00
    offset_source: str  # explicit, epoch, assumed-zone, user, clock
    zone: str | None


@dataclass(frozen=True, slots=True)
class TimeRange:
    first: Moment
    last: Moment
    undated: int  # events without a time


@dataclass(frozen=True, slots=True)
class Speaker:
    key: str | None  # the actor key events carry; None: no sender recorded
    kind: str | None  # phone, account, name, email…
    platform: str | None
    shown: str  # E.164 number, account handle (ID), or display name
    weak: bool  # a display name only: not an identity
    events: int
    party: str | None
    role: str | None  # victim, suspect, witness, other


@dataclass(frozen=True, slots=True)
class Accounting:
    read: int
    events: int
    system: int
    continued: int
    problems: int
    closes: bool  # read == events + continued + problems
    stored: int  # events in the vault for this item


@dataclass(frozen=True, slots=True)
class Hint:
    """A next step: ``assign`` (a suspect among the participants), ``search`` (this
    conversation), ``mark`` (``value``: the first message's ref) or ``reread`` (``value``:
    the other date order)."""

    step: str
    item: str  # the item's label
    value: str | None
    case: int | None  # the case, when it is not the current one


@dataclass(frozen=True, slots=True)
class ChatSummary:
    item: str
    events: int
    kinds: tuple[KindCount, ...]
    time_range: TimeRange | None
    participants: tuple[Speaker, ...]
    accounting: Accounting | None
    facts: Facts
    next_steps: tuple[Hint, ...]


def section(vault: Vault, item: Item) -> ChatSummary | None:
    """The ``show`` section: None for a file named like an export that did not read as
    one."""
    if item.kind not in (ItemKind.CONVERSATION, ItemKind.CALL_LOG):
        return None
    return summarise(vault, item)


def summarise(vault: Vault, item: Item) -> ChatSummary:
    case = vault.store.case(item.case_id)
    assert case is not None and item.id is not None
    counts = vault.store.actor_counts(item.case_id, item.id)
    total = sum(c.count for c in counts)
    findings = vault.store.findings(item.case_id, item.id)
    speakers = _speakers(vault, case, item, counts)
    span = _time_range(vault, item, counts, total)
    return ChatSummary(item.label, total, _kinds(vault, item, total), span, speakers,
                       _accounting(findings, total), read_facts(findings),
                       _hints(vault, item, speakers, span, total) + _reread(vault, item,
                                                                             findings))


# -- counts and time range ------------------------------------------------------------


def _query(item: Item, kinds: tuple[str, ...] | None = None,
           since: datetime | None = None, limit: int = 1) -> EventQuery:
    return EventQuery(item.case_id, item_ids=(item.id or 0,), kinds=kinds, since=since,
                      limit=limit)


def _kinds(vault: Vault, item: Item, total: int) -> tuple[KindCount, ...]:
    found = [KindCount(k, vault.store.count_events(_query(item, kinds=(k,)))) for k in KINDS]
    found.append(KindCount("other", total - sum(k.count for k in found)))
    return tuple(k for k in found if k.count)


def _time_range(vault: Vault, item: Item, counts: list[ActorCount],
                total: int) -> TimeRange | None:
    firsts = [c.first_utc for c in counts if c.first_utc]
    lasts = [c.last_utc for c in counts if c.last_utc]
    if not firsts or not lasts:
        return None
    start, end = datetime.fromisoformat(min(firsts)), datetime.fromisoformat(max(lasts))
    first, last = _event_at(vault, item, start), _event_at(vault, item, end)
    if first is None or last is None:
        return None
    dated = vault.store.count_events(_query(item, since=start))
    return TimeRange(first, last, total - dated)


def _event_at(vault: Vault, item: Item, at: datetime) -> Moment | None:
    """The first event of the item at or after ``at`` (a one-row search)."""
    hits = vault.store.search_events(_query(item, since=at))
    return _moment(hits[0]) if hits else None


def _moment(hit: EventHit) -> Moment | None:
    moment = hit.event.instant
    if moment is None:
        return None
    return Moment(str(hit.ref), moment.isoformat(), moment.utc.isoformat(),
                  offset_text(moment.offset_seconds), moment.source.value, moment.zone)


def offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


# -- participants ---------------------------------------------------------------------


def _speakers(vault: Vault, case: Case, item: Item,
              counts: list[ActorCount]) -> tuple[Speaker, ...]:
    roles = {p.name: p.role.value for p in vault.store.parties(case.id or 0)}
    listed = [_speaker(p, roles) for p in event_service.participants(vault, case, item)
              if p.identifier.kind not in NOT_ACTORS]
    known = {s.key for s in listed}
    listed += [_unlisted(c) for c in counts if c.actor not in known]
    return tuple(sorted(listed, key=lambda s: -s.events))


def _speaker(found: event_service.Participant, roles: dict[str, str]) -> Speaker:
    ident = found.identifier
    shown = ident.value
    if ident.kind is IdentifierKind.ACCOUNT and ident.stable_id not in (None, ident.value):
        shown = f"{ident.value} ({ident.stable_id})"
    return Speaker(found.key, ident.kind.value, ident.platform, shown,
                   ident.kind is IdentifierKind.NAME, found.events, found.party,
                   roles.get(found.party or ""))


def _unlisted(count: ActorCount) -> Speaker:
    """An actor of the events without an identifier of this item (or no actor at all:
    system lines, the phone owner's own messages)."""
    if count.actor is None:
        return Speaker(None, None, None, "", False, count.count, None, None)
    kind, _, rest = count.actor.partition(":")
    platform, _, value = rest.rpartition(":")
    return Speaker(count.actor, kind, platform or None, value, kind == "name",
                   count.count, None, None)


# -- accounting and next steps --------------------------------------------------------


def _accounting(findings: list[Finding], stored: int) -> Accounting | None:
    rows = [dict(f.params) for f in findings if f.code == "chat.counts"]
    if not rows:
        return None
    n = {key: _int(rows[-1].get(key)) for key in ACCOUNTING}  # the latest read (reread)
    closes = n["read"] == n["events"] + n["continued"] + n["problems"]
    return Accounting(n["read"], n["events"], n["system"], n["continued"], n["problems"],
                      closes, stored)


def _int(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


def _hints(vault: Vault, item: Item, speakers: tuple[Speaker, ...],
           span: TimeRange | None, total: int) -> tuple[Hint, ...]:
    case = _other_case(vault, item)
    hints = []
    if any(s.key for s in speakers) and not any(s.party for s in speakers):
        hints.append(Hint("assign", item.label, None, case))
    if total:
        hints.append(Hint("search", item.label, None, case))
        message = vault.store.search_events(_query(item, kinds=("message", "call")))
        first = (f"{item.label}:m{message[0].event.seq}" if message
                 else span.first.ref if span else f"{item.label}:m1")
        hints.append(Hint("mark", item.label, first, case))
    return tuple(hints)


def _reread(vault: Vault, item: Item, findings: list[Finding]) -> tuple[Hint, ...]:
    """When the day/month order was assumed: read the export again with the other one."""
    from spoorvast.services.reread import assumed_order

    assumed = assumed_order(findings)
    if assumed is None:
        return ()  # decided, or chosen by the user since
    other = "day-first" if assumed == "month-first" else "month-first"
    return (Hint("reread", item.label, other, _other_case(vault, item)),)


def _other_case(vault: Vault, item: Item) -> int | None:
    current = vault.store.setting(CURRENT_CASE) == str(item.case_id)
    return None if current else item.case_id
