"""WhatsApp chat text -> events, with the accounting that proves nothing was lost."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from spoorvast.i18n import N_
from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.participants import Participants, clean_name, phone_or_name
from spoorvast.importers.chat.shared.textfile import Decoding, text_blocks
from spoorvast.importers.chat.whatsapp import markers as tables
from spoorvast.importers.chat.whatsapp.lines import (
    SENDER_LIMIT,
    DateOrder,
    split_sender,
    wall_time,
)
from spoorvast.importers.chat.whatsapp.shape import fields, looks_like_header
from spoorvast.model.instant import Instant, Precision, ZoneClock
from spoorvast.model.message_run import Details, MessageRun
from spoorvast.model.records import Event, Location, Problem, Severity

_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff\u2068\u2069"
_EDGE = _MARKS + " "  # stripped around a message's first line
_HEADER_EDGE = _MARKS + " []-–"  # stripped around a header to keep its time as written
_ATTACHED_IOS = re.compile(r"^<[^<>:]{2,40}:[ \u00a0\u202f]?([^<>]+)>$")
_ATTACHED_ANDROID = re.compile(r"^([^\s<>:/\\]+\.[A-Za-z0-9]{1,5}) \([^()]{2,40}\)$")

# the longest marker: a longer message is none of them (no casefold of every message)
_MARKERS = frozenset((*tables.MISSED_CALLS, *tables.MEDIA_OMITTED, *tables.DELETED,
                      "null"))  # ("null": a possible marker, see ``possible_marker``)
_MARKER_MAX = 1 + max(map(len, _MARKERS))
_FLAGS = frozenset({"media", "deleted", "attachment", "direction"})
_OWN: dict[bool, Details] = {False: (), True: (("non_contact", "1"),)}  # by non-contact
_MINUTE, _SECOND = Precision.MINUTE, Precision.SECOND
_HEADISH = frozenset("[" + _MARKS)  # how a header may begin (or with a digit)
RUN = 16384  # messages at most in one MessageRun (storage's chunk: a chunk is one run)
_FULL = 2  # what ``_plain`` says when it took a message and the run is full
_UNSEEN = (-1, -1)  # (an hour not worked out yet: looked up once, not twice)
Resolver = Callable[[str], str | None]  # attachment name -> sha256 of the sealed file


@dataclass
class ChatResult:
    """What a parse found besides its events (complete once the events are exhausted)."""

    tally: Tally
    participants: Participants
    order: DateOrder | None
    layout: str | None
    problems: list[Problem] = field(default_factory=list)
    attachment_names: set[str] = field(default_factory=set)
    other_shape: int = 0  # continuation lines that read as a header of another shape
    other_shape_line: int = 0  # the first of them
    possible_markers: int = 0  # messages with a marker's shape in no known language
    possible_marker_line: int = 0  # the first of them

    def note_possible_marker(self, index: int) -> None:
        self.possible_markers += 1
        self.possible_marker_line = self.possible_marker_line or index

    def note_other_shape(self, line: str, index: int) -> None:
        """A line that continues a message although it starts like a header of another
        shape (a quoted message, or an export joined from two phones): counted, so the
        import says so instead of merging it silently."""
        if looks_like_header(line):
            self.other_shape += 1
            self.other_shape_line = self.other_shape_line or index


@dataclass
class WhatsAppParser:
    """Lines in, events out, one at a time: the file is never held whole. The header of a
    message is known only when the next header (or the end) arrives, so each event is
    given one line late."""

    case_id: int
    sha256: str
    clock: ZoneClock
    region: str | None
    resolve: Resolver
    result: ChatResult
    order: str  # "dmy", "mdy" or "ymd"
    runs: bool = True  # the usual messages as runs of columns (False: one Event each)
    _actors: dict[str, tuple[str, bool]] = field(default_factory=dict)
    _last_stamp: int | None = None  # the Unix time of the last message read
    _last_head: str = ""
    _last_instant: Instant | None = None
    _hours: dict[tuple[str | None, ...], tuple[int, int] | None] = field(
        default_factory=dict)
    _plain_head: str = ""  # the header of the last message the plain path timed itself
    _when: tuple[int, int, str] = (0, 0, "")
    _precision: Precision = Precision.MINUTE  # of ``_plain_head``
    _run: _Columns | None = None

    def events(self, reader: BinaryIO, header: re.Pattern[str]
               ) -> Iterator[Event | MessageRun]:
        """Events of the chat text, in order (the lines are read a block at a time). The
        usual messages (one line, from a sender seen before, no marker, attachment or
        edit: :meth:`_plain`) come as runs of columns (:class:`MessageRun`), equal to the
        events the general path (:meth:`_emit`) makes for them (tested)."""
        match, tally = header.match, self.result.tally
        encoding = Decoding(self.sha256)
        start, head, body, ending, index = 0, None, "", "", 0
        parts: list[str] = []
        plain = self._plain if self.runs else None
        for block in text_blocks(reader, encoding):
            for line, next_ending in block:
                index += 1
                previous, ending = ending, next_ending
                found = match(line)
                if found is None:
                    if head is None:
                        tally.unreadable(Location(self.sha256, index), f"line {index}",
                                         N_("before the first message"))
                    else:
                        parts.append(previous + line)
                        if line[:1] in _HEADISH or line[:1].isdigit():
                            self.result.note_other_shape(line, index)
                    continue
                if head is not None:
                    if parts or plain is None or not (taken := plain(start, head, body)):
                        yield from self._general(start, head, body, parts)
                        if parts:
                            parts = []
                    elif taken == _FULL:
                        yield self._take()
                start, head, body = index, found, line[found.end():]
        tally.read += index
        self.result.problems[:0] = encoding.problems()
        if head is not None and (parts or plain is None or not plain(start, head, body)):
            yield from self._general(start, head, body, parts)
        if self._run is not None:
            yield self._take()

    def _general(self, line: int, head: re.Match[str], body: str, parts: list[str]
                 ) -> Iterator[Event | MessageRun]:
        """The run so far, then the event of this message (if it has one). The plain path
        times its next message itself again (:meth:`_plain` notes the last time read
        only when its header changes)."""
        self._plain_head = ""
        if self._run is not None:
            yield self._take()
        event = self._emit(line, head, body, parts)
        if event is not None:
            yield event

    def _plain(self, line: int, head: re.Match[str], body: str) -> int:
        """Add a one-line message to the run when it is a usual one and say so (true: it
        is taken, or counted unreadable as :meth:`_emit` would; ``_FULL``: taken, and the
        run is full); false, with nothing changed, when the general path must read it.
        The checks before the instant are those of :meth:`_emit` and :meth:`_message`,
        made without side effects; a message they are unsure of goes the general way.
        What depends on the header alone (precision, instant) is worked out when it
        changes (a quarter of the messages of a busy chat)."""
        at = body.find(": ")
        if at <= 0 or at > SENDER_LIMIT:
            return False  # a system line
        known = self._actors.get(body[:at])  # a quoted name is never among them
        if known is None:
            return False  # a sender seen for the first time: noted by the general path
        first = body[at + 2:]
        # (an attachment ends with ">" or ")": the ``_ATTACHED_*`` patterns)
        if first[:1] in _EDGE or first[-1:] in _EDGE:  # (empty, or a mark or space at an end)
            shown = first.strip(_EDGE)
            if first[:1] == "\u200e" or shown[-1:] in (")", ">") or (
                    len(shown) <= _MARKER_MAX and _folded(shown) in _MARKERS):
                return False  # maybe a marker, an attachment, an edit or a system line
        elif first[-1] in ")>" or (len(first) <= _MARKER_MAX and _folded(first) in _MARKERS):
            return False  # (nothing to strip: ``first`` is what is shown)
        run = self._run
        text = head[0]
        if text != self._plain_head:  # (same header, same precision: the run's)
            precision = _MINUTE if head["ss"] is None else _SECOND
            if run is not None and precision is not run.precision:
                return False
            when = self._steady_when(head, text)
            if when is None:  # not a real time, or an hour with a DST change
                moment = self._instant(head, line)
                if moment is None:
                    self._unreadable(Location(self.sha256, line), 1)
                    return True
                when = (int(moment.utc.timestamp()), moment.offset_seconds, moment.raw or "")
                text = ""  # asked again for the next message, as the general path does
            self._plain_head, self._when, self._precision = text, when, precision
            self._last_stamp = when[0]
            self._last_head = ""  # the general path times its next message itself
        if run is None:
            run = self._run = _Columns(self._precision)
        rows = run.rows
        rows.append((self._when, first, known, line))  # columns made at the end
        return _FULL if len(rows) >= RUN else True

    def _steady_when(self, head: re.Match[str], text: str) -> tuple[int, int, str] | None:
        """(Unix time, offset, raw text) of a header in an hour without a DST change, as
        :meth:`_instant` gives them, from the hour's start (computed once per hour of the
        export): no datetime or Instant made per message. None: ask :meth:`_instant`."""
        a, sep, b, c, hh, mm, ss, ampm = fields(head)
        key = (a, b, c, hh, ampm)
        hour = self._hours.get(key, _UNSEEN)
        if hour is _UNSEEN:
            try:
                start = wall_time((a, sep, b, c, hh, "00", None, ampm), self.order)
            except ValueError:
                start = None
            moment = None if start is None else self.clock.steady(start, _MINUTE)
            hour = None if moment is None else (int(moment.utc.timestamp()),
                                                moment.offset_seconds)
            self._hours[key] = hour
        if hour is None:
            return None
        minute, second = int(mm or 0), int(ss or 0)
        if minute > 59 or second > 59:
            return None
        return hour[0] + minute * 60 + second, hour[1], text.strip(_HEADER_EDGE)

    def _take(self) -> MessageRun:
        run, self._run = self._run, None
        assert run is not None
        whens, texts, known, lines = (list(c) for c in zip(*run.rows, strict=True))
        stamps, offsets, raws = (list(c) for c in zip(*whens, strict=True))
        actors, non_contacts = zip(*known, strict=True)
        self.result.tally.events += len(texts)
        return MessageRun(self.case_id, "message", self.clock.zone_name, self.sha256, stamps,
                          offsets, raws, texts, list(actors), None, (), None, None, lines,
                          list(map(_OWN.__getitem__, non_contacts)), self.clock.source,
                          run.precision)

    def _emit(self, line: int, head: re.Match[str], body: str, parts: list[str]
              ) -> Event | None:
        where = Location(self.sha256, line)
        if head.group(0) == self._last_head and self._last_instant is not None:
            moment: Instant | None = self._last_instant  # the same minute as the last one
        else:
            moment = self._instant(head, line)
        if moment is None:
            self._unreadable(where, 1 + len(parts))
            return None
        sender, first = split_sender(body)
        text = first + "".join(parts) if parts else first
        tally = self.result.tally
        tally.events += 1
        if parts:
            tally.continued += len(parts)
        if sender is None:
            tally.system += 1
            return Event(None, self.case_id, None, "system", moment, text, None, where, False,
                         None, (), (("system", system_type(text)),))
        event = self._message(sender, first, text, moment, where)
        if first[:1] == "\u200e" and event.kind == "message" and not any(
                k in _FLAGS for k, _v in event.details) and system_type(text) != "other":
            # iOS writes its notices as sent by the chat, after a mark; a message that
            # merely starts with the mark (and says none of them) stays a message
            tally.system += 1
            event = Event(None, self.case_id, None, "system", moment, text, None, where, False,
                          event.actor, (), (("system", system_type(text)),))
        return event

    def _unreadable(self, where: Location, units: int) -> None:
        """A message whose header is not a real date or time (its lines counted)."""
        self.result.tally.unreadable(where, f"line {where.line}",
                                     N_("not a real date or time"), units=units)

    def _instant(self, head: re.Match[str], line: int) -> Instant | None:
        """The instant of a header unlike the one before (``_emit`` reuses the last one for
        the same header text, unless it fell in a DST change)."""
        text = head.group(0)
        try:
            wall = wall_time(fields(head), self.order)
        except ValueError:
            return None
        precision = Precision.MINUTE if head["ss"] is None else Precision.SECOND
        raw = text.strip(_HEADER_EDGE)
        moment = self.clock.steady(wall, precision, raw)  # an hour without a DST change
        ambiguity = None
        if moment is None:
            fold = 0
            ambiguity = self.clock.ambiguity(wall)
            if ambiguity is not None:
                fold = self._fold(wall, ambiguity, Location(self.sha256, line), raw)
            moment = self.clock.resolve(wall, precision, raw, fold)
        self._last_stamp = int(moment.utc.timestamp())
        self._last_head, self._last_instant = (text, moment) if ambiguity is None else ("", None)
        return moment

    def _fold(self, wall: datetime, ambiguity: str, where: Location, raw: str) -> int:
        label = f"line {where.line}"
        params = (("where", label), ("time", raw), ("zone", self.clock.zone_name))
        if ambiguity == "gap":
            self.result.problems.append(Problem(Severity.WARNING, "chat.dst-gap", params,
                                                where))
            return 0
        first = self.clock.resolve(wall, Precision.SECOND, None, 0)
        fold = 1 if self._last_stamp is not None and self._last_stamp > first.utc.timestamp() \
            else 0
        which = "second" if fold else "first"
        self.result.problems.append(Problem(Severity.WARNING, "chat.dst-overlap",
                                     (*params, ("which", which)), where))
        return fold

    def _actor(self, sender: str, where: Location) -> tuple[str, bool]:
        known = self._actors.get(sender)
        if known is None:
            actor = phone_or_name(sender, "whatsapp", self.region)
            known = (self.result.participants.note(actor, where), clean_name(sender)[1])
            self._actors[sender] = known
        return known

    def _message(self, sender: str, first: str, text: str, moment: Instant,
                 where: Location) -> Event:
        known = self._actors.get(sender)
        actor, non_contact = known if known is not None else self._actor(sender, where)
        details: list[tuple[str, str]] = [("non_contact", "1")] if non_contact else []
        shown = first.strip(_EDGE)
        kind = "message"
        attachments: tuple[str, ...] = ()
        marker = len(shown) <= _MARKER_MAX  # a longer message is none of the markers
        if marker:
            folded = _folded(shown)
            if folded in tables.MISSED_CALLS:
                kind = "call"
                details += [("direction", "missed"), ("media", tables.MISSED_CALLS[folded])]
            elif folded in tables.MEDIA_OMITTED:
                details.append(("media", "omitted"))
            elif folded in tables.DELETED:
                details.append(("deleted", "1"))
            else:
                marker = False
        if not marker and (shown[:1] == "<" or shown[-1:] == ")"):
            attachments = self._attachment(shown, where, details)
        tail = text.rstrip(_EDGE) if text[-1:] in _EDGE else text  # ("" is in every string)
        if tail[-1:] == ">" and tail.casefold().endswith(tables.EDITED):
            details.append(("edited", "1"))
        elif not marker and all(key != "attachment" for key, _v in details):
            shape = possible_marker(first, shown, tail)
            if shape is not None:
                details.append(("possible_marker", shape))
                self.result.note_possible_marker(where.line or 0)
        return Event(None, self.case_id, None, kind, moment, text, None, where, False, actor,
                     attachments, tuple(details) if details else ())

    def _attachment(self, shown: str, where: Location,
                    details: list[tuple[str, str]]) -> tuple[str, ...]:
        found = _ATTACHED_IOS.match(shown) or _ATTACHED_ANDROID.match(shown)
        if found is None:
            return ()
        name = found.group(1).strip(_EDGE)
        self.result.attachment_names.add(name)
        details.append(("attachment", name))
        sha = self.resolve(name)
        if sha is None:
            self.result.problems.append(Problem(Severity.WARNING, "chat.attachment-missing",
                                         (("where", f"line {where.line}"),), where))
            return ()
        return (sha,)


@dataclass(slots=True)
class _Columns:
    """The run being gathered (:meth:`WhatsAppParser._plain`): a row per message, of the
    Unix time, offset and raw text of its instant (made once per instant), its text, its
    sender's (actor, non-contact) and its line."""

    precision: Precision
    rows: list[tuple[tuple[int, int, str], str, tuple[str, bool], int]] = field(
        default_factory=list)


def _folded(shown: str) -> str:
    """A short body as the marker tables hold it: no final stop, case folded."""
    return shown.rstrip(tables.FINAL_STOPS).casefold()


_POSSIBLE_MAX = 60  # WhatsApp's own texts are short
_EDITED_TAIL = re.compile(r"\s<[^<>]{3,60}>$")


def possible_marker(first: str, shown: str, tail: str) -> str | None:
    """The shape of a WhatsApp text in a language the tables do not hold (so it is not
    silently read as the sender's words): the whole body in angle brackets (Android's
    ``<Media omitted>``), ``null`` (what Android writes for some media), a body after
    iOS's direction mark (``\u200eimage omitted``, a notice) that is no known one, or
    a text that ends in a short ``<…>`` (Android's ``<This message was edited>``).
    None: an ordinary message."""
    if not shown:
        return None
    if len(shown) <= _POSSIBLE_MAX:
        if shown[0] == "<" and shown[-1] == ">" and "<" not in shown[1:]:
            return "angle-brackets"
        if shown.casefold() == "null":
            return "null"
    if first[:1] == "\u200e" and system_type(first) == "other":
        return "direction-mark"  # (of any length: iOS's notices, the encryption one)
    if tail[-1:] == ">" and _EDITED_TAIL.search(tail):
        return "edited-shape"
    return None


def system_type(text: str) -> str:
    folded = text.strip(_EDGE).casefold()
    for prefix, subtype in tables.SYSTEM_PREFIXES:
        if folded.startswith(prefix):
            return subtype
    for infix, subtype in tables.SYSTEM_INFIXES:
        if infix in folded:
            return subtype
    return "other"
