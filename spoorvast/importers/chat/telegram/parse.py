"""Telegram Desktop JSON records -> events.

``date_unixtime`` is the UTC truth (EPOCH); ``date`` is the exporting computer's local
time without offset and is kept as the raw text. Older exports have no
``date_unixtime``: their ``date`` is read in the case zone (ASSUMED_ZONE, reported).
``from_id`` (``user123456789``, ``channel…``) is the stable account ID. Text is a string
or an array of strings and entity objects, concatenated exactly; links, mentions, phone
numbers and e-mail addresses in entities become proposed identifiers.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress, repeat
from operator import is_not
from typing import Any

from spoorvast.i18n import N_
from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.jsonload import (
    JsonObject,
    arr,
    get_str,
    integer,
    obj,
    pointer,
    scalar,
    string,
    without_surrogates,
)
from spoorvast.importers.chat.shared.participants import (
    Actor,
    Participants,
    account,
    phone_or_name,
)
from spoorvast.importers.chat.telegram.entities import IDENTIFYING, PLATFORM, entity_identifier
from spoorvast.model.conversation import actor_key
from spoorvast.model.instant import (
    EpochClock,
    Instant,
    OffsetSource,
    Precision,
    ZoneClock,
    from_aware,
    from_epoch,
    zone,
)
from spoorvast.model.message_run import MessageRun, affixed
from spoorvast.model.records import Event, Location, Problem, Severity

NOT_INCLUDED = "(File not included."
MEDIA_FIELDS = ("photo", "file", "thumbnail")
MEDIA_DETAILS = ("media_type", "mime_type", "sticker_emoji", "forwarded_from")
MEDIA_KEYS = frozenset((*MEDIA_FIELDS, *MEDIA_DETAILS))
# members that take a message off the plain path (:func:`_plain_mask`)
_NOT_PLAIN = MEDIA_KEYS | {"edited", "edited_unixtime", "reply_to_message_id", "actor",
                           "actor_id"}
RUN = 4096  # messages at most in one MessageRun (a document read whole is one batch)
Resolver = Callable[[str, Location], str | None]  # (path named, where) -> sha256
Path = tuple[str | int, ...]
Context = tuple[tuple[str, str], ...]  # the chat's name and id, as event details


def chat_context(chat: JsonObject) -> Context:
    """The chat's name and id that are known (empty ones are left out)."""
    pairs = (("chat", get_str(chat, "name") or ""), ("chat_id", scalar(chat.get("id")) or ""))
    return tuple(p for p in pairs if p[1])


@dataclass
class TelegramParser:
    case_id: int
    sha256: str
    zone_name: str
    region: str | None
    resolve: Resolver
    holder: str | None = None  # from_id of the account holder (full export)
    archive: bool = False  # media can be resolved (a zip, or files next to the JSON)
    reports_missing: bool = True  # False: the resolver reports missing files itself
    problems: list[Problem] = field(default_factory=list)
    tally: Tally = field(init=False)
    participants: Participants = field(init=False)
    without_epoch: int = 0
    surrogates: int = 0
    _clock: ZoneClock = field(init=False)
    _epochs: EpochClock = field(init=False)
    _actors: dict[tuple[str | None, str], str] = field(default_factory=dict)
    _entities: dict[tuple[object, ...], Actor | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tally = Tally(self.sha256)
        self.participants = Participants(self.case_id)
        self._clock = ZoneClock(self.zone_name)
        self._epochs = EpochClock(self.zone_name)

    def chat(self, chat: JsonObject, path: Path) -> Iterator[Event | MessageRun]:
        """The events of one parsed chat (the whole-document path)."""
        return self.messages(arr(chat.get("messages")), path, 0, chat_context(chat))

    def messages(self, records: list[object], path: Path, start: int,
                 context: Context, orjson_read: bool = False
                 ) -> Iterator[Event | MessageRun]:
        """The events of ``records``, the messages ``start``… of the chat at ``path``:
        each run of usual text messages as one :class:`MessageRun`, the others one event
        each (the general path); each parsed message is freed once it is read.
        ``orjson_read``: the records were parsed by orjson, which refuses lone
        surrogates, so no text holds one."""
        prefix = pointer(*path, "messages") + "/"
        self.tally.read += len(records)
        plain, end, at = _plain_mask(records), len(records), 0
        while at < end:
            if plain[at]:
                try:
                    stop = plain.index(False, at, at + RUN)
                except ValueError:
                    stop = min(end, at + RUN)
                yield self._run(records, at, stop, prefix, start, context, orjson_read)
                at = stop
                continue
            record, records[at] = records[at], None
            where = Location(self.sha256, None, None, None, f"{prefix}{start + at}")
            event = self._message(record, where, context)
            if event is not None:
                yield event
            at += 1

    def message(self, record: object, field: str, context: Context) -> Event | None:
        """The event of one message at the JSON pointer ``field``, or None (counted)."""
        self.tally.read += 1
        return self._message(record, Location(self.sha256, field=field), context)

    def _run(self, records: list[object], first: int, stop: int, prefix: str, start: int,
             context: Context, orjson_read: bool) -> MessageRun:
        """Records ``first``…``stop - 1``, all usual text messages (:func:`_plain_mask`:
        from an account, dated by their epoch, no media, edit, reply or service action),
        as columns: a C loop per column, Python only for the few that need a look-up
        (a text in entities, an actor seen for the first time). Its events equal the
        general path's (tested)."""
        found: list[JsonObject] = records[first:stop]  # type: ignore[assignment]
        records[first:stop] = [None] * (stop - first)
        get: Callable[[JsonObject, str], Any] = dict.get
        stamps = list(map(int, map(get, found, repeat("date_unixtime"))))
        texts: list[object] = list(map(get, found, repeat("text")))
        if not orjson_read:  # lone surrogates replaced (and counted) as the general path does
            texts = [self._clean(t) if type(t) is str else t for t in texts]
        fields = affixed(prefix, list(range(start + first, start + stop)))
        actors = list(map(self._actors.get, zip(map(get, found, repeat("from_id")),
                                                map(get, found, repeat("from")), strict=True)))
        for n in _needing_python(texts, actors):  # in order: text, then actor, as there
            if type(texts[n]) is not str:  # (its Location made only if something is noted)
                texts[n] = self._text(texts[n], fields[n])
            if actors[n] is None:
                actors[n] = self._actor(found[n], self._located(fields[n]))
        self.tally.events += stop - first
        return MessageRun(self.case_id, "message", self.zone_name, self.sha256, stamps,
                          self._epochs.offsets(stamps), list(map(get, found, repeat("date"))),
                          texts, actors, fields,  # type: ignore[arg-type]
                          context, "message_id", list(map(get, found, repeat("id"))))

    def _message(self, record: object, where: Location, context: Context) -> Event | None:
        message = obj(record)
        moment = None if message is None else self._instant(message, where)
        if message is None or moment is None:
            self.tally.unreadable(where, where.field or "", N_("not a dated message"))
            return None
        return self._emit(message, moment, where, context)

    def _instant(self, message: JsonObject, where: Location) -> Instant | None:
        raw = get_str(message, "date")
        epoch = integer(message.get("date_unixtime"))
        if epoch is not None:
            try:
                return self._epochs.resolve(epoch, Precision.SECOND, raw)
            except (OverflowError, OSError, ValueError):
                return None
        if raw is None:
            return None
        try:
            wall = datetime.fromisoformat(raw)
        except ValueError:
            return None
        if wall.tzinfo is not None:  # "…Z" or "+02:00": the instant is explicit, and is
            # shown in the case's zone
            try:
                return from_aware(wall.astimezone(zone(self.zone_name)), OffsetSource.EXPLICIT,
                                  Precision.SECOND, raw, self.zone_name)
            except (OverflowError, ValueError):
                return None
        self.without_epoch += 1
        return self._clock.resolve(wall, Precision.SECOND, raw)

    def _emit(self, message: JsonObject, moment: Instant, where: Location,
              context: Context) -> Event:
        details: list[tuple[str, str]] = [*context, *_ids(message)]
        text = self._text(message.get("text"), where)
        actor = self._actor(message, where)
        kind = "message"
        if get_str(message, "type") == "service":
            kind = self._service(message, actor, details)
        attachments = self._media(message, where, details)
        details += self._edited(message)
        self.tally.events += 1
        return Event(None, self.case_id, None, kind, moment, text, None, where, False, actor,
                     attachments, tuple(details))

    def _actor(self, message: JsonObject, where: Location) -> str | None:
        stable = get_str(message, "from_id") or get_str(message, "actor_id")
        name = get_str(message, "from") or get_str(message, "actor") or ""
        known = self._actors.get((stable, name))  # a participant is noted once, anyway
        if known is not None:
            return known
        key = None
        if stable:
            key = self.participants.note(account(PLATFORM, stable, name), where)
        elif name:
            key = self.participants.note(phone_or_name(name, PLATFORM, self.region), where)
        if key is not None:
            self._actors[(stable, name)] = key
        return key

    def _service(self, message: JsonObject, actor: str | None,
                 details: list[tuple[str, str]]) -> str:
        action = get_str(message, "action") or "other"
        if action != "phone_call":
            self.tally.system += 1
            details.append(("system", action))
            return "system"
        reason = get_str(message, "discard_reason") or ""
        details.append(("media", "voice"))
        direction = _direction(reason, actor, self.holder)
        if direction:
            details.append(("direction", direction))
        if reason:
            details.append(("discard_reason", reason))
        duration = integer(message.get("duration_seconds"))
        if duration is not None:
            details.append(("duration", str(duration)))
        return "call"

    def _missing(self, where: Location) -> None:
        self.problems.append(Problem(Severity.WARNING, "chat.attachment-missing",
                                     (("where", where.field or ""),), where))

    def _media(self, message: JsonObject, where: Location,
               details: list[tuple[str, str]]) -> tuple[str, ...]:
        found: list[str] = []
        if message.keys().isdisjoint(MEDIA_KEYS):
            return ()
        for key in MEDIA_FIELDS:
            value = get_str(message, key) if key in message else None
            if value is None:
                continue
            if value.startswith(NOT_INCLUDED):
                details.append((key, "not-included"))
                continue
            details.append((key, value))
            sha = self.resolve(value, where) if self.archive else None
            if sha is not None and key != "thumbnail":
                found.append(sha)
            elif self.archive and sha is None and self.reports_missing:
                self._missing(where)
        for key in MEDIA_DETAILS:
            value = get_str(message, key) if key in message else None
            if value:
                details.append((key, value))
        return tuple(found)

    def _edited(self, message: JsonObject) -> list[tuple[str, str]]:
        if "edited" not in message and "edited_unixtime" not in message:
            return []
        epoch = integer(message.get("edited_unixtime"))
        raw = get_str(message, "edited")
        if epoch is None and raw is None:
            return []
        if epoch is None:
            return [("edited", raw or "")]
        try:
            return [("edited", from_epoch(epoch, self.zone_name).isoformat())]
        except (OverflowError, OSError, ValueError):
            return [("edited", raw or "")]

    def _located(self, where: Location | str) -> Location:
        """``where``, or the location of the JSON pointer ``where``."""
        if type(where) is str:
            return Location(self.sha256, None, None, None, where)
        return where  # type: ignore[return-value]

    def _text(self, value: object, where: Location | str) -> str:
        """A message's text (``where``: its location, or its JSON pointer)."""
        if isinstance(value, str):
            return self._clean(value)
        parts: list[str] = []
        append = parts.append
        for part in arr(value):
            if type(part) is str:  # (most parts: the text between entities)
                append(part)
                continue
            entity = obj(part)
            piece = string(part) if entity is None else get_str(entity, "text")
            append(piece or "")
            if entity is not None:
                self._entity(entity, where)
        return self._clean("".join(parts))

    def _clean(self, text: str) -> str:
        cleaned, replaced = without_surrogates(text)
        self.surrogates += replaced
        return cleaned

    def _entity(self, entity: JsonObject, where: Location | str) -> None:
        """Note the identifier an entity proposes. What it proposes depends only on the
        members :func:`entity_identifier` reads (and the region), so it is worked out
        once per distinct link, mention, phone number or address (they recur); the type
        of ``user_id`` is part of the key, as ``True == 1`` but only an int is a user."""
        get = entity.get
        kind = get("type")
        if kind not in IDENTIFYING:  # bold, italic, code…: nothing (nor kept)
            return
        user = get("user_id")
        try:
            key = (kind, get("text"), get("href"), user, type(user))
            found = self._entities[key]
        except TypeError:  # a member that is a list or an object: not kept
            found = entity_identifier(entity, self.region)
        except KeyError:
            found = self._entities[key] = entity_identifier(entity, self.region)
        if found is not None and found.key not in self.participants.seen:
            self.participants.note(found, self._located(where))


def _plain_mask(records: list[object]) -> list[bool]:
    """Which records are usual text messages (what :meth:`TelegramParser._run` reads):
    a message from an account (``from_id`` and ``from`` strings, an integer ``id``), a
    ``date`` and a ``date_unixtime`` of at most ten ASCII digits (before 2286: always a
    datetime), none of the members that take the general path.

    Each test is one C loop over the records (``map``), and a record is plain when all
    of its tests hold; when the records are not all objects, or their ``date_unixtime``
    not all short ASCII strings, each record is tested on its own (:func:`_plain_record`,
    equal, tested)."""
    if not records or set(map(type, records)) != {dict}:
        return list(map(_plain_record, records))
    get: Callable[[JsonObject, str], Any] = dict.get
    found: list[JsonObject] = records  # type: ignore[assignment]
    stamps = list(map(get, found, repeat("date_unixtime")))
    if set(map(type, stamps)) != {str} or max(map(len, stamps)) > 10 or not all(
            map(str.isascii, stamps)):
        return list(map(_plain_record, records))

    def typed(key: str, kind: type) -> Iterator[bool]:
        return map(operator.is_, map(type, map(get, found, repeat(key))), repeat(kind))

    return list(map(all, zip(map(_NOT_PLAIN.isdisjoint, found),
                             map(operator.eq, map(get, found, repeat("type")),
                                 repeat("message")),
                             map(str.isdigit, stamps), typed("date", str), typed("id", int),
                             typed("from_id", str), typed("from", str), strict=True)))


def _plain_record(r: object) -> bool:
    """:func:`_plain_mask` of one record."""
    return (type(r) is dict and _NOT_PLAIN.isdisjoint(r) and r.get("type") == "message"
            and type(stamp := r.get("date_unixtime")) is str and len(stamp) <= 10
            and stamp.isascii() and stamp.isdigit() and type(r.get("date")) is str
            and type(r.get("id")) is int and type(r.get("from_id")) is str
            and type(r.get("from")) is str)


def _needing_python(texts: list[object], actors: list[str | None]) -> list[int]:
    """Positions whose text is not a plain string or whose actor is not known yet."""
    if None not in actors:  # the usual case: all actors known, only entity texts
        return list(compress(range(len(texts)), map(is_not, map(type, texts), repeat(str))))
    return [n for n, (t, a) in enumerate(zip(texts, actors, strict=True))
            if type(t) is not str or a is None]


def _ids(message: JsonObject) -> list[tuple[str, str]]:
    found = []
    value = scalar(message.get("id"))
    if value is not None:
        found.append(("message_id", value))
    if "reply_to_message_id" in message:
        value = scalar(message["reply_to_message_id"])
        if value is not None:
            found.append(("reply_to", value))
    return found


def _direction(reason: str, actor: str | None, holder: str | None) -> str | None:
    if reason in ("missed", "busy"):
        return "missed"
    if holder is None or actor is None:
        return None
    return "out" if actor == actor_key("account", "", PLATFORM, holder) else "in"


def surrogate_problem(count: int, sha256: str) -> list[Problem]:
    if not count:
        return []
    return [Problem(Severity.WARNING, "chat.surrogates", (("where", f"{count} texts"),),
                    Location(artifact_sha256=sha256))]
