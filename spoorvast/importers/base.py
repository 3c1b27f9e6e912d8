"""What an importer sees and what it gives back.

The intake service seals the input's original bytes *before* any importer runs; the
importer then turns the input into one or more :class:`ItemDraft` records (an mbox
gives one item per message, a plain file one item). Importers never touch storage:
``ImportContext.seal`` stores a derived file and returns its Artifact record.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from spoorvast.model.instant import Instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Event,
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
    events: list[Event] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)


Sealer = Callable[[bytes, ArtifactRole, str, str, str | None], Artifact]


@dataclass(frozen=True, slots=True)
class ImportContext:
    case_id: int
    case_zone: str
    acquired_at: Instant
    seal: Sealer  # (data, role, name, media_type, derived_from sha256) -> Artifact


class Importer(Protocol):
    name: str
    priority: int  # higher is tried first; the plain-file importer is 0

    def detect(self, source: Source) -> bool: ...

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]: ...
