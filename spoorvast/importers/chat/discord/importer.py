"""Discord, as exported by DiscordChatExporter (JSON).

Times are ISO 8601 with their offset (EXPLICIT); ``author.id`` is the stable account ID
(snowflake), ``name`` the handle. Mentions become proposed account identifiers.
``messageCount`` is reconciled with the messages found. Discord's own data package
(only the account holder's messages) is read by ``discord_package``.

DiscordChatExporter writes its JSON with .NET's Utf8JsonWriter, indented (two spaces per
level, CRLF on Windows): that layout is read in blocks with flat memory (see
:mod:`jsonstream`), so a channel of millions of messages never sits in memory whole;
any other layout (re-saved, minified) is parsed whole, with a finding that says so.
The events are lazy in both cases.

Attachments: every attachment keeps its ``url`` (or ``fileName``) as a detail. Without
``--media`` the url is Discord's CDN (``https://cdn.discordapp.com/…``): it is never
fetched. With ``--media`` DiscordChatExporter downloads the files into a folder next to
the JSON (by default ``<export file name>_Files/``) and writes each ``url`` as the path
relative to the JSON's folder (with the platform's separators; an absolute path when
the media folder lies outside it). Those relative paths are read from disk, only inside
the JSON's own (real) folder, and sealed as attachments of the conversation, with their
sha256 on the event (see :mod:`localfiles` for the rules and caps); absolute paths are
refused with a finding, a file that is not there is a finding. The avatars of authors and
mentioned people (``avatarUrl``: profile data the complaint asks for) are read the same
way, each file once; the sealed JSON tells whose it is. Emoji and embed images that
``--media`` also downloads are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source, open_original
from spoorvast.importers.chat.discord import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.importers.chat.shared.accounting import DuplicateIds, Tally
from spoorvast.importers.chat.shared.jsonload import (
    JsonObject,
    arr,
    get_str,
    integer,
    load_json,
    obj,
    pointer,
    scalar,
    without_surrogates,
)
from spoorvast.importers.chat.shared.jsonskeleton import OBJECT, Skeleton
from spoorvast.importers.chat.shared.jsonstream import (
    BLOCK,
    DISCORD_CHAT_EXPORTER,
    Opener,
    Splitter,
    not_an_export,
    streamed_or_whole,
)
from spoorvast.importers.chat.shared.localfiles import (
    AttachmentReport,
    LocalFiles,
    Resolver,
    real_folder,
)
from spoorvast.importers.chat.shared.participants import Participants, account
from spoorvast.importers.chat.shared.textfile import quiet_gc
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
    resolve: Resolver | None = None  # files named by a relative path, next to the JSON
    _avatars: set[str] = field(default_factory=set)  # avatarUrl values already read
    ids: DuplicateIds = field(init=False)

    def __post_init__(self) -> None:
        self.ids = DuplicateIds(self.sha256)

    def message(self, record: JsonObject | None, where: Location) -> Event | None:
        """The record's event; None (and a finding) when it has no readable time."""
        self.tally.read += 1
        moment = None if record is None else iso_instant(get_str(record, "timestamp"))
        if record is None or moment is None:
            self.tally.unreadable(where, where.field or "", N_("no timestamp with offset"))
            return None
        kind = self._kind(record)
        details = self._details(record, moment)
        self.ids.note(details[0][1], where)
        author = obj(record.get("author"))
        actor = None if author is None else self._person(author, where, "author")
        for index, mention in enumerate(arr(record.get("mentions"))):
            if (person := obj(mention)) is not None:
                self._person(person, where, f"mentions/{index}")
        sealed = self._attachments(record, where, details)
        text = without_surrogates(get_str(record, "content") or "")[0]
        self.tally.events += 1
        self.tally.system += kind == "system"
        return Event(None, self.case_id, None, kind, moment, text, location=where,
                     actor=actor, attachments=sealed, details=tuple(details))

    def records(self, records: list[object], start: int) -> Iterator[Event]:
        """The events of ``/messages/start`` and the records after it."""
        for index, record in enumerate(records, start):
            event = self.message(obj(record), Location(self.sha256,
                                                       field=pointer("messages", index)))
            if event is not None:
                yield event

    def _attachments(self, record: JsonObject, where: Location,
                     details: list[tuple[str, str]]) -> tuple[str, ...]:
        """Each attachment's url (or file name) as a detail; the sha256 of the files
        found next to the JSON."""
        found: list[str] = []
        for index, value in enumerate(arr(record.get("attachments"))):
            item = obj(value) or {}
            url = get_str(item, "url")
            named = url or get_str(item, "fileName")
            if named:
                details.append(("attachment", named))
            if url and self.resolve is not None:
                at = Location(where.artifact_sha256, field=f"{where.field}/attachments/{index}")
                sha = self.resolve(url, at)
                found += [sha] if sha is not None and sha not in found else []
        return tuple(found)

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

    def _person(self, person: JsonObject, where: Location, path: str) -> str | None:
        stable = scalar(person.get("id"))
        if not stable:
            return None
        avatar = get_str(person, "avatarUrl")
        if avatar and self.resolve is not None and avatar not in self._avatars:
            self._avatars.add(avatar)  # a CDN url is left alone by the resolver
            self.resolve(avatar, Location(where.artifact_sha256,
                                          field=f"{where.field}/{path}/avatarUrl"))
        handle = get_str(person, "name") or ""
        return self.participants.note(account(PLATFORM, stable, handle), where)


class DiscordExporterImporter:
    name = NAME
    priority = 50

    def __init__(self, whole: bool = False, block: int = BLOCK) -> None:
        self.whole = whole  # read every document whole (the fallback path; for tests)
        self.block = block  # bytes read at a time by the streamed path

    def detect(self, source: Source) -> bool:
        return looks_like_dce(source.head)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        sha = source.original.sha256
        folder = real_folder(source.path)
        files = LocalFiles(context, sha, AttachmentReport(sha))
        parser = DiscordParser(context.case_id, sha, Tally(sha), Participants(context.case_id),
                               lambda url, where: files.resolve_in(folder, url, where))
        draft = ItemDraft(kind=ItemKind.CONVERSATION, title=source.name, importer=NAME,
                          artifacts=[source.original],
                          file=file_facts(source, context.case_zone))
        draft.events = self._events(draft, parser, lambda: open_original(context, source),
                                    files)
        yield draft

    def _events(self, draft: ItemDraft, parser: DiscordParser, opener: Opener,
                files: LocalFiles) -> Iterator[Event]:
        """The events, read as they are stored; the draft is completed at the end."""
        problems: list[Problem] = []
        with quiet_gc():
            if self.whole:
                yield from _whole(parser, opener, problems)
            else:
                splitter = yield from streamed_or_whole(
                    opener, parser.sha256, DISCORD_CHAT_EXPORTER, self.block, problems,
                    lambda splitter: _batches(parser, splitter),
                    lambda: _whole(parser, opener, problems))
                if splitter is not None:
                    problems.extend(_shape(splitter.skeleton, splitter.read, parser.sha256))
        draft.problems.extend([*problems, *files.report.finish(), *parser.ids.finish(),
                               *parser.tally.finish()])
        draft.artifacts.extend(files.artifacts())
        draft.identifiers.extend(parser.participants.identifiers())


def _batches(parser: DiscordParser, splitter: Splitter) -> Iterator[Event]:
    for batch in splitter.batches():
        yield from parser.records(batch.records, batch.start)


def _whole(parser: DiscordParser, opener: Opener, problems: list[Problem]) -> Iterator[Event]:
    """The whole document parsed at once (any layout; a truncated one is repaired)."""
    with opener() as reader:
        loaded = load_json(reader.read(), parser.sha256)
    problems.extend(loaded.problems)
    root = obj(loaded.value)
    records = arr(None if root is None else root.get("messages"))
    yield from parser.records(records, 0)
    problems.extend(_count(root, len(records), parser.sha256))


def _shape(skeleton: Skeleton, found: int, sha256: str) -> list[Problem]:
    """The shape of a document read in blocks: a root object with ``messages``, whose
    ``messageCount`` is reconciled."""
    if skeleton.root != OBJECT:
        return _count(None, found, sha256)
    if "messages" not in skeleton.keys:
        return _count({}, found, sha256)
    return _count({"messages": None, "messageCount": skeleton.value("messageCount")},
                  found, sha256)


def _count(root: JsonObject | None, found: int, sha: str) -> list[Problem]:
    """A root object with ``messages``, whose ``messageCount`` is the number found."""
    if root is None:
        return [not_an_export(sha, "DiscordChatExporter", N_("no JSON object"))]
    if "messages" not in root:
        return [not_an_export(sha, "DiscordChatExporter", N_("no messages"))]
    declared = integer(root.get("messageCount"))
    if declared is None or declared == found:
        return []
    return [Problem(Severity.WARNING, "chat.count-mismatch",
                    (("expected", str(declared)), ("found", str(found))), Location(sha))]


def register(registry: Registry) -> None:
    registry.register(DiscordExporterImporter())
