"""The domain records: plain frozen dataclasses, no I/O.

Names follow DESIGN.md: Case, Party, Identifier, Item, Artifact, Event, CustodyEntry and
Finding. Records read from storage carry their database id; records about to be stored
are built with ``id=None`` and returned by the storage API with their id filled in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from spoorvast.model.fastinit import fast_init
from spoorvast.model.instant import Instant

LANGUAGES = ("nl", "fr", "de", "en")


class ItemKind(enum.StrEnum):
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    PDF = "pdf"
    DOCUMENT = "document"
    FILE = "file"
    CAPTURE = "capture"
    EMAIL = "email"
    CONVERSATION = "conversation"
    CALL_LOG = "call-log"
    NOTE = "note"


class ArtifactRole(enum.StrEnum):
    ORIGINAL = "original"
    SCREENSHOT = "screenshot"
    MHTML = "mhtml"
    PDF = "pdf"
    WACZ = "wacz"
    OCR_TEXT = "ocr-text"
    ANALYSIS = "analysis"
    TIMESTAMP_TOKEN = "timestamp-token"
    ATTACHMENT = "attachment"
    THUMBNAIL = "thumbnail"
    BLURRED_PREVIEW = "blurred-preview"  # an item marked harmful: shown blurred by default
    DOM = "dom"  # web capture: the page's DOM after load
    TIMESTAMP_CERTS = "timestamp-certificates"  # web capture: the TSA's certificate chain
    # a picture's reduced JPEG that the dossier PDF shows (analysis/picture_preview.py): a
    # rendering aid, not evidence; the dossier's bundle and file lists leave it out
    DOSSIER_PREVIEW = "dossier-preview"


class PartyRole(enum.StrEnum):
    VICTIM = "victim"
    SUSPECT = "suspect"
    WITNESS = "witness"
    OTHER = "other"


class IdentifierKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    ACCOUNT = "account"
    IP = "ip"
    NAME = "name"
    URL = "url"


class IdentifierStatus(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CORRECTED = "corrected"  # an earlier version: a newer identifier corrects it


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@fast_init
@dataclass(frozen=True, slots=True)
class Location:
    """Where in a source something comes from. Every field is optional."""

    artifact_sha256: str | None = None
    line: int | None = None
    byte_start: int | None = None
    byte_end: int | None = None
    field: str | None = None
    region: tuple[int, int, int, int] | None = None  # x, y, width, height in pixels


@dataclass(frozen=True, slots=True)
class Case:
    id: int | None
    title: str
    language: str
    time_zone: str
    created_at: Instant
    description: str = ""


@dataclass(frozen=True, slots=True)
class Party:
    id: int | None
    case_id: int
    role: PartyRole
    name: str
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Identifier:
    id: int | None
    case_id: int
    kind: IdentifierKind
    value: str
    party_id: int | None = None
    platform: str | None = None
    stable_id: str | None = None
    status: IdentifierStatus = IdentifierStatus.PROPOSED
    item_id: int | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the file system told us about an input file, as it was when read."""

    original_name: str
    size: int
    media_type: str
    modified_at: Instant | None = None
    changed_at: Instant | None = None


@dataclass(frozen=True, slots=True)
class MediaFacts:
    """What the content says about itself (images, recordings, PDFs)."""

    width: int | None = None
    height: int | None = None
    taken_at: Instant | None = None
    device: str | None = None
    gps_present: bool | None = None
    perceptual_hash: str | None = None
    duration_seconds: float | None = None
    codecs: tuple[str, ...] = ()
    recorded_at: Instant | None = None
    page_count: int | None = None
    frame_count: int | None = None


@dataclass(frozen=True, slots=True)
class Artifact:
    id: int | None
    item_id: int | None
    role: ArtifactRole
    media_type: str
    size: int
    sha256: str
    name: str
    created_at: Instant
    derived_from: str | None = None  # sha256 of the artifact it was made from


@dataclass(frozen=True, slots=True)
class Item:
    id: int | None
    case_id: int
    number: int
    kind: ItemKind
    title: str
    acquired_at: Instant
    importer: str
    file: FileFacts | None = None
    media: MediaFacts | None = None

    @property
    def label(self) -> str:
        return item_label(self.number)


def item_label(number: int) -> str:
    return f"E-{number:04d}"


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """An item taken out of the checklist, timeline, search, patterns and dossier. Its
    sealed original stays in the vault; ``restore`` undoes it. Both are custody entries."""

    item_id: int
    case_id: int
    at: Instant
    reason: str


@dataclass(frozen=True, slots=True)
class Correction:
    """Item ``item_id`` is a corrected, newly sealed version of item ``supersedes`` (a
    note, a typed call record). The older one stays sealed; listings show the latest."""

    item_id: int
    case_id: int
    supersedes: int
    at: Instant
    reason: str


@dataclass(frozen=True, slots=True)
class EventCorrection:
    """Event ``event_id`` is a corrected version of event ``supersedes`` (a confirmed OCR
    proposal read wrong). The older one stays stored; case-wide reads leave it out."""

    event_id: int
    case_id: int
    supersedes: int
    at: Instant
    reason: str


@fast_init
@dataclass(frozen=True, slots=True)
class Event:
    id: int | None
    case_id: int
    item_id: int | None
    kind: str
    instant: Instant | None
    text: str = ""
    actor_identifier_id: int | None = None
    location: Location | None = None
    marked: bool = False
    # who, as a key: "phone:+32470123456", "account:telegram:user42", "name:Jan" (weak)
    actor: str | None = None
    attachments: tuple[str, ...] = ()  # sha256 of the attachment artifacts
    details: tuple[tuple[str, str], ...] = ()  # typed per kind (direction, duration…)
    seq: int | None = None  # position in its item (1, 2, …), set by storage: E-0012:m4711


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem stored as data, pointing at its source.

    ``code`` is a stable key (``"media.exif-unreadable"``); ``params`` fill the
    translated message for that code. Neither holds evidence content.
    """

    id: int | None
    case_id: int
    item_id: int | None
    severity: Severity
    code: str
    params: tuple[tuple[str, str], ...] = ()
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class CustodyEntry:
    """One line of the hash-chained custody log.

    ``chain`` is ``"vault"`` or ``"case-<id>"``; ``seq`` counts from 1 in each chain.
    ``hash`` = SHA-256 over the canonical JSON of every other field (see custody.py).
    """

    chain: str
    seq: int
    at: str  # UTC, ISO 8601 with microseconds
    actor: str
    action: str
    subject: str
    payload: dict[str, object] = field(default_factory=dict)
    prev_hash: str = ""
    hash: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """A Finding before it is stored: what analysers and importers report."""

    severity: Severity
    code: str
    params: tuple[tuple[str, str], ...] = ()
    location: Location | None = None
