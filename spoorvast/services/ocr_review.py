"""What the user does with what OCR read: review proposals, confirm or reject them.

Proposals are never evidence by themselves. There are three kinds, each with a
reference the user types:

==============  ==================  ================================================
reference       what                confirmed, it becomes
==============  ==================  ================================================
``E-0003:p2``   a proposed message  an event ``message`` (side, text, visible time)
``E-0003:t``    the observation     an event ``observed-at``: the status-bar clock on
                time                the picture's own day, with the EXIF/file time
``I-17``        an identifier       the identifier's status ``confirmed``
==============  ==================  ================================================

A confirmed event keeps its provenance: ``location`` points at the OCR artifact and
the picture's region (``line`` is the proposal's number), and ``details`` say
``source=screenshot-ocr``, the proposal and the side. Nothing is changed in place:
confirming appends an event; rejecting a message or time appends a custody entry
(``ocr.proposal-rejected``); identifiers change status through the storage API, which
logs it. The last decision counts.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from spoorvast.analysis.ocr import clock
from spoorvast.analysis.ocr.chat import ProposedMessage
from spoorvast.analysis.ocr.document import OcrDocument
from spoorvast.analysis.ocr.model import Box
from spoorvast.errors import NoSuchItem, UserError
from spoorvast.findings import register_codes
from spoorvast.i18n import N_, _
from spoorvast.model import instant
from spoorvast.model.instant import Instant, OffsetSource, Precision
from spoorvast.model.records import (
    Artifact,
    Case,
    Event,
    Identifier,
    IdentifierStatus,
    Item,
    Location,
    Problem,
    Severity,
    item_label,
)
from spoorvast.services import cases as case_service
from spoorvast.services.ocr import documents, observed_at, reference_day
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault

REJECTED_ACTION = "ocr.proposal-rejected"
DAY_FROM_SEPARATOR, DAY_FROM_USER, DAY_UNKNOWN = "separator", "user", "unknown"
NO_DAY_CODE = "ocr.message-day-unknown"
RELATIVE_DAY_CODES = {
    "exif": "ocr.message-day-relative-exif",
    "file-time": "ocr.message-day-relative-file",
    "added": "ocr.message-day-relative-added",
}
register_codes({
    RELATIVE_DAY_CODES["exif"]: N_(
        "Message {proposal} was shown under '{shown}', a day named relative to when the "
        "screenshot was taken; it was dated {day}, counted from the time the picture's "
        "own EXIF data says it was taken. That is right when the phone's clock was."),
    RELATIVE_DAY_CODES["file-time"]: N_(
        "Message {proposal} was shown under '{shown}', a day named relative to when the "
        "screenshot was taken; it was dated {day}, counted from the picture file's "
        "modification time, as it has no EXIF time. Copying, sending or editing a file "
        "can change that time: check the day against the phone."),
    RELATIVE_DAY_CODES["added"]: N_(
        "Message {proposal} was shown under '{shown}', a day named relative to when the "
        "screenshot was taken; it was dated {day}, counted from the day the picture was "
        "added to the case, as it carries no time of its own. That is right only if it "
        "was added the day it was taken: check the day against the phone."),
    NO_DAY_CODE: N_(
        "A message read from this screenshot was confirmed without a date: no day "
        "separator (such as 'Today' or a date) was read above it. So message {proposal} "
        "has no date and no place on the timeline. (A message is given its day when it "
        "is confirmed with --day YYYY-MM-DD.)"),
})
SOURCE = "screenshot-ocr"
_ITEM_REF = re.compile(r"^(?:E-?)?0*(\d{1,9}):(p(\d{1,6})|t)$", re.IGNORECASE)
_IDENT_REF = re.compile(r"^I-?(\d{1,12})$", re.IGNORECASE)


class Kind(enum.StrEnum):
    MESSAGE = "message"
    OBSERVED = "observed-at"
    IDENTIFIER = "identifier"


class State(enum.StrEnum):
    OPEN = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Proposal:
    ref: str
    kind: Kind
    state: State
    item: Item
    text: str
    region: Box | None
    at: Instant | None = None
    side: str | None = None
    shown_time: str | None = None  # as the picture shows it: "21:05", "Vandaag 21:05"
    file_time: Instant | None = None  # observation proposals: the EXIF/file time
    identifier: Identifier | None = None
    artifact: Artifact | None = None
    day_from: str | None = None  # messages: "separator" (the day shown above) or "unknown"
    day_relative_to: str | None = None  # a relative day ("Today"): what it was counted from


def provenance(label: str, region: Box | None) -> str:
    if region is None:
        return _("read from screenshot {item}").format(item=label)
    x, y, w, h = region
    return _("read from screenshot {item}, region x={x} y={y} {w}×{h}").format(
        item=label, x=x, y=y, w=w, h=h)


# -- listing ------------------------------------------------------------------------


def proposals(vault: Vault, case: Case, item: Item | None = None) -> list[Proposal]:
    """The proposals of one item, or of every current item (withdrawn pictures and
    earlier versions are left out of the case-wide review)."""
    hidden = set(vault.store.hidden_item_ids(case.id or 0)) if item is None else set()
    found: list[Proposal] = []
    for doc_item, artifact, document in documents(vault, case):
        if (item is None or doc_item.id == item.id) and doc_item.id not in hidden:
            found.extend(_of_document(vault, case, doc_item, artifact, document))
    found.extend(p for p in _identifiers(vault, case, item) if p.item.id not in hidden)
    return found


def _of_document(vault: Vault, case: Case, item: Item, artifact: Artifact,
                 document: OcrDocument) -> list[Proposal]:
    decided = _decisions(vault, case, item, artifact)
    found = [_message(case, item, artifact, n, m, decided)
             for n, m in enumerate(document.chat.messages, 1)]
    observed = _observation(case, item, artifact, document, decided)
    return found + ([observed] if observed else [])


def _decisions(vault: Vault, case: Case, item: Item, artifact: Artifact) -> dict[str, State]:
    """proposal key ("p2", "t") -> its state by the last decision."""
    states: dict[str, State] = {}
    for entry in vault.store.custody_for(case_chain(case.id or 0), item.label):
        if entry.action == REJECTED_ACTION and entry.payload.get("artifact") == artifact.sha256:
            states[str(entry.payload.get("proposal"))] = State.REJECTED
    for event in vault.store.events(case.id or 0, item.id):
        details = dict(event.details)
        if details.get("source") == SOURCE and details.get("artifact") == artifact.sha256:
            states[details.get("proposal", "")] = State.CONFIRMED
    return states


def _message(case: Case, item: Item, artifact: Artifact, number: int,
             message: ProposedMessage, decided: dict[str, State]) -> Proposal:
    key = f"p{number}"
    shown = " ".join(p for p in (message.day.raw if message.day else None,
                                 message.time.raw if message.time else None) if p)
    known = message.day is not None and message.day.day is not None
    relative = known and message.day is not None and clock.is_relative(message.day.raw)
    return Proposal(f"{item.label}:{key}", Kind.MESSAGE, decided.get(key, State.OPEN), item,
                    message.text, message.region, _message_time(case, message),
                    message.side.value, shown or None, artifact=artifact,
                    day_from=DAY_FROM_SEPARATOR if known else DAY_UNKNOWN,
                    day_relative_to=day_basis(item) if relative else None)


def day_basis(item: Item) -> str:
    """What "today" on the picture was counted from (:func:`reference_day`): the EXIF
    time it was taken, the file's modification time, or when it was added."""
    if item.media is not None and item.media.taken_at is not None:
        return "exif"
    return "file-time" if observed_at(item) is not None else "added"


def _message_time(case: Case, message: ProposedMessage) -> Instant | None:
    """The day shown above the bubble and the time drawn with it, read in the case zone
    (minute precision); the day alone when no time was read (day precision)."""
    if message.day is None or message.day.day is None:
        return None
    if message.time is None:
        return instant.from_local(datetime.combine(message.day.day, time()), case.time_zone,
                                  OffsetSource.ASSUMED_ZONE, Precision.DAY,
                                  raw=message.day.raw)
    wall = datetime.combine(message.day.day, time(message.time.hour, message.time.minute))
    return instant.from_local(wall, case.time_zone, OffsetSource.ASSUMED_ZONE,
                              Precision.MINUTE, raw=f"{message.day.raw} {message.time.raw}")


def _observation(case: Case, item: Item, artifact: Artifact, document: OcrDocument,
                 decided: dict[str, State]) -> Proposal | None:
    file_time, clock = observed_at(item), document.chat.status_clock
    if clock is None and file_time is None:
        return None
    at = file_time
    if clock is not None:
        wall = datetime.combine(reference_day(item), time(clock.hour, clock.minute))
        at = instant.from_local(wall, case.time_zone, OffsetSource.ASSUMED_ZONE,
                                Precision.MINUTE, raw=clock.raw)
    return Proposal(f"{item.label}:t", Kind.OBSERVED, decided.get("t", State.OPEN), item,
                    "", document.chat.status_region, at, None,
                    clock.raw if clock else None, file_time, artifact=artifact)


def _identifiers(vault: Vault, case: Case, item: Item | None) -> list[Proposal]:
    found = []
    for identifier in vault.store.identifiers(case.id or 0):
        location = identifier.location
        if location is None or not (location.field or "").startswith("ocr"):
            continue
        if item is not None and identifier.item_id != item.id:
            continue
        owner = vault.store.item_by_id(identifier.item_id or 0)
        if owner is not None:
            found.append(Proposal(f"I-{identifier.id}", Kind.IDENTIFIER,
                                  State(identifier.status.value), owner, identifier.value,
                                  location.region, identifier=identifier))
    return found


# -- deciding -----------------------------------------------------------------------


def find(vault: Vault, case: Case, ref: str) -> Proposal:
    item = _item_of(vault, case, ref)
    for proposal in proposals(vault, case, item):
        if proposal.ref.casefold() == _normal(ref).casefold():
            return proposal
    raise NoSuchItem(_("There is no proposal {ref}. 'spoorvast proposals' lists them.")
                     .format(ref=ref))


def _normal(ref: str) -> str:
    match = _ITEM_REF.match(ref.strip())
    if match:
        return f"{item_label(int(match.group(1)))}:{match.group(2).lower()}"
    ident = _IDENT_REF.match(ref.strip())
    return f"I-{int(ident.group(1))}" if ident else ref.strip()


def _item_of(vault: Vault, case: Case, ref: str) -> Item | None:
    match = _ITEM_REF.match(ref.strip())
    if match:
        return case_service.find_item(vault, case, match.group(1))
    if _IDENT_REF.match(ref.strip()):
        return None
    raise NoSuchItem(_("{ref} is not a proposal (they look like E-0003:p2, E-0003:t or "
                       "I-17).").format(ref=ref))


def confirm(vault: Vault, case: Case, proposal: Proposal, day: date | None = None) -> Proposal:
    if proposal.kind is Kind.IDENTIFIER:
        return _set_identifier(vault, proposal, IdentifierStatus.CONFIRMED)
    if proposal.state is State.CONFIRMED:
        return proposal
    event = _event(case, proposal, day)
    with vault.store.transaction() as tx:
        tx.add_events(proposal.item, [event])
        if proposal.kind is Kind.MESSAGE and event.instant is None:
            tx.add_finding(proposal.item, Problem(
                Severity.WARNING, NO_DAY_CODE, (("proposal", proposal.ref),),
                event.location))
        elif proposal.day_relative_to is not None and event.instant is not None:
            tx.add_finding(proposal.item, _relative_day(proposal, event))
    return _with_state(proposal, State.CONFIRMED, event.instant)


def _relative_day(proposal: Proposal, event: Event) -> Problem:
    """The finding that a message's day was counted from the picture's own time, and
    how sure that is (by what the time was taken from)."""
    assert event.instant is not None and proposal.day_relative_to is not None
    severity = Severity.INFO if proposal.day_relative_to == "exif" else Severity.WARNING
    return Problem(severity, RELATIVE_DAY_CODES[proposal.day_relative_to], (
        ("proposal", proposal.ref), ("shown", proposal.shown_time or ""),
        ("day", event.instant.local.date().isoformat())), event.location)


def reject(vault: Vault, case: Case, proposal: Proposal) -> Proposal:
    if proposal.kind is Kind.IDENTIFIER:
        return _set_identifier(vault, proposal, IdentifierStatus.REJECTED)
    if proposal.state is State.CONFIRMED:
        raise UserError(_("{ref} is already confirmed as evidence; a confirmed event is "
                          "kept.").format(ref=proposal.ref))
    assert proposal.artifact is not None
    with vault.store.transaction() as tx:
        tx.log(case_chain(case.id or 0), REJECTED_ACTION, proposal.item.label,
               {"proposal": proposal.ref.rpartition(":")[2],
                "artifact": proposal.artifact.sha256})
    return _with_state(proposal, State.REJECTED, proposal.at)


def _with_state(proposal: Proposal, state: State, at: Instant | None) -> Proposal:
    return replace(proposal, state=state, at=at)


def _set_identifier(vault: Vault, proposal: Proposal, status: IdentifierStatus) -> Proposal:
    assert proposal.identifier is not None
    with vault.store.transaction() as tx:
        updated = tx.update_identifier(replace(proposal.identifier, status=status))
    return replace(proposal, state=State(status.value), identifier=updated)


def _event(case: Case, proposal: Proposal, day: date | None) -> Event:
    assert proposal.artifact is not None and case.id is not None
    key = proposal.ref.rpartition(":")[2]
    at, day_from = proposal.at, proposal.day_from
    if proposal.kind is Kind.MESSAGE and at is None and day is not None:
        at = _with_day(case, proposal, day)
        day_from = DAY_FROM_USER if at is not None else day_from
    details = [("source", SOURCE), ("proposal", key), ("artifact", proposal.artifact.sha256),
               ("screenshot", proposal.item.label)]
    if proposal.kind is Kind.MESSAGE:
        details.append(("day_from", day_from or DAY_UNKNOWN))
        if proposal.day_relative_to is not None and day_from == DAY_FROM_SEPARATOR:
            details.append(("day_relative_to", proposal.day_relative_to))
        if proposal.shown_time:
            details.append(("shown_time", proposal.shown_time))
    if proposal.region is not None:
        details.append(("region", ",".join(str(v) for v in proposal.region)))
    if proposal.side:
        details.append(("side", proposal.side))
    if proposal.file_time is not None:
        details.append(("file_time", proposal.file_time.isoformat()))
    kind = "message" if proposal.kind is Kind.MESSAGE else "observed-at"
    location = Location(artifact_sha256=proposal.artifact.sha256,
                        line=int(key[1:]) if key[1:] else None, region=proposal.region,
                        field=proposal.side or "status-bar")
    return Event(None, case.id, proposal.item.id, kind, at, proposal.text,
                 location=location, details=tuple(details))


def _with_day(case: Case, proposal: Proposal, day: date) -> Instant | None:
    """A time shown without a day, on the day the user gives."""
    times = clock.find_times(proposal.shown_time or "")
    if not times:
        return None
    wall = datetime.combine(day, time(times[-1].hour, times[-1].minute))
    return instant.from_local(wall, case.time_zone, OffsetSource.USER, Precision.MINUTE,
                              raw=f"{day.isoformat()} {proposal.shown_time}")
