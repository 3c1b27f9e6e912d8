"""Exports that come as a zip (a Telegram export folder, an Instagram / Facebook
download): the JSON documents inside are sealed as their own artifacts, and media paths
named by messages are resolved against the archive and sealed on first use."""

from __future__ import annotations

import mimetypes
import zipfile
import zlib
from dataclasses import dataclass, field, replace

from spoorvast.importers.base import ImportContext, ItemDraft, Source, original_opener
from spoorvast.importers.chat.shared.zipsafe import SafeZip, is_zip
from spoorvast.importers.files import file_facts
from spoorvast.model.records import Artifact, ArtifactRole, ItemKind, Severity

ZIP_MAGIC = b"PK\x03\x04"


def zip_names(source: Source) -> list[str] | None:
    """The safe entry names of a zip input, or None when it is not a readable zip."""
    if not source.head.startswith(ZIP_MAGIC) or not is_zip(source.path):
        return None
    try:
        return SafeZip(source.path, "").names()
    except (OSError, ValueError):
        return None


def entry_head(source: Source, name: str, size: int = 4096) -> bytes:
    """The first ``size`` bytes of one archive entry (for detection by shape); empty
    when it cannot be read. Reads at most ``size`` bytes, whatever the entry claims."""
    try:
        with zipfile.ZipFile(source.path) as archive, archive.open(name) as handle:
            return handle.read(size)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, zlib.error, RuntimeError,
            NotImplementedError, EOFError):
        return b""


@dataclass
class ZipFiles:
    """Entries of an archive, resolved by their path relative to the export's root."""

    archive: SafeZip | None
    context: ImportContext
    derived_from: str  # sha256 of the archive (the original)
    names: set[str] = field(default_factory=set)
    sealed: dict[str, Artifact] = field(default_factory=dict)
    _roots: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.archive is not None:
            self.names = set(self.archive.names())
        tops = {n.split("/", 1)[0] + "/" for n in self.names if "/" in n}
        self._roots = ["", *sorted(tops)]

    def entry(self, relative: str, base: str = "") -> str | None:
        """The archive entry for a path written relative to ``base`` or to the root."""
        clean = relative.replace("\\", "/").lstrip("/")
        for root in (base, *self._roots):
            if root + clean in self.names:
                return root + clean
        return None

    def seal(self, entry: str, role: ArtifactRole = ArtifactRole.ATTACHMENT,
             media_type: str | None = None) -> Artifact | None:
        if entry in self.sealed:
            return self.sealed[entry]
        if self.archive is None:
            return None
        name = entry.rsplit("/", 1)[-1]
        kind = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        artifact = self.archive.seal(entry, lambda reader: self.context.seal_from(
            reader, role, name, kind, self.derived_from))
        if artifact is not None:
            self.sealed[entry] = artifact
        return artifact

    def read_sealed(self, entry: str, media_type: str) -> tuple[bytes, Artifact] | None:
        """A document inside the archive: its bytes and its sealed artifact."""
        data = None if self.archive is None else self.archive.read(entry)
        if data is None:
            return None
        name = entry.rsplit("/", 1)[-1]
        artifact = self.context.seal(data, ArtifactRole.ATTACHMENT, name, media_type,
                                     self.derived_from)
        self.sealed[entry] = artifact
        return data, artifact

    def resolve(self, relative: str, base: str = "") -> str | None:
        """sha256 of the sealed file a message names, or None when not in the archive."""
        entry = self.entry(relative, base)
        artifact = None if entry is None else self.seal(entry)
        return None if artifact is None else artifact.sha256


def open_files(context: ImportContext, source: Source) -> ZipFiles:
    """The input's archive (when it is a zip), or an empty one."""
    archive = None
    if source.head.startswith(ZIP_MAGIC) and is_zip(source.path):
        archive = SafeZip(original_opener(context, source), source.original.sha256)
    return ZipFiles(archive, context, source.original.sha256)


def unread_archive(context: ImportContext, source: Source, archive: SafeZip,
                   importer: str) -> ItemDraft:
    """An export archive whose chat document could not be read (a zip bomb, a broken
    entry): kept sealed as a plain file, with the archive's findings, the size ones as
    errors (they name the entry that was not read)."""
    problems = [replace(p, severity=Severity.ERROR) if p.code == "chat.zip-too-big" else p
                for p in archive.problems]
    return ItemDraft(kind=ItemKind.FILE, title=source.name, importer=importer,
                     artifacts=[source.original], problems=problems,
                     file=file_facts(source, context.case_zone))
