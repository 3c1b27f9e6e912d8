"""Instagram / Facebook "Download your information" message JSON -> events.

``timestamp_ms`` is UTC (EPOCH). Meta writes UTF-8 text as if each byte were a Latin-1
character ("g\\u00c3\\u00a9ld" for "géld"): every string is repaired on its own with
``s.encode('latin-1').decode('utf-8')`` when that round trip works, and the event keeps
the original string in ``original_text``. Messages are listed newest first; events are
returned in time order, each pointing at its original index (``/messages/17``).
Senders are display names only (weak identities). Media uris are handed to a resolver
(the archive's entries, or files next to a loose JSON: see ``local_media``), which seals
what it finds and reports what is missing or refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spoorvast.importers.chat.meta.epochms import Keyed, in_time_order, keep
from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.jsonload import (
    JsonObject,
    arr,
    get_str,
    integer,
    obj,
    pointer,
    without_surrogates,
)
from spoorvast.importers.chat.shared.localfiles import Resolver
from spoorvast.importers.chat.shared.participants import Participants, phone_or_name
from spoorvast.model.instant import Instant
from spoorvast.model.records import Event, Location, Problem, Severity

MEDIA_LISTS = ("photos", "videos", "audio_files", "gifs", "files")


def repair(text: str) -> str:
    """The mojibake-free string, or ``text`` itself when it is not mojibake."""
    try:
        fixed = text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    return fixed


@dataclass
class MetaParser:
    case_id: int
    zone_name: str
    platform: str
    resolve: Resolver | None  # (uri, where) -> sha256 of the sealed file, or None
    tally: Tally
    participants: Participants
    problems: list[Problem] = field(default_factory=list)
    repaired: int = 0
    newest_first: int = 0
    _keyed: Keyed = field(default_factory=list)

    def text(self, value: str | None) -> tuple[str, str | None]:
        """(repaired text, original when it was changed)."""
        if value is None:
            return "", None
        fixed = without_surrogates(repair(value))[0]
        if fixed == value:
            return fixed, None
        self.repaired += 1
        return fixed, value

    def document(self, root: JsonObject, sha256: str, number: int) -> None:
        for person in arr(root.get("participants")):
            name = self.text(get_str(obj(person) or {}, "name"))[0]
            if name:
                self.participants.note(phone_or_name(name, self.platform, None),
                                       Location(sha256, field="/participants"))
        records = arr(root.get("messages"))
        stamps = [integer((obj(r) or {}).get("timestamp_ms")) for r in records]
        known = [s for s in stamps if s is not None]
        if len(known) > 1 and known[0] > known[-1]:
            self.newest_first += 1
        thread = get_str(root, "thread_path") or get_str(root, "title") or ""
        for index, record in enumerate(records):
            self._record(obj(record), Location(sha256, field=pointer("messages", index)),
                         (number, index), self.text(thread)[0])

    def _record(self, record: JsonObject | None, where: Location, order: tuple[int, int],
                thread: str) -> None:
        """Files list messages newest first: a lower position is a later message."""
        keep(self._keyed, self.tally, record, where, "timestamp_ms", (order[0], -order[1]),
             self.zone_name, lambda r, moment: self._event(r, moment, where, thread))

    def _event(self, record: JsonObject, moment: Instant, where: Location,
               thread: str) -> Event:
        text, original = self.text(get_str(record, "content"))
        sender = self.text(get_str(record, "sender_name"))[0]
        actor = (self.participants.note(phone_or_name(sender, self.platform, None), where)
                 if sender else None)
        details: list[tuple[str, str]] = [("thread", thread)] if thread else []
        if original is not None:
            details.append(("original_text", original))
        kind = "message"
        if "call_duration" in record:
            kind = "call"
            details.append(("duration", str(integer(record.get("call_duration")) or 0)))
        details += self._extras(record)
        attachments = self._media(record, where, details)
        return Event(None, self.case_id, None, kind, moment, text, location=where,
                     actor=actor, attachments=attachments, details=tuple(details))

    def _extras(self, record: JsonObject) -> list[tuple[str, str]]:
        found = []
        share = obj(record.get("share"))
        if share is not None and get_str(share, "link"):
            found.append(("link", get_str(share, "link") or ""))
        if record.get("is_unsent") is True:
            found.append(("deleted", "1"))
        for reaction in arr(record.get("reactions")):
            item = obj(reaction) or {}
            found.append(("reaction", "{} {}".format(
                self.text(get_str(item, "reaction"))[0], self.text(get_str(item, "actor"))[0])))
        return found

    def _media(self, record: JsonObject, where: Location,
               details: list[tuple[str, str]]) -> tuple[str, ...]:
        """Each media uri as a detail; the sha256 of the files the resolver found (it
        reports the missing and refused ones itself)."""
        found: list[str] = []
        for pointer_tail, uri in _media_uris(record):
            at = Location(where.artifact_sha256, field=f"{where.field}/{pointer_tail}")
            if not uri:  # an attachment the export names without a file: said, not skipped
                self.tally.note(unnamed_attachment(at))
                continue
            details.append(("attachment", uri))
            sha = None if self.resolve is None else self.resolve(uri, at)
            if sha is not None and sha not in found:
                found.append(sha)
        return tuple(found)

    def events(self) -> list[Event]:
        """All events in time order (oldest first; ties keep the export's order)."""
        return in_time_order(self._keyed)


def _media_uris(record: JsonObject) -> list[tuple[str, str | None]]:
    """(JSON pointer below the message, uri or None) of every photo, video, audio file,
    gif, file and sticker a message names (None: named without a uri)."""
    found = [(f"{key}/{index}", get_str(obj(m) or {}, "uri"))
             for key in MEDIA_LISTS for index, m in enumerate(arr(record.get(key)))]
    sticker = obj(record.get("sticker"))
    if sticker is not None:
        found.append(("sticker", get_str(sticker, "uri")))
    return found


def unnamed_attachment(where: Location) -> Problem:
    """A media entry without a ``uri``: the message had an attachment the export does not
    hold (``chat.attachment-missing``, with its place)."""
    return Problem(Severity.WARNING, "chat.attachment-missing", (("where", where.field or ""),),
                   where)
