"""The dossier as typed records: what is gathered from the vault, and what is placed
in the bundle. No I/O here.

A :class:`Dossier` is everything the PDF and the manifest say about one case, already
in the dossier language and already redacted where the options ask for it. A
:class:`Placed` file is one file written into the bundle, with the SHA-256 of the
bytes in the bundle (which differs from the stored artifact only where the bundle
holds a transformed copy, and then says so).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spoorvast.model.instant import Instant
from spoorvast.model.records import Artifact, Case, CustodyEntry, Event, Item
from spoorvast.services.patterns import Patterns

if TYPE_CHECKING:
    from spoorvast.dossier.preservation import AccountSheet

MANIFEST_SCHEMA = "spoorvast.dossier-manifest/1"


class Transform(enum.StrEnum):
    """Why a bundle copy differs from the stored bytes."""

    SESSION_SECRETS_REMOVED = "session-secrets-removed"  # WACZ/HAR/MHTML/JSON of a capture
    METADATA_REMOVED = "metadata-removed"  # disclosure copy of the victim's own photo


@dataclass(frozen=True, slots=True)
class DossierOptions:
    language: str
    redact_third_parties: bool = False
    include_gps: bool = False
    make_zip: bool = True
    generated_at: Instant | None = None  # fixed in tests; the clock otherwise
    # RFC 3161 authorities (URLs) that time-stamp SHA256SUMS, each in turn; empty (the
    # default) means no network at all. Pass them only when the person allowed network;
    # bundle_stamps.default_urls() gives two independent public ones.
    tsa_urls: tuple[str, ...] = ()
    # items (labels, E-0002) the person chose to leave out of this dossier; they stay
    # sealed in the vault and in the custody log, and the dossier says which
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Placed:
    """One file in the bundle."""

    path: str  # relative POSIX path inside the bundle
    sha256: str  # of the bytes in the bundle
    size: int
    artifact: Artifact | None = None  # the stored artifact it copies, if any
    transform: Transform | None = None
    removed: tuple[str, ...] = ()  # what a transform took out ("gps", "exif", "cookies")


@dataclass(frozen=True, slots=True)
class IdentifierView:
    kind: str
    value: str  # as shown (redacted where asked)
    status: str
    platform: str | None
    stable_id: str | None
    source: str  # where it came from: "E-0004 (line 12)", "typed by the user"
    redacted: bool = False


@dataclass(frozen=True, slots=True)
class PartyView:
    id: int
    role: str
    name: str  # as shown
    identifiers: tuple[IdentifierView, ...]
    redacted: bool = False


@dataclass(frozen=True, slots=True)
class EventView:
    ref: str  # E-0012:m4711
    event: Event
    item_label: str | None
    actor: str  # as shown (redacted where asked)
    party_role: str | None  # victim / suspect / witness / other / None
    text: str  # as shown


@dataclass(frozen=True, slots=True)
class NoteView:
    kind: str
    label: str
    text: str
    at: Instant | None
    reference: str | None
    authority: str | None
    url: str | None
    amount: str | None
    currency: str | None
    to_account: str | None
    images_sent: bool | None


@dataclass(frozen=True, slots=True)
class InfoSection:
    """A titled block of an item: key/value rows and free lines (already translated)."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemView:
    item: Item
    artifacts: tuple[Artifact, ...]
    findings: tuple[str, ...]  # rendered in the dossier language
    sections: tuple[InfoSection, ...] = ()  # capture record, e-mail verdict, note…
    runs: tuple[tuple[EventView, ...], ...] = ()  # marked messages with context
    marked: int = 0
    events: int = 0
    note: NoteView | None = None
    sender: str | None = None  # an e-mail's From mailbox (lower case)


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    id: str
    status: str
    items: tuple[str, ...]
    identifiers: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class ChannelCount:
    """What the suspects sent through one item (a chat, a call list, a mailbox)."""

    item_label: str
    item_kind: str
    title: str
    what: str  # message / call / email
    count: int


INCOMING = ("in", "missed", "rejected")  # a call the suspect made


@dataclass(frozen=True, slots=True)
class CallView:
    ref: str
    item_label: str | None
    at: Instant | None
    actor_key: str | None
    shown: str  # the number (and its person), as shown; "" when hidden
    role: str | None  # party role of the number
    direction: str  # in / out / missed / rejected / other / ""
    duration: int | None  # seconds
    hidden: bool

    @property
    def incoming(self) -> bool:
        return self.direction in INCOMING


@dataclass(frozen=True, slots=True)
class Redactions:
    """What was left out or replaced, so that the PDF can say so."""

    third_parties: int = 0  # people replaced by "third party N"
    identifiers: int = 0  # identifier values replaced
    photos_without_metadata: int = 0  # victim's photos shown without GPS / EXIF
    photos_with_gps: int = 0  # of those, how many had GPS


@dataclass
class Dossier:
    case: Case
    options: DossierOptions
    generated_at: Instant
    tool_version: str
    complainant: str
    items: list[ItemView] = field(default_factory=list)
    parties: list[PartyView] = field(default_factory=list)
    marked: list[EventView] = field(default_factory=list)
    notes: list[NoteView] = field(default_factory=list)
    checklist: list[ChecklistRow] = field(default_factory=list)
    custody: list[CustodyEntry] = field(default_factory=list)
    redactions: Redactions = field(default_factory=Redactions)
    pattern_lines: list[str] = field(default_factory=list)
    patterns: Patterns | None = None  # the suspects' own contacts only
    channels: list[ChannelCount] = field(default_factory=list)
    calls: list[CallView] = field(default_factory=list)
    unlinked: list[IdentifierView] = field(default_factory=list)  # confirmed, no person
    call_total: int = 0
    accounts: list[AccountSheet] = field(default_factory=list)  # e-Evidence sheets
