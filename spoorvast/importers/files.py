"""The plain-file importer: any file becomes one item holding its original.

Images, recordings and PDFs are described by ``analysis.media`` (dimensions, EXIF time,
device, GPS presence, perceptual hash, duration, codecs, page count). A picture a
dossier would show gets its reduced copy for the dossier sealed beside it (role
``dossier-preview``, derived from the original). It claims every input, so it is tried
last.
"""

from __future__ import annotations

from collections.abc import Iterator

from spoorvast.analysis import media, picture_preview
from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.registry import Registry
from spoorvast.model.instant import Precision, from_epoch
from spoorvast.model.records import ArtifactRole, FileFacts


class PlainFileImporter:
    name = "file"
    priority = 0

    def detect(self, source: Source) -> bool:
        return True

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        report = media.analyse(source.path, context.case_zone, source.media_type,
                               preview=True)
        artifacts = [source.original]
        if report.preview is not None:  # sealed beside the picture, for the dossier
            artifacts.append(context.seal(report.preview.data, ArtifactRole.DOSSIER_PREVIEW,
                                          report.preview.name, picture_preview.MEDIA_TYPE,
                                          source.original.sha256))
        yield ItemDraft(
            kind=report.kind, title=source.name, importer=self.name,
            artifacts=artifacts, file=file_facts(source, context.case_zone),
            media=report.media, problems=list(report.problems),
        )


def file_facts(source: Source, zone: str) -> FileFacts:
    st = source.stat
    return FileFacts(
        original_name=source.name, size=st.st_size, media_type=source.media_type,
        modified_at=from_epoch(st.st_mtime_ns / 1e9, zone, Precision.MICROSECOND),
        changed_at=from_epoch(st.st_ctime_ns / 1e9, zone, Precision.MICROSECOND),
    )


def register(registry: Registry) -> None:
    registry.register(PlainFileImporter())
