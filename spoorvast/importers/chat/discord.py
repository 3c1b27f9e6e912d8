"""Discord, as exported by DiscordChatExporter (JSON).

Times are ISO 8601 with their offset (EXPLICIT); ``author.id`` is the stable account ID
(snowflake), ``name`` the handle. Mentions become proposed account identifiers;
attachments are linked by their URL or exported file name (the files themselves are
not in the JSON). ``messageCount`` is reconciled with the messages found. Discord's own
data package (only the account holder's messages) is read by ``discord_package``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.chat.common import Participants, Tally, account, without_surrogates
from spoorvast.importers.chat.jsonload import (
    JsonObject,
    arr,
    get_str,
    integer,
    load_json,
    obj,
    pointer,
    scalar,
)
from spoorvast.importers.chat.textfile import quiet_gc
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.instant import Instant, OffsetSource, Precision, from_aware
from spoorvast.model.records import Event, ItemKind, Location, Problem, Severity

NAME = "discord-chat-exporter"
PLATFORM = "discord"
MESSAGE_TYPES = ("Default", "Reply")
_HEAD = re.compile(rb'^\s*\{\s*"guild":\s*\{.{0,4000}?"channel":\s*\{', re.DOTALL)


def looks_like_dce(head: bytes) -> bool:
    return bool(_HEAD.match(head.removeprefix(b"\xef\xbb\xbf")))


def iso_instant(text: str | None) -> Instant | None:
    """An ISO 8601 time with its offset (EXPLICIT); None without offset or unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    precision = Precision.MILLISECOND if moment.microsecond else Precision.SECOND
    return from_aware(moment, OffsetSource.EXPLICIT, precision, raw=text)


@dataclass
class DiscordParser:
    case_id: int
    sha256: str
    tally: Tally
    participants: Participants
    events: list[Event] = field(default_factory=list)

    def message(self, record: JsonObject | None, where: Location) -> None:
        self.tally.read += 1
        moment = None if record is None else iso_instant(get_str(record, "timestamp"))
        if record is None or moment is None:
            self.tally.unreadable(where, where.field or "", "no timestamp with offset")
            return
        kind = self._kind(record)
        details = self._details(record, moment)
        author = obj(record.get("author"))
        actor = None if author is None else self._person(author, where)
        for mention in arr(record.get("mentions")):
            if (person := obj(mention)) is not None:
                self._person(person, where)
        attachments = [get_str(obj(a) or {}, "url") or get_str(obj(a) or {}, "fileName")
                       for a in arr(record.get("attachments"))]
        details += [("attachment", a) for a in attachments if a]
        text = without_surrogates(get_str(record, "content") or "")[0]
        self.tally.events += 1
        self.tally.system += kind == "system"
        self.events.append(Event(None, self.case_id, None, kind, moment, text,
                                 location=where, actor=actor, details=tuple(details)))

    def _kind(self, record: JsonObject) -> str:
        kind = get_str(record, "type") or "Default"
        return "message" if kind in MESSAGE_TYPES else "call" if kind == "Call" else "system"

    def _details(self, record: JsonObject, moment: Instant) -> list[tuple[str, str]]:
        details = [("message_id", scalar(record.get("id")) or "")]
        kind = get_str(record, "type") or "Default"
        if kind not in MESSAGE_TYPES:
            details.append(("system", kind))
        edited = iso_instant(get_str(record, "timestampEdited"))
        if edited is not None:
            details.append(("edited", edited.isoformat()))
        ended = iso_instant(get_str(record, "callEndedTimestamp"))
        if ended is not None:
            details.append(("duration", str(int((ended.utc - moment.utc).total_seconds()))))
        reference = obj(record.get("reference"))
        if reference is not None and scalar(reference.get("messageId")):
            details.append(("reply_to", scalar(reference.get("messageId")) or ""))
        return details

    def _person(self, person: JsonObject, where: Location) -> str | None:
        stable = scalar(person.get("id"))
        if not stable:
            return None
        handle = get_str(person, "name") or ""
        return self.participants.note(account(PLATFORM, stable, handle), where)


class DiscordExporterImporter:
    name = NAME
    priority = 50

    def detect(self, source: Source) -> bool:
        return looks_like_dce(source.head)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        sha = source.original.sha256
        loaded = load_json(source.path.read_bytes(), sha)
        parser = DiscordParser(context.case_id, sha, Tally(sha), Participants(context.case_id))
        root = obj(loaded.value) or {}
        records = arr(root.get("messages"))
        with quiet_gc():
            for index, record in enumerate(records):
                parser.message(obj(record), Location(sha, field=pointer("messages", index)))
        problems = [*loaded.problems, *_count(root, len(records), sha),
                    *parser.tally.finish()]
        yield ItemDraft(kind=ItemKind.CONVERSATION, title=source.name, importer=NAME,
                        artifacts=[source.original], file=file_facts(source, context.case_zone),
                        problems=problems, events=parser.events,
                        identifiers=parser.participants.identifiers())


def _count(root: JsonObject, found: int, sha: str) -> list[Problem]:
    declared = integer(root.get("messageCount"))
    if declared is None or declared == found:
        return []
    return [Problem(Severity.WARNING, "chat.count-mismatch",
                    (("expected", str(declared)), ("found", str(found))), Location(sha))]


def register(registry: Registry) -> None:
    registry.register(DiscordExporterImporter())
