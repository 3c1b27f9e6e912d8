"""The ingest step runner: one of the few places with a broad ``except``.

An importer that fails on an input never loses it: the original is already sealed, so
the input is kept as a plain file item with a Finding that names the importer and the
kind of failure (never the content).

Items are streamed like events (see :mod:`spoorvast.importers.base`): the first
``EAGER_DRAFTS`` drafts are read at once, and an importer that gives more (an mbox of
50,000 messages) has the rest read lazily, each draft written as it comes inside the
input's one transaction, so memory holds one draft however many there are. A failure
before the eager part is complete falls back to the plain file as above; a failure
later keeps the items read and says where the reader stopped (like a lazy event stream).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.files import PlainFileImporter
from spoorvast.importers.registry import Registry
from spoorvast.model.message_run import EventStream, MessageRun, count_of
from spoorvast.model.records import Event, Location, Problem, Severity

EAGER_DRAFTS = 64

register_codes({
    "import.stopped": N_("The {importer} reader stopped after {count} events ({error}); the "
                         "rest of the file was not read into events, but the original is "
                         "sealed unchanged."),
    "import.failed": N_("The {importer} reader could not read this file ({error}); it was "
                        "kept unchanged as a plain file."),
    "import.items-stopped": N_("The {importer} reader stopped after {count} items ({error}); "
                               "the rest of the file was not made into items, but the "
                               "original is sealed unchanged."),
})


@dataclass
class Drafts:
    """An input's drafts: ``first`` read at once, ``rest`` (when not None) lazy, consumed
    once by the writer; ``stopped`` is set when the lazy part ended in an error."""

    first: list[ItemDraft]
    rest: Iterator[ItemDraft] | None = None
    stopped: list[Problem] = field(default_factory=list)


def run_importer(registry: Registry, context: ImportContext, source: Source) -> Drafts:
    importer = registry.detect(source)
    try:
        stream = importer.read(context, source)
        first = list(itertools.islice(stream, EAGER_DRAFTS + 1))
        if not first:
            raise ValueError("no item")
        drafts = Drafts([_guarded(d, importer.name, source.original.sha256) for d in first])
        if len(first) > EAGER_DRAFTS:
            drafts.rest = _rest(drafts, stream, importer.name, source.original.sha256)
        return drafts
    except Exception as exc:
        if isinstance(importer, PlainFileImporter):
            raise
        fallback = list(PlainFileImporter().read(context, source))
        fallback[0].problems.append(Problem(
            Severity.ERROR, "import.failed",
            (("importer", importer.name), ("error", type(exc).__name__)),
            Location(artifact_sha256=source.original.sha256)))
        return Drafts(fallback)


def _rest(drafts: Drafts, stream: Iterator[ItemDraft], importer: str,
          sha256: str) -> Iterator[ItemDraft]:
    """The lazy part; an error stops it with a Problem in ``drafts.stopped``."""
    count = len(drafts.first)
    try:
        for draft in stream:
            yield _guarded(draft, importer, sha256)
            count += 1
    except Exception as exc:
        drafts.stopped.append(Problem(
            Severity.ERROR, "import.items-stopped",
            (("importer", importer), ("count", str(count)), ("error", type(exc).__name__)),
            Location(artifact_sha256=sha256)))


def _guarded(draft: ItemDraft, importer: str, sha256: str) -> ItemDraft:
    if not isinstance(draft.events, list):
        draft.events = _stop_on_error(draft, draft.events, importer, sha256)
    return draft


def _stop_on_error(draft: ItemDraft, events: EventStream, importer: str,
                   sha256: str) -> Iterator[Event | MessageRun]:
    """A lazy importer that fails half-way keeps what it read, and says where it stopped."""
    count = 0
    try:
        for found in events:
            yield found
            count += count_of(found)
    except Exception as exc:
        draft.problems.append(Problem(
            Severity.ERROR, "import.stopped",
            (("importer", importer), ("count", str(count)), ("error", type(exc).__name__)),
            Location(artifact_sha256=sha256)))
