"""The ingest step runner: one of the few places with a broad ``except``.

An importer that fails on an input never loses it: the original is already sealed, so
the input is kept as a plain file item with a Finding that names the importer and the
kind of failure (never the content).
"""

from __future__ import annotations

from collections.abc import Iterator

from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.files import PlainFileImporter
from spoorvast.importers.registry import Registry
from spoorvast.model.message_run import EventStream, MessageRun, count_of
from spoorvast.model.records import Event, Location, Problem, Severity

register_codes({
    "import.stopped": N_("The {importer} reader stopped after {count} events ({error}); the "
                         "rest of the file was not read into events, but the original is "
                         "sealed unchanged."),
    "import.failed": N_("The {importer} reader could not read this file ({error}); it was "
                        "kept unchanged as a plain file."),
})


def run_importer(registry: Registry, context: ImportContext, source: Source) -> list[ItemDraft]:
    importer = registry.detect(source)
    try:
        drafts = list(importer.read(context, source))
        if drafts:
            return [_guarded(d, importer.name, source.original.sha256) for d in drafts]
        raise ValueError("no item")
    except Exception as exc:
        if isinstance(importer, PlainFileImporter):
            raise
        fallback = list(PlainFileImporter().read(context, source))
        fallback[0].problems.append(Problem(
            Severity.ERROR, "import.failed",
            (("importer", importer.name), ("error", type(exc).__name__)),
            Location(artifact_sha256=source.original.sha256)))
        return fallback


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
