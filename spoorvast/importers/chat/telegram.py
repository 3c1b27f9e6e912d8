"""Telegram Desktop "Export chat history" / "Export Telegram data" (JSON).

A single chat is ``result.json`` with ``messages``; a full export has ``chats.list``
(and ``left_chats.list``), each chat with its ``messages``, and ``personal_information``
(the account holder). The export folder may also come as a zip: ``result.json`` inside
it is sealed as its own artifact and the photos and files messages name are resolved
against the archive. Each export is one item; each message one event whose location is
a JSON pointer (``/chats/list/3/messages/17``) into the sealed JSON.

The whole document is parsed in memory (orjson: a 60 MB, 200,000-message export takes
about 1 GB peak; measured in benchmarks/chat.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.chat.archive import ZipFiles, open_files, zip_names
from spoorvast.importers.chat.common import (
    Actor,
    Participants,
    account,
    e164,
    zone_country,
)
from spoorvast.importers.chat.jsonload import (
    JsonObject,
    Loaded,
    arr,
    get_str,
    integer,
    load_json,
    obj,
)
from spoorvast.importers.chat.telegram_parse import (
    PLATFORM,
    TelegramParser,
    surrogate_problem,
)
from spoorvast.importers.chat.textfile import quiet_gc
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.conversation import actor_key
from spoorvast.model.records import (
    Artifact,
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

    def detect(self, source: Source) -> bool:
        names = zip_names(source)
        if names is not None:
            return result_entry(names) is not None
        return looks_like_telegram(source.head)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        files = open_files(context, source)
        loaded, document, base = self._load(source, files)
        parser = TelegramParser(context.case_id, document.sha256, context.case_zone,
                                zone_country(context.case_zone),
                                lambda path: files.resolve(path, base),
                                archive=files.archive is not None)
        with quiet_gc():
            problems = walk(parser, loaded, document.sha256)
        artifacts = [source.original, *files.sealed.values()]
        if files.archive is not None:
            problems[:0] = files.archive.problems
        yield ItemDraft(kind=ItemKind.CONVERSATION, title=source.name, importer=NAME,
                        artifacts=artifacts, file=file_facts(source, context.case_zone),
                        problems=problems, events=parser.events,
                        identifiers=parser.participants.identifiers())

    def _load(self, source: Source, files: ZipFiles) -> tuple[Loaded, Artifact, str]:
        """The parsed document (its bytes are not kept), its artifact and its folder."""
        data, document, base = self._document(source, files)
        return load_json(data, document.sha256), document, base

    def _document(self, source: Source, files: ZipFiles) -> tuple[bytes, Artifact, str]:
        if files.archive is None:
            return source.path.read_bytes(), source.original, ""
        entry = result_entry(sorted(files.names))
        found = None if entry is None else files.read_sealed(entry, "application/json")
        if entry is None or found is None:
            raise ValueError("no readable result.json in the archive")
        return found[0], found[1], entry[: -len("result.json")]


def walk(parser: TelegramParser, loaded: Loaded, sha256: str) -> list[Problem]:
    """Every chat of the document through the parser; the findings, counts last."""
    root = obj(loaded.value)
    problems = list(loaded.problems)
    if root is None:
        problems.append(_not_export(sha256, "no JSON object"))
    elif "messages" in root:
        parser.chat(root, ())
    else:
        parser.holder = _holder(root, parser.participants, sha256)
        lists = _chat_lists(root)
        for key, chats in lists:
            for index, chat in enumerate(chats):
                record = obj(chat)
                if record is not None:
                    parser.chat(record, (key, "list", index))
        if not lists:
            problems.append(_not_export(sha256, "no messages or chats"))
    problems.extend(parser.problems)
    problems.extend(surrogate_problem(parser.surrogates, sha256))
    problems.extend(_zone_problems(parser, sha256))
    problems.extend(parser.tally.finish())
    return problems


def _chat_lists(root: JsonObject) -> list[tuple[str, list[object]]]:
    """``chats.list`` and ``left_chats.list`` of a full export (those present)."""
    found = []
    for key in ("chats", "left_chats"):
        section = obj(root.get(key))
        if section is not None and isinstance(section.get("list"), list):
            found.append((key, arr(section.get("list"))))
    return found


def _holder(root: JsonObject, participants: Participants, sha256: str) -> str | None:
    """The account holder (``personal_information``) as proposed identifiers."""
    info = obj(root.get("personal_information"))
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
    return Problem(Severity.ERROR, "chat.not-an-export",
                   (("format", "Telegram"), ("reason", reason)),
                   Location(artifact_sha256=sha256))


def register(registry: Registry) -> None:
    registry.register(TelegramImporter())
