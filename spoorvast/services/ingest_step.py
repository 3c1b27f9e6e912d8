"""The ingest step runner: one of the few places with a broad ``except``.

An importer that fails on an input never loses it: the original is already sealed, so
the input is kept as a plain file item with a Finding that names the importer and the
kind of failure (never the content).
"""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.files import PlainFileImporter
from spoorvast.importers.registry import Registry
from spoorvast.model.records import Location, Problem, Severity

register_codes({
    "import.failed": N_("The {importer} reader could not read this file ({error}); it was "
                        "kept unchanged as a plain file."),
})


def run_importer(registry: Registry, context: ImportContext, source: Source) -> list[ItemDraft]:
    importer = registry.detect(source)
    try:
        drafts = list(importer.read(context, source))
        if drafts:
            return drafts
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
