"""What an importer sees and what it gives back.

The intake service seals the input's original bytes *before* any importer runs; the
importer then turns the input into one or more :class:`ItemDraft` records (an mbox
gives one item per message, a plain file one item). Importers never touch storage:
``ImportContext.seal`` stores a derived file and returns its Artifact record, and
``ImportContext.open_sealed`` reads a sealed file back (the bytes the events must point
at, whatever happens to the input file meanwhile).

Events may be lazy. A chat export of a million messages should not become a list of a
million records: an importer may give ``ItemDraft.events`` as a generator, which the
intake consumes once, while it writes the item (the next chunk is parsed while SQLite
indexes the last). While it yields events the generator may append to the draft's
``problems``, ``artifacts`` and ``identifiers``: those lists are read only after the
events are exhausted. An exception raised by the generator stops the item's events
there, with a Finding that says how many were read; the sealed original is unaffected.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from spoorvast.model.instant import Instant
from spoorvast.model.message_run import EventStream
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    FileFacts,
    Identifier,
    ItemKind,
    MediaFacts,
    Problem,
)


@dataclass(frozen=True, slots=True)
class Source:
    """One input file, as it was when sealed."""

    path: Path
    name: str
    media_type: str
    head: bytes  # the first bytes (up to 64 KiB), for detection
    stat: os.stat_result
    original: Artifact  # already sealed in the vault


@dataclass(slots=True)
class ItemDraft:
    kind: ItemKind
    title: str
    importer: str
    artifacts: list[Artifact]
    file: FileFacts | None = None
    media: MediaFacts | None = None
    problems: list[Problem] = field(default_factory=list)
    events: EventStream = field(default_factory=list)  # a list, or lazy (see above)
    identifiers: list[Identifier] = field(default_factory=list)


Sealer = Callable[[bytes, ArtifactRole, str, str, str | None], Artifact]
StreamSealer = Callable[[BinaryIO, ArtifactRole, str, str, str | None], Artifact]


@dataclass(frozen=True, slots=True)
class ImportContext:
    case_id: int
    case_zone: str
    acquired_at: Instant
    seal: Sealer  # (data, role, name, media_type, derived_from sha256) -> Artifact
    open_sealed: Callable[[str], BinaryIO] | None = None  # sha256 -> plaintext reader
    date_order: str | None = None  # "dmy", "mdy" or "ymd" when the user said which
    seal_stream: StreamSealer | None = None  # like ``seal``, reading a file object
    # e-mail: DKIM/ARC keys the user supplied ("selector._domainkey.domain" -> TXT record)
    # and whether DNS look-ups of the others are allowed (off unless the user says so)
    dkim_keys: Mapping[str, str] = field(default_factory=dict)
    dns_lookups: bool = False

    def seal_from(self, reader: BinaryIO, role: ArtifactRole, name: str, media_type: str,
                  derived_from: str | None) -> Artifact:
        """Seal what ``reader`` gives, streamed where the vault allows it (flat memory for
        a big archive member), else read whole."""
        if self.seal_stream is not None:
            return self.seal_stream(reader, role, name, media_type, derived_from)
        return self.seal(reader.read(), role, name, media_type, derived_from)


class Importer(Protocol):
    name: str
    priority: int  # higher is tried first; the plain-file importer is 0

    def detect(self, source: Source) -> bool: ...

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]: ...


def original_opener(context: ImportContext, source: Source) -> Callable[[], BinaryIO]:
    """Opens the sealed original (seekable: an archive can be read in place)."""
    return lambda: open_original(context, source)


def open_original(context: ImportContext, source: Source) -> BinaryIO:
    """The sealed original as a reader (the input file itself where no vault is open,
    as in unit tests of a parser)."""
    if context.open_sealed is not None:
        return context.open_sealed(source.original.sha256)
    return source.path.open("rb")
