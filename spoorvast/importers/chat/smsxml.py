"""Android "SMS Backup & Restore" XML: ``sms-*.xml`` (``<smses>`` with ``<sms>`` and
``<mms>``) and ``calls-*.xml`` (``<calls>`` with ``<call>``).

Read as a stream with defusedxml's ``iterparse`` (a DTD, entities and external
references are refused: a billion-laughs or XXE file is not read, and says so); each
record is cleared once turned into an event, so memory does not grow with the XML.
Each record's location is its element index (``/smses/*[17]``); the root ``count`` is
reconciled with the records found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml.ElementTree import iterparse

from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.chat import codes2 as _codes2  # noqa: F401  (registers codes)
from spoorvast.importers.chat.common import Participants, Tally, zone_country
from spoorvast.importers.chat.smsxml_records import OffsetHints, RecordReader
from spoorvast.importers.chat.textfile import quiet_gc
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

NAME = "sms-backup-restore"
ROOTS = {"smses": ItemKind.CONVERSATION, "calls": ItemKind.CALL_LOG}
RECORDS = {"smses": ("sms", "mms"), "calls": ("call",)}
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
        sha = source.original.sha256
        sealed = []

        def seal(data: bytes, name: str, media_type: str) -> str:
            artifact = context.seal(data, ArtifactRole.ATTACHMENT, name, media_type, sha)
            sealed.append(artifact)
            return artifact.sha256

        participants = Participants(context.case_id)
        reader = RecordReader(context.case_id, sha, context.case_zone,
                              zone_country(context.case_zone), seal, participants,
                              OffsetHints(context.case_zone))
        walk = Walk(reader, Tally(sha))
        with quiet_gc():
            events, problems = stream(source, walk)
        yield ItemDraft(kind=ROOTS.get(walk.root, ItemKind.CONVERSATION), title=source.name,
                        importer=NAME, artifacts=[source.original, *sealed],
                        file=file_facts(source, context.case_zone), problems=problems,
                        events=events, identifiers=participants.identifiers())


def stream(source: Source, walk: Walk) -> tuple[list[Event], list[Problem]]:
    sha = source.original.sha256
    events: list[Event] = []
    problems: list[Problem] = []
    try:
        events.extend(_records(source, walk))
    except defusedxml.DefusedXmlException as exc:
        problems.append(Problem(Severity.ERROR, "chat.xml-refused",
                                (("reason", type(exc).__name__),), Location(sha)))
    except ParseError as exc:
        line, column = exc.position
        problems.append(Problem(Severity.ERROR, "chat.xml-invalid",
                                (("line", str(line)), ("column", str(column))),
                                Location(sha, line=line)))
    problems.extend(walk.reader.problems)
    problems.extend(_count_problem(walk, sha))
    problems.extend(walk.reader.hints.problem(sha))
    problems.extend(walk.tally.finish())
    return events, problems


def _records(source: Source, walk: Walk) -> Iterator[Event]:
    depth, root = 0, None
    parse = iterparse(str(source.path), events=("start", "end"), forbid_dtd=True)
    for kind, element in parse:
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
        reason = "no valid date" if known else f"unknown element <{element.tag[:40]}>"
        walk.tally.unreadable(where, where.field or "", reason)
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
