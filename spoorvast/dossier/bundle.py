"""The bundle folder: originals, derived files, disclosure copies, and the index files.

::

    DOSSIER.pdf              the readable dossier (its cover carries the bundle SHA-256)
    DOSSIER.pdf.sha256       the PDF's own SHA-256 (``sha256sum -c DOSSIER.pdf.sha256``)
    SHA256SUMS               SHA-256 of every other file (``sha256sum -c SHA256SUMS``)
    VERIFY.txt               how to check all of it, in the dossier language
    manifest.json            items, artifacts, hashes, parties, marked events (see
                             docs/dossier-bundle.md)
    custody.jsonl            the case's custody log, one hash-chained entry per line
    originals/E-0001/…       the bytes as sealed, complete (metadata included)
    derived/E-0001/<role>/…  screenshots, analyses, OCR text, WACZ (session secrets removed),
                             timestamp tokens and certificates …
    disclosure/E-0001/…      the victim's own photos without GPS / EXIF (see disclosure.py)
    charts/                  contact patterns (PNG + SVG)
    timestamps/              RFC 3161 tokens over SHA256SUMS, one per authority, with the
                             certificates each came with (only when the person allowed
                             network; written after SHA256SUMS, so not listed in it)

The bundle SHA-256 is the SHA-256 of the file SHA256SUMS: it fixes every file listed
there. It cannot cover the PDF (the PDF prints it) nor SHA256SUMS itself.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spoorvast.capture.strip import export_copy, needs_stripping
from spoorvast.dossier import custody_log, files
from spoorvast.dossier.disclosure import NotStrippable, strip_metadata
from spoorvast.dossier.model import Dossier, Placed, Transform
from spoorvast.dossier.names import NameSpace
from spoorvast.model.records import Artifact, ArtifactRole, ItemKind
from spoorvast.storage.scratch import private_file, register_output
from spoorvast.storage.vault import Vault

PDF = "DOSSIER.pdf"
PDF_SUM = "DOSSIER.pdf.sha256"
SUMS = "SHA256SUMS"
VERIFY = "VERIFY.txt"
MANIFEST = "manifest.json"
CUSTODY = "custody.jsonl"
NOT_IN_SUMS = (PDF, PDF_SUM, SUMS)
PHOTO_TYPES = ("image/jpeg", "image/png")

COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".zip", ".wacz", ".gz", ".mp4",
              ".m4a", ".mp3", ".ogg", ".opus", ".pdf", ".heic", ".mov", ".webm")
Advance = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Withheld:
    artifact: Artifact
    reason: str  # "session-secrets-not-removable"


@dataclass
class Placement:
    placed: list[Placed]
    withheld: list[Withheld]

    def for_sha(self, sha256: str) -> Placed | None:
        return next((p for p in self.placed if p.artifact is not None
                     and p.artifact.sha256 == sha256 and p.transform is not
                     Transform.METADATA_REMOVED), None)


def place_items(vault: Vault, dossier: Dossier, root: Path, advance: Advance) -> Placement:
    names, result = NameSpace(), Placement([], [])
    for view in dossier.items:
        label = view.item.label
        for artifact in view.artifacts:
            _place_artifact(vault, artifact, view.item.importer, label, root, names, result)
        if view.item.kind is ItemKind.IMAGE and not dossier.options.include_gps:
            _place_disclosure(vault, view.artifacts, label, root, names, result)
        advance()
    return result


def _place_artifact(vault: Vault, artifact: Artifact, importer: str | None, label: str,
                    root: Path, names: NameSpace, result: Placement) -> None:
    if artifact.role is ArtifactRole.ORIGINAL:
        folder = f"originals/{label}"
    else:
        folder = f"derived/{label}/{artifact.role.value}"
    if not needs_stripping(artifact, importer):
        result.placed.append(files.copy_artifact(vault, artifact, root,
                                                 names.claim(folder, artifact.name)))
        return
    try:
        copy = export_copy(artifact.name, vault.blobs.read_bytes(artifact.sha256))
    except Exception:  # a damaged archive: never export it with its secrets
        result.withheld.append(Withheld(artifact, "session-secrets-not-removable"))
        return
    if not copy.changed:  # nothing secret: the sealed bytes (a timestamp still checks)
        result.placed.append(files.write_bytes(root, names.claim(folder, artifact.name),
                                               copy.data, artifact))
        return
    result.placed.append(files.write_bytes(
        root, names.claim(folder, artifact.name), copy.data, artifact,
        Transform.SESSION_SECRETS_REMOVED, copy.removed))


def _place_disclosure(vault: Vault, artifacts: tuple[Artifact, ...], label: str, root: Path,
                      names: NameSpace, result: Placement) -> None:
    for artifact in artifacts:
        if artifact.role is not ArtifactRole.ORIGINAL or artifact.media_type not in PHOTO_TYPES:
            continue
        try:
            stripped = strip_metadata(vault.blobs.read_bytes(artifact.sha256),
                                      artifact.media_type)
        except NotStrippable:
            continue
        result.placed.append(files.write_bytes(
            root, names.claim(f"disclosure/{label}", artifact.name), stripped.data, artifact,
            Transform.METADATA_REMOVED, stripped.removed))


def write_custody(dossier: Dossier, root: Path) -> Placed:
    return files.write_bytes(root, CUSTODY, custody_log.write_lines(dossier.custody))


def sums_text(root: Path, known: dict[str, str]) -> bytes:
    """``sha256sum`` format over every file but the PDF, its sum and SHA256SUMS."""
    lines = []
    for rel in files.walk(root):
        if rel in NOT_IN_SUMS:
            continue
        sha = known.get(rel) or files.file_sha256(root / rel)
        lines.append(f"{sha}  {rel}\n")
    return "".join(lines).encode("utf-8")


def write_sums(root: Path, known: dict[str, str]) -> str:
    """Write SHA256SUMS; return the bundle SHA-256 (the SHA-256 of that file)."""
    data = sums_text(root, known)
    (root / SUMS).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def write_pdf_sum(root: Path) -> str:
    sha = files.file_sha256(root / PDF)
    (root / PDF_SUM).write_text(f"{sha}  {PDF}\n", encoding="utf-8")
    return sha


def make_zip(root: Path, target: Path, scratch: Path) -> Path:
    """The folder as a ZIP, with the folder name as its top directory, written under a
    hidden partial name (registered in ``scratch`` for the sweep) and then renamed."""
    partial = target.with_name(f".{target.name}.part")
    register_output(scratch, partial)
    try:
        with private_file(partial) as handle, zipfile.ZipFile(
                handle, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for rel in files.walk(root):
                stored = rel.lower().endswith(COMPRESSED)
                archive.write(root / rel, f"{root.name}/{rel}",
                              zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target
