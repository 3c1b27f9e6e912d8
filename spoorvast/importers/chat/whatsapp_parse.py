"""WhatsApp chat text -> events, with the accounting that proves nothing was lost."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from spoorvast.importers.chat import whatsapp_tables as tables
from spoorvast.importers.chat.common import Participants, Tally, clean_name, phone_or_name
from spoorvast.importers.chat.textfile import Lines
from spoorvast.importers.chat.whatsapp_lines import (
    LAYOUTS,
    DateOrder,
    DateSurvey,
    detect_layout,
    split_sender,
    wall_time,
)
from spoorvast.model.instant import Instant, Precision, ZoneClock
from spoorvast.model.records import Event, Location, Problem, Severity

_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff\u2068\u2069"
_ATTACHED_IOS = re.compile(r"^<[^<>:]{2,40}:[ \u00a0\u202f]?([^<>]+)>$")
_ATTACHED_ANDROID = re.compile(r"^([^\s<>:/\\]+\.[A-Za-z0-9]{1,5}) \([^()]{2,40}\)$")

_FLAGS = frozenset({"media", "deleted", "attachment", "direction"})
Resolver = Callable[[str], str | None]  # attachment name -> sha256 of the sealed file


@dataclass
class ChatResult:
    events: list[Event]
    tally: Tally
    participants: Participants
    order: DateOrder | None
    layout: str | None
    problems: list[Problem] = field(default_factory=list)
    attachment_names: set[str] = field(default_factory=set)

    @property
    def messages(self) -> int:
        return sum(1 for e in self.events if e.kind == "message")


@dataclass
class WhatsAppParser:
    case_id: int
    sha256: str
    clock: ZoneClock
    region: str | None
    resolve: Resolver
    events: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    _actors: dict[str, tuple[str, bool]] = field(default_factory=dict)
    _last_utc: datetime | None = None

    def parse(self, lines: Lines) -> ChatResult:
        tally = Tally(self.sha256, read=len(lines.contents))
        participants = Participants(self.case_id)
        layout = detect_layout(lines.contents[:200])
        if layout is None:
            tally.unreadable(Location(self.sha256, 1), "line 1", "no known layout",
                             units=tally.read)
            return ChatResult([], tally, participants, None, None)
        order = survey(lines, layout).decide()
        self._participants, self._tally, self._order = participants, tally, order.order
        self._walk(lines, LAYOUTS[layout])
        return ChatResult(self.events, tally, participants, order, layout,
                          self.problems, self.names)

    def _walk(self, lines: Lines, header: re.Pattern[str]) -> None:
        match = header.match
        contents, endings = lines.contents, lines.endings
        start, head, body = 0, None, ""
        parts: list[str] = []
        for index, line in enumerate(contents):
            found = match(line)
            if found is None:
                if head is None:
                    self._tally.unreadable(Location(self.sha256, index + 1),
                                           f"line {index + 1}", "before the first message")
                else:
                    parts.append(endings[index - 1] + line)
                continue
            if head is not None:
                self._emit(start, head, body, parts)
            start, head, body, parts = index + 1, found, line[found.end():], []
        if head is not None:
            self._emit(start, head, body, parts)

    def _emit(self, line: int, head: re.Match[str], body: str, parts: list[str]) -> None:
        where = Location(self.sha256, line)
        try:
            wall = wall_time(head.groups(), self._order)
        except ValueError:
            self._tally.unreadable(where, f"line {line}", "not a real date or time",
                                   units=1 + len(parts))
            return
        moment = self._instant(wall, head, where)
        sender, first = split_sender(body)
        text = first + "".join(parts) if parts else first
        self._tally.events += 1
        self._tally.continued += len(parts)
        if sender is None:
            self._tally.system += 1
            self.events.append(Event(None, self.case_id, None, "system", moment, text,
                                     location=where, details=(("system", system_type(text)),)))
            return
        event = self._message(sender, first, text, moment, where)
        if first.startswith("\u200e") and event.kind == "message" and not any(
                k in _FLAGS for k, _v in event.details):
            self._tally.system += 1
            event = Event(None, self.case_id, None, "system", moment, text, location=where,
                          actor=event.actor, details=(("system", system_type(text)),))
        self.events.append(event)

    def _instant(self, wall: datetime, head: re.Match[str], where: Location) -> Instant:
        precision = Precision.MINUTE if head.group(7) is None else Precision.SECOND
        raw = head.group(0).strip(_MARKS + " []-–")
        fold = 0
        ambiguity = self.clock.ambiguity(wall)
        if ambiguity is not None:
            fold = self._fold(wall, ambiguity, where, raw)
        moment = self.clock.resolve(wall, precision, raw, fold)
        self._last_utc = moment.utc
        return moment

    def _fold(self, wall: datetime, ambiguity: str, where: Location, raw: str) -> int:
        label = f"line {where.line}"
        params = (("where", label), ("time", raw), ("zone", self.clock.zone_name))
        if ambiguity == "gap":
            self.problems.append(Problem(Severity.WARNING, "chat.dst-gap", params, where))
            return 0
        first = self.clock.resolve(wall, Precision.SECOND, None, 0)
        fold = 1 if self._last_utc is not None and self._last_utc > first.utc else 0
        which = "second" if fold else "first"
        self.problems.append(Problem(Severity.WARNING, "chat.dst-overlap",
                                     (*params, ("which", which)), where))
        return fold

    def _actor(self, sender: str, where: Location) -> tuple[str, bool]:
        known = self._actors.get(sender)
        if known is None:
            actor = phone_or_name(sender, "whatsapp", self.region)
            known = (self._participants.note(actor, where), clean_name(sender)[1])
            self._actors[sender] = known
        return known

    def _message(self, sender: str, first: str, text: str, moment: Instant,
                 where: Location) -> Event:
        actor, non_contact = self._actor(sender, where)
        details: list[tuple[str, str]] = [("non_contact", "1")] if non_contact else []
        shown = first.strip(_MARKS + " ")
        folded = shown.rstrip(".").casefold()
        kind = "message"
        attachments: tuple[str, ...] = ()
        if folded in tables.MISSED_CALLS:
            kind = "call"
            details += [("direction", "missed"), ("media", tables.MISSED_CALLS[folded])]
        elif folded in tables.MEDIA_OMITTED:
            details.append(("media", "omitted"))
        elif folded in tables.DELETED:
            details.append(("deleted", "1"))
        else:
            attachments = self._attachment(shown, where, details)
        if text.rstrip(_MARKS + " ").casefold().endswith(tables.EDITED):
            details.append(("edited", "1"))
        return Event(None, self.case_id, None, kind, moment, text, location=where,
                     actor=actor, attachments=attachments, details=tuple(details))

    def _attachment(self, shown: str, where: Location,
                    details: list[tuple[str, str]]) -> tuple[str, ...]:
        found = _ATTACHED_IOS.match(shown) or _ATTACHED_ANDROID.match(shown)
        if found is None:
            return ()
        name = found.group(1).strip(_MARKS + " ")
        self.names.add(name)
        details.append(("attachment", name))
        sha = self.resolve(name)
        if sha is None:
            self.problems.append(Problem(Severity.WARNING, "chat.attachment-missing",
                                         (("where", f"line {where.line}"),), where))
            return ()
        return (sha,)


def system_type(text: str) -> str:
    folded = text.strip(_MARKS + " ").casefold()
    for prefix, subtype in tables.SYSTEM_PREFIXES:
        if folded.startswith(prefix):
            return subtype
    for infix, subtype in tables.SYSTEM_INFIXES:
        if infix in folded:
            return subtype
    return "other"


def survey(lines: Lines, layout: str) -> DateSurvey:
    """One pass over the headers to decide the day/month order."""
    found = DateSurvey()
    match = LAYOUTS[layout].match
    last = ""
    for number, line in enumerate(lines.contents, 1):
        head = match(line)
        if head is None:
            continue
        a, sep, b, c = head.group(1, 2, 3, 4)
        if head.group(8) is not None:
            found.twelve_hour = True
        key = f"{a}{sep}{b}{sep}{c}"
        if key != last:
            found.add(a, sep, b, c, number)
            last = key
    return found
