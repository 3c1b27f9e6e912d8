"""The documented call-log CSV (docs/call-log-csv.md) -> call events.

Columns ``number``, ``datetime``, ``direction`` (required), ``duration_seconds``,
``name``; comma or semicolon, decided by the header line. Times with an offset are
EXPLICIT, without one they are read in the case zone (ASSUMED_ZONE, DST gaps and
overlaps reported). Each row's location is its line number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import BinaryIO

from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source, open_original
from spoorvast.importers.chat.calls import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.participants import Actor, Participants
from spoorvast.importers.chat.shared.phones import e164, zone_country
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.conversation import actor_key
from spoorvast.model.instant import Instant, OffsetSource, Precision, ZoneClock, from_aware
from spoorvast.model.records import (
    Event,
    IdentifierKind,
    ItemKind,
    Location,
    Problem,
    Severity,
)
from spoorvast.units import human_size

NAME = "call-log-csv"
MAX_ROW = 64 << 10  # characters of one line (csv's own field limit is 128 K)
PLATFORM = "phone"
REQUIRED = ("number", "datetime", "direction")
DIRECTIONS = {
    "in": "in", "incoming": "in", "inkomend": "in", "entrant": "in", "eingehend": "in",
    "out": "out", "outgoing": "out", "uitgaand": "out", "sortant": "out",
    "ausgehend": "out", "missed": "missed", "gemist": "missed", "manqué": "missed",
    "verpasst": "missed", "rejected": "rejected", "geweigerd": "rejected",
    "rejeté": "rejected", "abgelehnt": "rejected", "blocked": "blocked",
    "voicemail": "voicemail",
}
HIDDEN = {"", "private", "anonymous", "unknown", "privé", "anoniem", "onbekend", "masqué",
          "unbekannt"}
_TIME = re.compile(
    r"^\s*(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<d2>\d{1,2})[/.](?P<m2>\d{1,2})[/.](?P<y2>\d{4}))"
    r"[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<off>Z|[+-]\d{2}:?\d{2})?\s*$")


def header_of(head: bytes) -> tuple[str, list[str]] | None:
    """(delimiter, lower-cased column names) when the first line is our header."""
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    for delimiter in (",", ";"):
        names = [n.strip().strip('"').lower() for n in first.rstrip("\r").split(delimiter)]
        if all(r in names for r in REQUIRED):
            return delimiter, names
    return None


def parse_time(text: str, clock: ZoneClock) -> tuple[Instant, str | None] | None:
    """The instant and, for local times, a DST ambiguity (``gap``/``overlap``)."""
    match = _TIME.match(text)
    if match is None:
        return None
    g = match.groupdict()
    try:
        wall = datetime(int(g["y"] or g["y2"]), int(g["m"] or g["m2"]), int(g["d"] or g["d2"]),
                        int(g["H"]), int(g["M"]), int(g["S"] or 0))
    except ValueError:
        return None
    precision = Precision.SECOND if g["S"] else Precision.MINUTE
    if g["off"]:
        return from_aware(wall.replace(tzinfo=_offset(g["off"])), OffsetSource.EXPLICIT,
                          precision, raw=text), None
    return clock.resolve(wall, precision, text), clock.ambiguity(wall)


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


@dataclass
class CallRows:
    case_id: int
    sha256: str
    clock: ZoneClock
    region: str | None
    tally: Tally
    participants: Participants
    events: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def row(self, values: dict[str, str], line: int) -> None:
        self.tally.read += 1
        where = Location(self.sha256, line=line)
        found = parse_time(values.get("datetime", ""), self.clock)
        direction = DIRECTIONS.get(values.get("direction", "").strip().casefold())
        duration = values.get("duration_seconds", "").strip()
        reason = _problem(found is not None, direction, duration)
        actor = None
        if reason is None:
            actor, reason = self._number(values, where)
        if reason is not None or found is None or direction is None:
            self.tally.unreadable(where, f"line {line}", reason or "")
            return
        self._ambiguity(found[1], values["datetime"], where)
        self.tally.events += 1
        self.events.append(Event(None, self.case_id, None, "call", found[0], "",
                                 location=where, actor=actor,
                                 details=_details(direction, duration, values, actor)))

    def _number(self, values: dict[str, str], where: Location) -> tuple[str | None, str | None]:
        shown = values.get("number", "").strip()
        if shown.casefold() in HIDDEN:
            return None, None
        number = e164(shown, self.region)
        if number is None:
            return None, N_("not a phone number")
        key = self.participants.note(Actor(actor_key("phone", number, PLATFORM, None),
                                           IdentifierKind.PHONE, number, PLATFORM), where)
        name = values.get("name", "").strip()
        if name:
            self.participants.note(Actor(actor_key("name", name, PLATFORM, None),
                                         IdentifierKind.NAME, name, PLATFORM), where)
        return key, None

    def _ambiguity(self, kind: str | None, raw: str, where: Location) -> None:
        if kind is None:
            return
        params = (("where", f"line {where.line}"), ("time", raw),
                  ("zone", self.clock.zone_name))
        if kind == "gap":
            self.problems.append(Problem(Severity.WARNING, "chat.dst-gap", params, where))
        else:
            self.problems.append(Problem(Severity.WARNING, "chat.dst-overlap",
                                         (*params, ("which", "first")), where))


def _problem(dated: bool, direction: str | None, duration: str) -> str | None:
    if not dated:
        return N_("no valid datetime")
    if direction is None:
        return N_("unknown direction")
    if duration and not duration.isdigit():
        return N_("duration is not whole seconds")
    return None


def _details(direction: str, duration: str, values: dict[str, str],
             actor: str | None) -> tuple[tuple[str, str], ...]:
    details = [("direction", direction)]
    if duration:
        details.append(("duration", duration))
    if actor is None:
        details.append(("number_hidden", "1"))
    if values.get("name", "").strip():
        details.append(("contact_name", values["name"].strip()))
    return tuple(details)


class RowTooLong(Exception):
    pass


def _lines(handle: BinaryIO) -> Iterator[str]:
    """The file's lines, each read with a cap: a call-log row is a few hundred bytes,
    and a hostile 200 MB field read whole took 1.5 GB."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
    try:
        while line := text.readline(MAX_ROW + 1):
            if len(line) > MAX_ROW:
                raise RowTooLong
            yield line
    finally:
        text.detach()  # the caller closes the handle


def read_rows(handle: BinaryIO, delimiter: str, rows: CallRows) -> None:
    """Rows read as a stream from ``handle``; a row longer than MAX_ROW (or a field
    longer than ``csv``'s own limit) ends the reading with a finding at its line."""
    reader = csv.reader(_lines(handle), delimiter=delimiter)
    try:
        names = [n.strip().lower() for n in next(reader, [])]
        line = reader.line_num + 1
        for record in reader:
            start, line = line, reader.line_num + 1
            if line - start > 1:  # a call record is one line: said, never merged silently
                rows.problems.append(Problem(
                    Severity.WARNING, "chat.csv-record-spans-lines",
                    (("where", f"line {start}"), ("lines", str(line - start))),
                    Location(rows.sha256, line=start)))
            if not any(v.strip() for v in record):
                continue  # an empty line is not a record
            rows.row(dict(zip(names, record, strict=False)), start)
    except (RowTooLong, csv.Error):
        where = reader.line_num + 1
        rows.problems.append(Problem(
            Severity.ERROR, "chat.csv-row-too-long",
            (("where", f"line {where}"), ("limit", human_size(MAX_ROW))),
            Location(rows.sha256, line=where)))


class CallLogCsvImporter:
    name = NAME
    priority = 50

    def detect(self, source: Source) -> bool:
        return header_of(source.head) is not None

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        sha = source.original.sha256
        found = header_of(source.head)
        participants = Participants(context.case_id)
        rows = CallRows(context.case_id, sha, ZoneClock(context.case_zone),
                        zone_country(context.case_zone), Tally(sha), participants)
        with open_original(context, source) as handle:
            read_rows(handle, found[0] if found else ",", rows)
        problems = [*rows.problems, *rows.tally.finish()]
        if any(e.instant and e.instant.source is OffsetSource.ASSUMED_ZONE for e in rows.events):
            problems.insert(0, Problem(Severity.INFO, "chat.zone-assumed",
                                       (("zone", context.case_zone),), Location(sha)))
        yield ItemDraft(kind=ItemKind.CALL_LOG, title=source.name, importer=NAME,
                        artifacts=[source.original], file=file_facts(source, context.case_zone),
                        problems=problems, events=rows.events,
                        identifiers=participants.identifiers())


def register(registry: Registry) -> None:
    registry.register(CallLogCsvImporter())
