"""SMS Backup & Restore records (``<sms>``, ``<mms>``, ``<call>``) -> events.

``date`` is UTC in milliseconds (EPOCH); ``readable_date`` is the phone's own rendering
in its local time, kept as the raw text and compared with the case zone (see
:class:`OffsetHints`). Type codes become a ``direction`` detail. A call's actor is the
other party's number (as for typed calls); a received message's actor is its sender; a
sent message has no actor (the phone's owner) and names the recipient in ``to``. An MMS
says so (``channel`` mms) and what it carried (``media`` image, video, …); without an
``<addrs>`` block (the older layout) its direction comes from ``msg_box`` or ``m_type``
and the ``address`` is the sender of a received one.
``contact_name`` is the phone's address-book name: a weak identity (a name identifier).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from xml.etree.ElementTree import Element

from spoorvast.importers.chat.shared.participants import Actor, Participants, phone_or_name
from spoorvast.importers.chat.sms import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.model.conversation import actor_key
from spoorvast.model.instant import Instant, Precision, from_epoch, zone
from spoorvast.model.records import Event, IdentifierKind, Location, Problem, Severity

PLATFORM = "sms"
SMS_TYPES = {"1": "in", "2": "out", "3": "draft", "4": "outbox", "5": "failed",
             "6": "queued"}
MMS_BOXES = {"1": "in", "2": "out", "3": "draft", "4": "outbox"}
CALL_TYPES = {"1": "in", "2": "out", "3": "missed", "4": "voicemail", "5": "rejected",
              "6": "blocked", "7": "answered-elsewhere"}
MMS_TYPES = {"128": "out", "130": "in", "132": "in"}
MMS_FROM, MMS_TO = "137", "151"
HIDDEN = {"2": "restricted", "3": "unknown", "4": "payphone"}  # call presentation
NULLS = ("", "null", "(Unknown)")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})(?:[\s\u00a0\u202f]*([AaPp])\.?\s*[Mm]\.?)?")
Sealer = Callable[[bytes, str, str], str]  # data, name, media type -> sha256


def attr(element: Element, key: str) -> str | None:
    value = element.get(key)
    return None if value is None or value in NULLS else value


@dataclass
class OffsetHints:
    """What ``readable_date`` says about the phone's UTC offset, against the case zone."""

    zone_name: str
    agree: int = 0
    differ: int = 0
    offsets: Counter[int] = field(default_factory=Counter)

    def note(self, moment: Instant, readable: str | None) -> None:
        seen = None if readable is None else hinted_offset(moment, readable)
        if seen is None:
            return
        expected = moment.utc.astimezone(zone(self.zone_name)).utcoffset() or timedelta(0)
        self.offsets[seen] += 1
        if seen == int(expected.total_seconds()):
            self.agree += 1
        else:
            self.differ += 1

    def problem(self, sha256: str) -> list[Problem]:
        if not self.offsets:
            return []
        shown = ", ".join(_offset_text(o) for o, _n in self.offsets.most_common(5))
        severity = Severity.WARNING if self.differ else Severity.INFO
        return [Problem(severity, "chat.phone-offset", (
            ("zone", self.zone_name), ("agree", str(self.agree)),
            ("differ", str(self.differ)), ("offsets", shown)),
            Location(artifact_sha256=sha256))]


def hinted_offset(moment: Instant, readable: str) -> int | None:
    """The UTC offset (seconds) that makes the clock time in ``readable`` match."""
    found = _CLOCK.search(readable)
    if found is None:
        return None
    hour, minute, second = (int(v) for v in found.group(1, 2, 3))
    if found.group(4):
        hour = hour % 12 + (12 if found.group(4) in "Pp" else 0)
    shown = hour * 3600 + minute * 60 + second
    utc = moment.utc
    delta = (shown - (utc.hour * 3600 + utc.minute * 60 + utc.second)) % 86400
    delta = delta - 86400 if delta > 14 * 3600 else delta
    return delta if delta % 900 == 0 else None


def _offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class RecordReader:
    case_id: int
    sha256: str
    zone_name: str
    region: str | None
    seal: Sealer
    participants: Participants
    hints: OffsetHints
    problems: list[Problem] = field(default_factory=list)

    def event(self, element: Element, where: Location) -> Event | None:
        """The event of one record, or None when it has no usable date."""
        moment = self._instant(element)
        if moment is None:
            return None
        if element.tag == "call":
            return self._call(element, moment, where)
        if element.tag == "sms":
            return self._sms(element, moment, where)
        if element.tag == "mms":
            return self._mms(element, moment, where)
        return None

    def _instant(self, element: Element) -> Instant | None:
        date = attr(element, "date") or ""
        if not date.isdigit() or len(date) > 15:
            return None
        readable = attr(element, "readable_date")
        try:
            moment = from_epoch(int(date) / 1000, self.zone_name, Precision.MILLISECOND,
                                readable)
        except (OverflowError, OSError, ValueError):
            return None
        self.hints.note(moment, readable)
        return moment

    def _party(self, number: str | None, element: Element, where: Location) -> str | None:
        if number is None:
            return None
        key = self.participants.note(phone_or_name(number, PLATFORM, self.region), where)
        name = attr(element, "contact_name")
        if name:
            self.participants.note(Actor(actor_key("name", name, PLATFORM, None),
                                         IdentifierKind.NAME, name, PLATFORM), where)
        return key

    def _call(self, element: Element, moment: Instant, where: Location) -> Event:
        actor = self._party(attr(element, "number"), element, where)
        details = _known(element, ("contact_name",))
        details.insert(0, ("direction", CALL_TYPES.get(element.get("type", ""), "other")))
        duration = attr(element, "duration")
        if duration and duration.isdigit():
            details.append(("duration", duration))
        if element.get("presentation") in HIDDEN:
            details.append(("number_hidden", HIDDEN[element.get("presentation", "")]))
        return Event(None, self.case_id, None, "call", moment, "", location=where,
                     actor=actor, details=tuple(details))

    def _sms(self, element: Element, moment: Instant, where: Location) -> Event:
        direction = SMS_TYPES.get(element.get("type", ""), "other")
        party = self._party(attr(element, "address"), element, where)
        details = [("direction", direction), *_known(element, ("contact_name", "subject"))]
        actor = party if direction == "in" else None
        if actor is None and party is not None:
            details.append(("to", party))
        return Event(None, self.case_id, None, "message", moment, element.get("body") or "",
                     location=where, actor=actor, details=tuple(details))

    def _mms(self, element: Element, moment: Instant, where: Location) -> Event:
        direction = mms_direction(element)
        senders, receivers = _addresses(element, direction)
        if direction == "in" and not senders and len(receivers) > 1:
            self.problems.append(Problem(Severity.WARNING, "chat.mms-sender-unknown", (
                ("where", where.field or ""), ("count", str(len(receivers)))), where))
        sender = self._party(senders[0] if senders else None, element, where)
        to = [self._party(r, element, where) for r in receivers]
        details = [("direction", direction), ("channel", "mms"),
                   *_known(element, ("contact_name", "sub"))]
        details += [("to", key) for key in to if key]
        texts, attachments, kinds = self._parts(element, where)
        details += [("media", kind) for kind in kinds]
        actor = sender if direction == "in" else None
        return Event(None, self.case_id, None, "message", moment, "\n".join(texts),
                     location=where, actor=actor, attachments=attachments,
                     details=tuple(details))

    def _parts(self, element: Element, where: Location
               ) -> tuple[list[str], tuple[str, ...], list[str]]:
        """The texts, the sealed attachments, and the kinds of what it carried (image,
        video, audio, …: each once, from the parts' content types)."""
        texts: list[str] = []
        attachments: list[str] = []
        kinds: list[str] = []
        for part in element.iter("part"):
            kind = attr(part, "ct") or "application/octet-stream"
            if kind == "application/smil":
                continue
            if kind.startswith("text/plain") and part.get("text") is not None:
                texts.append(part.get("text") or "")
                continue
            if attr(part, "data"):
                sha = self._attachment(part, kind, where)
                if sha is not None:
                    attachments.append(sha)
            else:  # a picture the backup names but does not hold (media not backed up)
                self.problems.append(Problem(Severity.WARNING, "chat.attachment-missing",
                                             (("where", where.field or ""),), where))
            major = kind.split("/", 1)[0].strip().lower() or "file"
            if major not in kinds:
                kinds.append(major)
        return texts, tuple(attachments), kinds

    def _attachment(self, part: Element, kind: str, where: Location) -> str | None:
        try:
            data = base64.b64decode(part.get("data") or "", validate=True)
        except (binascii.Error, ValueError):
            self.problems.append(Problem(Severity.WARNING, "chat.attachment-undecodable",
                                         (("where", where.field or ""),), where))
            return None
        name = attr(part, "cl") or attr(part, "name") or attr(part, "fn") or "part"
        return self.seal(data, name.rsplit("/", 1)[-1], kind)


def mms_direction(element: Element) -> str:
    """From ``msg_box`` (1 inbox, 2 sent, …), else from the MMS PDU type ``m_type``
    (132 retrieve-conf and 130 notification: received; 128 send-req: sent)."""
    box = MMS_BOXES.get(element.get("msg_box", ""))
    if box is not None:
        return box
    return MMS_TYPES.get(element.get("m_type", ""), "other")


def _addresses(element: Element, direction: str) -> tuple[list[str], list[str]]:
    """(senders, receivers) from ``<addrs>`` (type 137 is the sender); without it (the
    older layout) the ``address`` attribute names the other side: the sender of a
    received MMS when it is one number, the recipients of a sent one."""
    senders: list[str] = []
    receivers: list[str] = []
    for addr in element.iter("addr"):
        number = attr(addr, "address")
        if number is None or number == "insert-address-token":
            continue
        (senders if addr.get("type") == MMS_FROM else receivers).append(number)
    if not senders and not receivers and attr(element, "address"):
        numbers = [n for n in (attr(element, "address") or "").split("~") if n]
        if direction == "in" and len(numbers) == 1:
            return numbers, []
        receivers = numbers
    return senders, receivers


def _known(element: Element, keys: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(key, value) for key in keys if (value := attr(element, key))]
