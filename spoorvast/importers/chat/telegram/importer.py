"""Telegram Desktop "Export chat history" / "Export Telegram data" (JSON).

A single chat is ``result.json`` with ``messages``; a full export has ``chats.list``
(and ``left_chats.list``), each chat with its ``messages``, and ``personal_information``
(the account holder). The export folder may also come as a zip: ``result.json`` inside
it is sealed as its own artifact and the photos and files messages name are resolved
against the archive. Each export is one item; each message one event whose location is
a JSON pointer (``/chats/list/3/messages/17``) into the sealed JSON.

The export is read in blocks with flat memory (see :mod:`jsonstream`: Telegram
Desktop's one-space layout lets the message arrays be cut at element boundaries by
their lines); a document in another layout (minified, re-indented) is parsed whole,
with a finding that says so. The events are lazy in both cases.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source, open_original
from spoorvast.importers.chat.shared.archive import ZipFiles, open_files, unread_archive, zip_names
from spoorvast.importers.chat.shared.jsonload import (
    JsonObject,
    Loaded,
    arr,
    get_str,
    integer,
    load_json,
    obj,
    pointer,
)
from spoorvast.importers.chat.shared.jsonskeleton import OBJECT, Skeleton
from spoorvast.importers.chat.shared.jsonstream import (
    BLOCK,
    CHAT_LISTS,
    TELEGRAM,
    Opener,
    Splitter,
    not_an_export,
    streamed_or_whole,
)
from spoorvast.importers.chat.shared.localfiles import AttachmentReport, LocalFiles, real_folder
from spoorvast.importers.chat.shared.participants import Actor, Participants, account
from spoorvast.importers.chat.shared.phones import e164, zone_country
from spoorvast.importers.chat.shared.textfile import quiet_gc
from spoorvast.importers.chat.telegram import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.importers.chat.telegram.entities import PLATFORM
from spoorvast.importers.chat.telegram.parse import (
    TelegramParser,
    chat_context,
    surrogate_problem,
)
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.conversation import actor_key
from spoorvast.model.message_run import MessageRun
from spoorvast.model.records import (
    Artifact,
    Event,
    IdentifierKind,
    ItemKind,
    Location,
    Problem,
    Severity,
)

NAME = "telegram"
_SINGLE = re.compile(rb'^\s*\{\s*"name":.{0,2000}?"type":\s*"[a-z_]+",\s*"id":\s*-?\d+,'
                     rb'\s*"messages":\s*\[', re.DOTALL)
_FULL = re.compile(rb'^\s*\{\s*"about":\s*"[^"]*Telegram', re.DOTALL)
_FIELDS = (b'"date_unixtime"', b'"from_id"', b'"text_entities"')


def looks_like_telegram(head: bytes) -> bool:
    head = head.removeprefix(b"\xef\xbb\xbf")
    if _FULL.match(head):
        return True
    return bool(_SINGLE.match(head)) and (b'"messages": []' in head or any(
        f in head for f in _FIELDS))


def result_entry(names: list[str]) -> str | None:
    found = sorted((n for n in names if n.rsplit("/", 1)[-1] == "result.json"),
                   key=lambda n: (n.count("/"), n))
    return found[0] if found else None


class TelegramImporter:
    name = NAME
    priority = 50

    def __init__(self, whole: bool = False, block: int = BLOCK) -> None:
        self.whole = whole  # read every document whole (the fallback path; for tests)
        self.block = block  # bytes read at a time by the streamed path

    def detect(self, source: Source) -> bool:
        names = zip_names(source)
        if names is not None:
            return result_entry(names) is not None
        return looks_like_telegram(source.head)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        files = open_files(context, source)
        found = self._document(context, source, files)
        if found is None:  # result.json broke a cap (zip bomb) or is unreadable
            assert files.archive is not None
            yield unread_archive(context, source, files.archive, NAME)
            return
        opener, document, base = found
        local = None if files.archive is not None else LocalFiles(
            context, source.original.sha256, AttachmentReport(source.original.sha256))
        parser = TelegramParser(context.case_id, document.sha256, context.case_zone,
                                zone_country(context.case_zone),
                                _resolver(files, base, local, source), archive=True,
                                reports_missing=local is None)
        draft = ItemDraft(kind=ItemKind.CONVERSATION, title=source.name, importer=NAME,
                          artifacts=[source.original, *files.sealed.values()],
                          file=file_facts(source, context.case_zone))
        draft.events = self._events(draft, parser, opener, files, local)
        yield draft

    def _document(self, context: ImportContext, source: Source,
                  files: ZipFiles) -> tuple[Opener, Artifact, str] | None:
        """How to open the JSON, its sealed artifact, and its folder in the archive; None
        when the archive's result.json cannot be read (its findings say why)."""
        if files.archive is None:
            return (lambda: open_original(context, source)), source.original, ""
        entry = result_entry(sorted(files.names))
        if entry is None:  # detect found one in the same bytes
            raise ValueError("no result.json in the archive")
        found = files.seal(entry, media_type="application/json")
        if found is None:
            return None
        if context.open_sealed is None:  # no vault (unit tests): read it from the archive
            data = files.archive.read(entry) if files.archive else None
            return (lambda: io.BytesIO(data or b"")), found, entry[: -len("result.json")]
        sealed_open = context.open_sealed
        return (lambda: sealed_open(found.sha256)), found, entry[: -len("result.json")]

    def _events(self, draft: ItemDraft, parser: TelegramParser, opener: Opener,
                files: ZipFiles, local: LocalFiles | None) -> Iterator[Event | MessageRun]:
        """The events, read as they are stored; the draft is completed at the end."""
        problems: list[Problem] = []
        with quiet_gc():
            if self.whole:
                yield from whole(parser, opener, problems)
            else:
                yield from streamed(parser, opener, problems, self.block)
        if files.archive is not None:
            problems[:0] = files.archive.problems
        problems.extend(parser.problems)
        problems.extend(surrogate_problem(parser.surrogates, parser.sha256))
        problems.extend(_zone_problems(parser, parser.sha256))
        problems.extend(parser.tally.finish())
        if local is not None:
            problems.extend(local.report.finish())
        draft.problems.extend(problems)
        listed = {a.sha256 for a in draft.artifacts}
        found = [*files.sealed.values(), *(local.artifacts() if local else [])]
        draft.artifacts.extend(a for a in found if a.sha256 not in listed)
        draft.identifiers.extend(parser.participants.identifiers())


def _resolver(files: ZipFiles, base: str, local: LocalFiles | None,
              source: Source) -> Callable[[str, Location], str | None]:
    """Media named by a message: entries of the zip, or (Telegram Desktop's usual export,
    a folder) files next to ``result.json``, read only from inside that folder."""
    if local is None:
        return lambda path, where: files.resolve(path, base)
    folder = real_folder(source.path)
    return lambda path, where: local.resolve_in(folder, path, where)


def streamed(parser: TelegramParser, opener: Opener, problems: list[Problem],
             block: int = BLOCK) -> Iterator[Event | MessageRun]:
    """The document in blocks; read whole (and said so) when its layout is not
    Telegram Desktop's."""
    splitter = yield from streamed_or_whole(
        opener, parser.sha256, TELEGRAM, block, problems,
        lambda splitter: _batches(parser, splitter), lambda: whole(parser, opener, problems))
    if splitter is not None:
        problems.extend(_structure(splitter.skeleton, parser, parser.sha256))


def _batches(parser: TelegramParser, splitter: Splitter) -> Iterator[Event | MessageRun]:
    holder_read = False
    for batch in splitter.batches():
        if batch.path and not holder_read:
            holder_read = True
            parser.holder = _holder(splitter.skeleton.value("personal_information"),
                                    parser.participants, parser.sha256)
        yield from parser.messages(batch.records, batch.path, batch.start,
                                   chat_context(batch.header), batch.orjson_read)
    if not holder_read and "messages" not in splitter.skeleton.keys:
        parser.holder = _holder(splitter.skeleton.value("personal_information"),
                                parser.participants, parser.sha256)
    if "messages" not in splitter.skeleton.keys:  # a full export: its chat lists
        _count_non_chats(parser, {key: splitter.skeleton.value(key) for key in CHAT_LISTS})


def _structure(skeleton: Skeleton, parser: TelegramParser, sha256: str) -> list[Problem]:
    if skeleton.root != OBJECT:
        return [_not_export(sha256, N_("no JSON object"))]
    if "messages" not in skeleton.keys and not skeleton.lists & set(CHAT_LISTS):
        return [_not_export(sha256, N_("no messages or chats"))]
    return []


def whole(parser: TelegramParser, opener: Opener,
          problems: list[Problem]) -> Iterator[Event | MessageRun]:
    """The whole document parsed at once (any layout; a truncated one is repaired)."""
    with opener() as reader:
        loaded = load_json(reader.read(), parser.sha256)
    problems.extend(loaded.problems)
    yield from walk(parser, loaded, parser.sha256, problems)


def walk(parser: TelegramParser, loaded: Loaded, sha256: str,
         problems: list[Problem]) -> Iterator[Event | MessageRun]:
    """Every chat of a parsed document through the parser."""
    root = obj(loaded.value)
    if root is None:
        problems.append(_not_export(sha256, N_("no JSON object")))
        return
    if "messages" in root:
        yield from parser.chat(root, ())
        return
    parser.holder = _holder(root.get("personal_information"), parser.participants, sha256)
    lists = _chat_lists(root)
    if not lists:
        problems.append(_not_export(sha256, N_("no messages or chats")))
    for key, chats in lists:
        for index, chat in enumerate(chats):
            record = obj(chat)
            if record is not None:
                yield from parser.chat(record, (key, "list", index))
    _count_non_chats(parser, root)


def _count_non_chats(parser: TelegramParser, root: JsonObject) -> None:
    """An entry of ``chats.list`` that is no chat (not a JSON object: a hand-edited or
    damaged export) is said, with its place, on both reading paths — never skipped
    without a word."""
    for key, chats in _chat_lists(root):
        for index, chat in enumerate(chats):
            if obj(chat) is None:
                where = Location(parser.sha256, field=pointer(key, "list", index))
                parser.tally.read += 1  # a record read, and not a chat: the count closes
                parser.tally.unreadable(where, where.field or "", N_("not a chat"))


def _chat_lists(root: JsonObject) -> list[tuple[str, list[object]]]:
    """``chats.list`` and ``left_chats.list`` of a full export (those present)."""
    found = []
    for key in ("chats", "left_chats"):
        section = obj(root.get(key))
        if section is not None and isinstance(section.get("list"), list):
            found.append((key, arr(section.get("list"))))
    return found


def _holder(value: object, participants: Participants, sha256: str) -> str | None:
    """The account holder (``personal_information``) as proposed identifiers."""
    info = obj(value)
    user = None if info is None else integer(info.get("user_id"))
    if info is None or user is None:
        return None
    where = Location(sha256, field="/personal_information")
    name = " ".join(filter(None, (get_str(info, "first_name"), get_str(info, "last_name"))))
    holder = f"user{user}"
    participants.note(account(PLATFORM, holder, get_str(info, "username") or name), where)
    phone = e164(get_str(info, "phone_number") or "", None)
    if phone is not None:
        participants.note(Actor(actor_key("phone", phone, PLATFORM, None),
                                IdentifierKind.PHONE, phone, PLATFORM), where)
    return holder


def _zone_problems(parser: TelegramParser, sha256: str) -> list[Problem]:
    if not parser.without_epoch:
        return []
    return [Problem(Severity.WARNING, "chat.times-without-epoch",
                    (("count", str(parser.without_epoch)), ("zone", parser.zone_name)),
                    Location(artifact_sha256=sha256))]


def _not_export(sha256: str, reason: str) -> Problem:
    return not_an_export(sha256, "Telegram", reason)


def register(registry: Registry) -> None:
    registry.register(TelegramImporter())
