"""WhatsApp "Export chat": a .txt, or a .zip with the .txt and the media files.

The chat text inside an archive is sealed as its own artifact, so every event's location
(artifact + line) points at bytes in the vault. Attachments are resolved both ways: a
message naming a file that is not in the archive, and a file in the archive that no
message names, are each reported.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from spoorvast.importers.base import (
    ImportContext,
    ItemDraft,
    Source,
    open_original,
    original_opener,
)
from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.archive import unread_archive
from spoorvast.importers.chat.shared.participants import Participants
from spoorvast.importers.chat.shared.phones import zone_country
from spoorvast.importers.chat.shared.textfile import quiet_gc
from spoorvast.importers.chat.shared.zipsafe import SafeZip, is_zip
from spoorvast.importers.chat.whatsapp import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.importers.chat.whatsapp import markers as tables
from spoorvast.importers.chat.whatsapp.date_survey import date_order
from spoorvast.importers.chat.whatsapp.lines import DateOrder, detect_layout
from spoorvast.importers.chat.whatsapp.parse import ChatResult, WhatsAppParser
from spoorvast.importers.chat.whatsapp.periods import MARKS, country_order, language_order
from spoorvast.importers.chat.whatsapp.shape import Shape, compiled
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.instant import ZoneClock
from spoorvast.model.message_run import MessageRun
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Event,
    ItemKind,
    Location,
    Problem,
    Severity,
)

NAME = "whatsapp"


# what every header holds, in any shape: its time, ``hh:mm`` or ``hh.mm`` (``shape._time``:
# an hour's last digit, marks, the separator, marks, two digits). Random binary data
# almost never does (the probes of ``detect_layout`` cost more than this one search).
_TIME = re.compile(rf"\d[{MARKS}]*[:.][{MARKS}]*\d\d")


def looks_like_chat(head: bytes) -> bool:
    lines = first_lines(head[:8192], 5)  # the first lines are plenty
    return (bool(lines) and _TIME.search("\n".join(lines)) is not None
            and detect_layout(lines) is not None)


def first_lines(head: bytes, count: int) -> list[str]:
    """``head_lines(head, count)`` for a head shorter than HEAD, decoding only the lines
    it returns (the whole head decoded cost 90 % of the detector on binary data: a
    replacement character per invalid byte). The same lines: a newline byte is never
    part of a UTF-8 sequence, so decoding line by line splits as decoding the whole."""
    assert len(head) < HEAD
    found: list[str] = []
    for raw in head.removeprefix(b"\xef\xbb\xbf").split(b"\n"):
        line = raw.decode("utf-8", errors="replace")
        if line.strip():
            found.append(line.rstrip("\r"))
            if len(found) == count:
                break
    return found


def named_like_export(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.lower().endswith(".txt") and (
        base in tables.CHAT_FILE_NAMES or base.casefold().startswith(
            tables.CHAT_FILE_PREFIXES))


def chat_entry(names: list[str]) -> str | None:
    texts = [n for n in names if n.lower().endswith(".txt") and "/" not in n.strip("/")]
    for name in texts:
        base = name.rsplit("/", 1)[-1]
        if base in tables.CHAT_FILE_NAMES or base.casefold().startswith(
                tables.CHAT_FILE_PREFIXES):
            return name
    return texts[0] if len(texts) == 1 else None


@dataclass
class Media:
    """Archive entries other than the chat, sealed on first use."""

    archive: SafeZip | None
    context: ImportContext
    derived_from: str
    by_name: dict[str, str] = field(default_factory=dict)  # base name -> entry name
    sealed: dict[str, Artifact] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)  # sealed before: name -> sha256

    def resolve(self, name: str) -> str | None:
        if name in self.known:
            return self.known[name]
        entry = self.by_name.get(name)
        if entry is None or self.archive is None:
            return None
        if entry not in self.sealed:
            found = self.archive.seal(entry, lambda reader: self.context.seal_from(
                reader, ArtifactRole.ATTACHMENT, name, "application/octet-stream",
                self.derived_from))
            if found is None:
                return None
            self.sealed[entry] = found
        return self.sealed[entry].sha256

    def unreferenced(self, named: set[str]) -> list[Problem]:
        problems = []
        for base, _entry in sorted(self.by_name.items()):
            if base in named:
                continue
            self.resolve(base)
            problems.append(Problem(Severity.INFO, "chat.attachment-unreferenced",
                                    (("name", base),), Location(artifact_sha256=self.derived_from)))
        return problems


class WhatsAppImporter:
    name = NAME
    priority = 50

    def detect(self, source: Source) -> bool:
        if source.head.startswith(b"PK\x03\x04"):
            return self._zip_chat(source) is not None
        return looks_like_chat(source.head) or named_like_export(source.name)

    def _zip_chat(self, source: Source) -> str | None:
        if not is_zip(source.path):
            return None
        try:
            entry = chat_entry(SafeZip(source.path, "").names())
        except (OSError, ValueError):
            return None
        return entry

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        archive, media = None, None
        artifacts = [source.original]
        if source.head.startswith(b"PK\x03\x04"):
            archive = SafeZip(original_opener(context, source), source.original.sha256)
            found = self._chat_from_zip(context, source, archive)
            if found is None:  # the chat text broke a cap (zip bomb) or is unreadable
                yield unread_archive(context, source, archive, NAME)
                return
            opener, chat = found
            artifacts.append(chat)
            media = self._media(context, archive, source)
            with opener() as reader:
                head = reader.read(HEAD)
        else:
            chat, head = source.original, source.head
            opener = lambda: open_original(context, source)  # noqa: E731
        media = media or Media(None, context, source.original.sha256)
        draft = ItemDraft(kind=ItemKind.CONVERSATION, title=source.name, importer=NAME,
                          artifacts=artifacts, file=file_facts(source, context.case_zone))
        layout = detect_layout(head_lines(head))
        if layout is None:  # named like an export, but no line reads as one
            draft.kind, draft.problems = ItemKind.FILE, [_layout_unknown(head, chat.sha256)]
            yield draft
            return
        draft.events = self._events(context, draft, Stream(opener, chat.sha256, layout),
                                    archive, media)
        yield draft

    def _events(self, context: ImportContext, draft: ItemDraft, stream: Stream,
                archive: SafeZip | None, media: Media) -> Iterator[Event | MessageRun]:
        """The events, parsed as they are stored; the draft is completed at the end."""
        country = zone_country(context.case_zone)
        if context.date_order is not None:
            order = DateOrder(context.date_order, "chosen")
        else:
            order = date_order(stream.open, stream.layout, country_order(country),
                               language_order(stream.layout.words))
        result = ChatResult(Tally(stream.sha256), Participants(context.case_id), order,
                            stream.layout.layout)
        parser = WhatsAppParser(context.case_id, stream.sha256,
                                ZoneClock(context.case_zone), country,
                                media.resolve, result, order.order)
        with stream.open() as reader, quiet_gc():
            yield from parser.events(reader, compiled(stream.layout))
        draft.problems.extend(self._problems(context, result, archive, media))
        draft.artifacts.extend(media.sealed.values())
        draft.identifiers.extend(result.participants.identifiers())

    def _chat_from_zip(self, context: ImportContext, source: Source, archive: SafeZip
                       ) -> tuple[Callable[[], BinaryIO], Artifact] | None:
        """The chat text sealed on its own (streamed), and how to read it back; None when
        it breaks the archive's caps or cannot be read (``archive.problems`` say why)."""
        entry = chat_entry(archive.names())
        if entry is None:  # detect found one in the same bytes
            raise ValueError("no chat text in the archive")
        chat = archive.seal(entry, lambda reader: context.seal_from(
            reader, ArtifactRole.ATTACHMENT, entry.rsplit("/", 1)[-1], "text/plain",
            source.original.sha256))
        if chat is None:
            return None
        if context.open_sealed is not None:
            sealed_open, sha = context.open_sealed, chat.sha256
            return (lambda: sealed_open(sha)), chat
        data = archive.read(entry) or b""  # no vault (unit tests of the parser)
        return (lambda: io.BytesIO(data)), chat

    def _media(self, context: ImportContext, archive: SafeZip, source: Source) -> Media:
        chat = chat_entry(archive.names())
        names = {n.rsplit("/", 1)[-1]: n for n in archive.names() if n != chat}
        return Media(archive, context, source.original.sha256, names)

    def _problems(self, context: ImportContext, result: ChatResult,
                  archive: SafeZip | None, media: Media) -> list[Problem]:
        problems = list(result.problems)
        problems.extend(media.unreferenced(result.attachment_names))
        if archive is not None:
            problems.extend(archive.problems)
        problems.extend(_order_problems(result, media.derived_from, context.case_zone))
        if result.other_shape:
            line = result.other_shape_line
            problems.append(Problem(Severity.WARNING, "chat.other-shape", (
                ("count", str(result.other_shape)), ("where", f"line {line}")),
                Location(artifact_sha256=result.tally.sha256, line=line)))
        if result.possible_markers:
            line = result.possible_marker_line
            problems.append(Problem(Severity.WARNING, "chat.possible-marker", (
                ("count", str(result.possible_markers)), ("where", f"line {line}")),
                Location(artifact_sha256=result.tally.sha256, line=line)))
        problems.extend(_truncation(result, bool(media.by_name or media.known),
                                    media.derived_from))
        if result.tally.events:
            problems.append(Problem(Severity.INFO, "chat.zone-assumed",
                                    (("zone", context.case_zone),),
                                    Location(artifact_sha256=media.derived_from)))
        problems.extend(result.tally.finish())
        return problems


@dataclass(frozen=True, slots=True)
class Stream:
    """Where the chat text is read from (twice: the date survey, then the parse)."""

    opener: Callable[[], BinaryIO]
    sha256: str
    layout: Shape

    def open(self) -> BinaryIO:
        return self.opener()


HEAD = 64 * 1024
QUOTED_LINES, QUOTED_CHARS = 3, 120


def head_lines(head: bytes, count: int = 200) -> list[str]:
    """The first complete, non-empty lines of a file's head (for detection)."""
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    lines = text.split("\n")
    if len(head) >= HEAD:
        lines = lines[:-1]  # the last one may be cut
    return [line.rstrip("\r") for line in lines if line.strip()][:count]


def _layout_unknown(head: bytes, sha256: str) -> Problem:
    """The first lines, quoted (shortened), so the user sees what could not be read."""
    quoted = " | ".join(line[:QUOTED_CHARS] for line in head_lines(head, QUOTED_LINES))
    return Problem(Severity.WARNING, "chat.layout-unknown", (("lines", quoted),),
                   Location(artifact_sha256=sha256, line=1))


def read_again(context: ImportContext, title: str, artifacts: list[Artifact]) -> ItemDraft:
    """The draft of an export read again from what its item holds (the chat text sealed
    on its own when the export was a zip, the attachments by name), with
    ``context.date_order``; nothing outside the vault is read."""
    original = next(a for a in artifacts if a.role is ArtifactRole.ORIGINAL)
    parts = [a for a in artifacts if a.role is ArtifactRole.ATTACHMENT]
    chat = next((a for a in parts if a.media_type == "text/plain"
                 and a.derived_from == original.sha256), original)
    media = Media(None, context, original.sha256,
                  known={a.name: a.sha256 for a in parts if a is not chat})
    assert context.open_sealed is not None
    opener = context.open_sealed
    with opener(chat.sha256) as reader:
        layout = detect_layout(head_lines(reader.read(HEAD)))
    draft = ItemDraft(kind=ItemKind.CONVERSATION, title=title, importer=NAME, artifacts=[])
    if layout is None:
        raise ValueError("the sealed chat text has no known layout")
    stream = Stream(lambda: opener(chat.sha256), chat.sha256, layout)
    draft.events = WhatsAppImporter()._events(context, draft, stream, None, media)
    return draft


def _order_problems(result: ChatResult, sha256: str, zone: str) -> list[Problem]:
    order = result.order
    if order is None:
        return []
    shown = {"dmy": "day/month/year", "mdy": "month/day/year", "ymd": "year-month-day"}
    where = Location(artifact_sha256=sha256, line=order.line)
    if order.ambiguous:
        ambiguous = Problem(Severity.WARNING, "chat.date-order-ambiguous",
                            (("order", shown[order.order]),), where)
        if order.rule == "language":
            return [Problem(Severity.INFO, "chat.date-order-language",
                            (("order", shown[order.order]),), where), ambiguous]
        if order.rule != "zone":
            return [ambiguous]
        return [Problem(Severity.INFO, "chat.date-order-zone",
                        (("order", shown[order.order]), ("zone", zone)), where), ambiguous]
    rule = order.rule if order.line is None else f"{order.rule}, line {order.line}"
    return [Problem(Severity.INFO, "chat.date-order",
                    (("order", shown[order.order]), ("rule", rule)), where)]


def _truncation(result: ChatResult, with_media: bool, sha256: str) -> list[Problem]:
    limit = tables.LIMIT_WITH_MEDIA if with_media else tables.LIMIT_WITHOUT_MEDIA
    count = result.tally.events
    if count < limit * 0.95:
        return []
    media = "with media" if with_media else "without media"
    return [Problem(Severity.WARNING, "chat.truncated",
                    (("count", str(count)), ("limit", str(limit)), ("media", media)),
                    Location(artifact_sha256=sha256))]


def register(registry: Registry) -> None:
    registry.register(WhatsAppImporter())
