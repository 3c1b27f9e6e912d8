"""One thread of Messenger's end-to-end-encrypted download -> events (see
``e2ee`` for the shape and the sources it was established from).

``timestamp`` is Unix time in milliseconds (EPOCH). Senders, reaction actors and
participants are display names only (weak NAME identities, platform ``facebook`` as in
the main Facebook download, so the same name links the two). Text is stored as written:
no public parser of this download repairs mojibake, unlike the main download. Events are
returned in time order, each pointing at its record (``/messages/17``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spoorvast.importers.chat.meta.epochms import Keyed, in_time_order, keep
from spoorvast.importers.chat.meta.parse import unnamed_attachment
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
from spoorvast.importers.chat.shared.participants import Actor, Participants
from spoorvast.model.conversation import actor_key
from spoorvast.model.instant import Instant
from spoorvast.model.records import Event, IdentifierKind, Location

PLATFORM = "facebook"


def person(name: str) -> Actor:
    return Actor(actor_key("name", name, PLATFORM, None), IdentifierKind.NAME, name, PLATFORM)


@dataclass
class E2eeParser:
    case_id: int
    zone_name: str
    resolve: Resolver
    tally: Tally
    participants: Participants
    newest_first: int = 0
    _keyed: Keyed = field(default_factory=list)

    def document(self, root: JsonObject, sha256: str, number: int) -> None:
        for name in arr(root.get("participants")):
            if isinstance(name, str) and name.strip():
                self.participants.note(person(name.strip()),
                                       Location(sha256, field="/participants"))
        records = arr(root.get("messages"))
        stamps = [s for r in records if (s := integer((obj(r) or {}).get("timestamp")))]
        if len(stamps) > 1 and stamps[0] > stamps[-1]:
            self.newest_first += 1
        thread = get_str(root, "threadName") or ""
        for index, record in enumerate(records):
            self._record(obj(record), Location(sha256, field=pointer("messages", index)),
                         (number, index), thread)

    def _record(self, record: JsonObject | None, where: Location, order: tuple[int, int],
                thread: str) -> None:
        keep(self._keyed, self.tally, record, where, "timestamp", order, self.zone_name,
             lambda r, moment: self._event(r, moment, where, thread))

    def _event(self, record: JsonObject, moment: Instant, where: Location,
               thread: str) -> Event:
        text = without_surrogates(get_str(record, "text") or "")[0]
        sender = (get_str(record, "senderName") or "").strip()
        actor = self.participants.note(person(sender), where) if sender else None
        details = [("thread", thread)] if thread else []
        kind = get_str(record, "type") or ""
        if kind and kind != "text":
            details.append(("type", kind))
        if record.get("isUnsent") is True or kind == "placeholder":
            details.append(("deleted", "1"))
        details += self._reactions(record)
        attachments = self._media(record, where, details)
        return Event(None, self.case_id, None, "message", moment, text, location=where,
                     actor=actor, attachments=attachments, details=tuple(details))

    def _reactions(self, record: JsonObject) -> list[tuple[str, str]]:
        found = []
        for value in arr(record.get("reactions")):
            item = obj(value) or {}
            found.append(("reaction", "{} {}".format(get_str(item, "reaction") or "",
                                                     get_str(item, "actor") or "")))
        return found

    def _media(self, record: JsonObject, where: Location,
               details: list[tuple[str, str]]) -> tuple[str, ...]:
        """``media[].uri`` (``./media/<uuid>.jpeg``, or Meta's literal "Failed to
        download media"): a detail each; the sha256 of the files found."""
        found: list[str] = []
        for index, value in enumerate(arr(record.get("media"))):
            uri = get_str(obj(value) or {}, "uri")
            at = Location(where.artifact_sha256, field=f"{where.field}/media/{index}")
            if not uri:  # an attachment named without a file: said, not skipped
                self.tally.note(unnamed_attachment(at))
                continue
            details.append(("attachment", uri))
            sha = self.resolve(uri, at)
            if sha is not None and sha not in found:
                found.append(sha)
        return tuple(found)

    def events(self) -> list[Event]:
        """All events in time order (ties keep the export's order)."""
        return in_time_order(self._keyed)
