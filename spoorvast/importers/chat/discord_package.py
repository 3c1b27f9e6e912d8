"""Discord's own data package: ``messages/c<channel id>/messages.csv`` (older packages)
or ``messages.json`` (newer ones).

It holds only the account holder's own messages, never the other side: the item says
so in a finding. Events have no actor (the holder); ``Timestamp`` with an offset is
EXPLICIT, without one it is read as UTC (as Discord writes it) and reported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.chat.common import Tally, without_surrogates
from spoorvast.importers.chat.discord import iso_instant
from spoorvast.importers.chat.jsonload import arr, load_json, obj, pointer, scalar
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.instant import Instant, OffsetSource, Precision, from_aware
from spoorvast.model.records import Event, ItemKind, Location, Problem, Severity

NAME = "discord-package"
COLUMNS = ("ID", "Timestamp", "Contents", "Attachments")
_CSV_HEAD = re.compile(rb"^(?:\xef\xbb\xbf)?ID,Timestamp,Contents,Attachments\r?\n")
_JSON_HEAD = re.compile(rb'^(?:\xef\xbb\xbf)?\s*\[\s*(?:\]|\{\s*"ID":)')


def looks_like_package(head: bytes) -> bool:
    return bool(_CSV_HEAD.match(head) or _JSON_HEAD.match(head))


@dataclass
class Rows:
    case_id: int
    sha256: str
    tally: Tally
    events: list[Event] = field(default_factory=list)
    utc_assumed: int = 0

    def add(self, values: dict[str, str | None], where: Location) -> None:
        self.tally.read += 1
        moment = self._instant(values.get("Timestamp"))
        if moment is None:
            self.tally.unreadable(where, where.field or f"line {where.line}", N_("no timestamp"))
            return
        details = [("message_id", values.get("ID") or ""), ("own", "1")]
        details += [("attachment", a) for a in (values.get("Attachments") or "").split()]
        text = without_surrogates(values.get("Contents") or "")[0]
        self.tally.events += 1
        self.events.append(Event(None, self.case_id, None, "message", moment, text,
                                 location=where, details=tuple(details)))

    def _instant(self, text: str | None) -> Instant | None:
        found = iso_instant(text)
        if found is not None or not text:
            return found
        try:
            wall = datetime.fromisoformat(text)
        except ValueError:
            return None
        self.utc_assumed += 1
        precision = Precision.MILLISECOND if wall.microsecond else Precision.SECOND
        return from_aware(wall.replace(tzinfo=UTC), OffsetSource.ASSUMED_ZONE, precision,
                          raw=text, zone_name="UTC")


def read_csv(data: bytes, rows: Rows) -> None:
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    line = 2
    for record in reader:
        where = Location(rows.sha256, line=line)
        line = reader.line_num + 1
        if len(record) != len(COLUMNS):
            rows.tally.read += 1
            rows.tally.unreadable(where, f"line {where.line}", N_("not 4 columns"))
            continue
        rows.add(dict(zip(COLUMNS, record, strict=True)), where)


def read_json(data: bytes, rows: Rows) -> list[Problem]:
    loaded = load_json(data, rows.sha256)
    for index, record in enumerate(arr(loaded.value)):
        values = obj(record)
        where = Location(rows.sha256, field=pointer(index))
        if values is None:
            rows.tally.read += 1
            rows.tally.unreadable(where, where.field or "", N_("not an object"))
            continue
        rows.add({k: scalar(values.get(k)) for k in COLUMNS}, where)
    return loaded.problems


class DiscordPackageImporter:
    name = NAME
    priority = 50

    def detect(self, source: Source) -> bool:
        return looks_like_package(source.head)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        sha = source.original.sha256
        rows = Rows(context.case_id, sha, Tally(sha))
        data = source.path.read_bytes()
        problems = []
        if _CSV_HEAD.match(source.head):
            read_csv(data, rows)
        else:
            problems = read_json(data, rows)
        problems.append(Problem(Severity.WARNING, "chat.own-messages-only", (), Location(sha)))
        if rows.utc_assumed:
            problems.append(Problem(Severity.INFO, "chat.utc-assumed", (), Location(sha)))
        problems.extend(rows.tally.finish())
        yield ItemDraft(kind=ItemKind.CONVERSATION, title=source.name, importer=NAME,
                        artifacts=[source.original], file=file_facts(source, context.case_zone),
                        problems=problems, events=rows.events)


def register(registry: Registry) -> None:
    registry.register(DiscordPackageImporter())
