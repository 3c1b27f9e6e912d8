"""Android "SMS Backup & Restore" XML: ``sms-*.xml`` (``<smses>`` with ``<sms>`` and
``<mms>``) and ``calls-*.xml`` (``<calls>`` with ``<call>``).

Read as a stream with defusedxml's ``iterparse`` (a DTD, entities and external
references are refused: a billion-laughs or XXE file is not read, and says so); each
record is cleared once turned into an event, so memory does not grow with the XML.
Each record's location is its element index (``/smses/*[17]``); the root ``count`` is
reconciled with the records found. The events are lazy: a 1 GB backup of MMS with
base64 parts is read from the sealed original while it is stored, each attachment
sealed as its record is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml.ElementTree import iterparse

from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source, open_original
from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.participants import Participants
from spoorvast.importers.chat.shared.phones import zone_country
from spoorvast.importers.chat.shared.textfile import quiet_gc
from spoorvast.importers.chat.sms import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.importers.chat.sms.records import OffsetHints, RecordReader
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.records import (
    ArtifactRole,
    Event,
    ItemKind,
    Location,
    Problem,
    Severity,
)
from spoorvast.units import human_size

NAME = "sms-backup-restore"
ROOTS = {"smses": ItemKind.CONVERSATION, "calls": ItemKind.CALL_LOG}
RECORDS = {"smses": ("sms", "mms"), "calls": ("call",)}
MAX_TOKEN = 32 << 20  # bytes of one tag (with its attributes) or text (see _Feed)
FIRST_READ = 64 << 10
_ROOT = re.compile(rb"<(smses|calls)\s[^>]*\bcount=\"\d+\"")


def looks_like_backup(head: bytes) -> bool:
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return stripped.startswith(b"<") and _ROOT.search(head) is not None


@dataclass
class Walk:
    reader: RecordReader
    tally: Tally
    root: str = ""
    declared: int | None = None
    records: int = 0


class SmsBackupImporter:
    name = NAME
    priority = 50

    def detect(self, source: Source) -> bool:
        return looks_like_backup(source.head)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        found = _ROOT.search(source.head)
        kind = ROOTS[found.group(1).decode()] if found else ItemKind.CONVERSATION
        draft = ItemDraft(kind=kind, title=source.name, importer=NAME,
                          artifacts=[source.original],
                          file=file_facts(source, context.case_zone))
        draft.events = _events(context, source, draft)
        yield draft


def _events(context: ImportContext, source: Source, draft: ItemDraft) -> Iterator[Event]:
    """The records as events, parsed as they are stored; attachments are sealed as they
    come, and the draft's findings and identifiers are completed at the end."""
    sha = source.original.sha256

    def seal(data: bytes, name: str, media_type: str) -> str:
        artifact = context.seal(data, ArtifactRole.ATTACHMENT, name, media_type, sha)
        draft.artifacts.append(artifact)
        return artifact.sha256

    participants = Participants(context.case_id)
    reader = RecordReader(context.case_id, sha, context.case_zone,
                          zone_country(context.case_zone), seal, participants,
                          OffsetHints(context.case_zone))
    walk = Walk(reader, Tally(sha))
    with open_original(context, source) as handle, quiet_gc():
        yield from stream(handle, walk, draft.problems)
    draft.identifiers.extend(participants.identifiers())


def stream(handle: BinaryIO, walk: Walk, problems: list[Problem]) -> Iterator[Event]:
    """The events of one backup; its findings (XML refused or broken, count, offsets,
    accounting) are appended to ``problems`` once the events are exhausted."""
    sha = walk.reader.sha256
    try:
        yield from _records(handle, walk)
    except defusedxml.DefusedXmlException as exc:
        problems.append(Problem(Severity.ERROR, "chat.xml-refused",
                                (("reason", type(exc).__name__),), Location(sha)))
    except TokenTooLong as exc:
        problems.append(Problem(Severity.ERROR, "chat.xml-token-too-long",
                                (("offset", str(exc.offset)),
                                 ("limit", human_size(MAX_TOKEN))),
                                Location(sha, byte_start=exc.offset)))
    except ParseError as exc:
        line, column = exc.position
        problems.append(Problem(Severity.ERROR, "chat.xml-invalid",
                                (("line", str(line)), ("column", str(column))),
                                Location(sha, line=line)))
    problems.extend(walk.reader.problems)
    problems.extend(_count_problem(walk, sha))
    problems.extend(walk.reader.hints.problem(sha))
    problems.extend(walk.tally.finish())


class TokenTooLong(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class _Feed:
    """The bytes ``iterparse`` reads, in reads that double while no event comes out.

    The expat in use (2.5) parses a tag or text again from its start at each read that
    does not complete it, so one 200 MB attribute read 16 KB at a time took longer than
    600 s. Doubling the read while nothing is parsed makes the total work linear in the
    token's size; past MAX_TOKEN bytes without an event the read stops (an MMS part of a
    real backup is a few MB of base64; expat itself slows more than linearly past that:
    16 MB 0.5 s, 32 MB 1.6 s, 64 MB 8.8 s in one token, here)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.size, self.quiet, self.offset = handle, FIRST_READ, 0, 0

    def read(self, _wanted: int = -1) -> bytes:
        if self.quiet > MAX_TOKEN:
            raise TokenTooLong(self.offset - self.quiet)
        data = self.handle.read(self.size)
        self.offset += len(data)
        self.quiet += len(data)
        self.size = min(2 * self.size, MAX_TOKEN)
        return data

    def parsed(self) -> None:
        self.size, self.quiet = FIRST_READ, 0


def _records(handle: BinaryIO, walk: Walk) -> Iterator[Event]:
    depth, root = 0, None
    feed = _Feed(handle)
    parse = iterparse(feed, events=("start", "end"), forbid_dtd=True)
    for kind, element in parse:
        feed.parsed()
        if kind == "start":
            depth += 1
            if depth == 1:
                root = _start_root(walk, element)
            continue
        depth -= 1
        if depth == 1 and root is not None:
            found = _record(walk, element)
            root.clear()
            if found is not None:
                yield found


def _start_root(walk: Walk, element: Element) -> Element:
    walk.root = element.tag
    count = element.get("count", "")
    walk.declared = int(count) if count.isdigit() else None
    return element


def _record(walk: Walk, element: Element) -> Event | None:
    walk.records += 1
    walk.tally.read += 1
    index = walk.records
    where = Location(walk.reader.sha256, field=f"/{walk.root}/*[{index}]")
    known = element.tag in RECORDS.get(walk.root, ())
    event = walk.reader.event(element, where) if known else None
    if event is None:
        label = where.field or ""
        if not known:
            label = f"{label} <{element.tag[:40]}>"
        walk.tally.unreadable(where, label, N_("no valid date") if known
                              else N_("unknown element"))
        return None
    walk.tally.events += 1
    return event


def _count_problem(walk: Walk, sha: str) -> list[Problem]:
    if walk.declared is None or walk.declared == walk.records:
        return []
    return [Problem(Severity.WARNING, "chat.count-mismatch",
                    (("expected", str(walk.declared)), ("found", str(walk.records))),
                    Location(sha))]


def register(registry: Registry) -> None:
    registry.register(SmsBackupImporter())
