"""The previews the PDF shows, written only into the private scratch directory.

A picture added since previews are made at intake has its preview sealed beside it
(role ``dossier-preview``, see :mod:`spoorvast.analysis.picture_preview`): the dossier
decrypts it (and checks its SHA-256) instead of decoding the picture. One that is
missing (a vault older than that, a chat's photo, a capture), damaged, or made with
other parameters (its name says which) is made here as before, and sealed when the
dossier is done (:func:`keep`), so the next dossier finds it. What cannot be read gets
no preview rather than an error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spoorvast.analysis import picture_preview
from spoorvast.model import instant
from spoorvast.model.records import Artifact, ArtifactRole, Item, ItemKind
from spoorvast.storage.blobs import BlobDamaged
from spoorvast.storage.vault import Vault

IMAGE_TYPES = picture_preview.SOURCE_TYPES
MAX_SOURCE_BYTES = picture_preview.MAX_SOURCE_BYTES


@dataclass(frozen=True, slots=True)
class Preview:
    path: str  # relative to the scratch root
    cropped: bool
    source_sha256: str
    made: bytes | None = None  # made for this dossier (none was stored): kept after it


@dataclass(frozen=True, slots=True)
class Stored:
    artifact: Artifact
    cropped: bool


def source_for(kind: ItemKind, artifacts: tuple[Artifact, ...]) -> Artifact | None:
    """The artifact to preview: a capture's screenshot, an image item's original."""
    return picture_preview.source_of(artifacts)


def stored_for(source: Artifact, artifacts: Iterable[Artifact]) -> Stored | None:
    """The sealed preview of ``source`` made with this version's parameters, if any."""
    for artifact in artifacts:
        if (artifact.role is ArtifactRole.DOSSIER_PREVIEW
                and artifact.derived_from == source.sha256
                and artifact.media_type == picture_preview.MEDIA_TYPE):
            cropped = picture_preview.cropped_by_name(artifact.name)
            if cropped is not None:
                return Stored(artifact, cropped)
    return None


def make_preview(vault: Vault, artifact: Artifact, scratch: Path, name: str,
                 stored: Stored | None = None) -> Preview | None:
    """``artifact``'s preview as ``img/<name>.jpg`` in ``scratch``: the ``stored`` one
    when it decrypts whole to its SHA-256, else made from the picture."""
    rel = f"img/{name}.jpg"
    (scratch / "img").mkdir(mode=0o700, exist_ok=True)
    data = _stored_bytes(vault, stored) if stored is not None else None
    if data is not None and stored is not None:
        (scratch / rel).write_bytes(data)
        return Preview(rel, stored.cropped, artifact.sha256)
    try:
        made = picture_preview.from_bytes(vault.blobs.read_bytes(artifact.sha256))
    except picture_preview.PreviewFailed:
        return None
    (scratch / rel).write_bytes(made.data)
    return Preview(rel, made.cropped, artifact.sha256, made.data)


def _stored_bytes(vault: Vault, stored: Stored) -> bytes | None:
    try:
        data = vault.blobs.read_bytes(stored.artifact.sha256)
    except BlobDamaged:
        return None
    return data if hashlib.sha256(data).hexdigest() == stored.artifact.sha256 else None


def keep(vault: Vault, items: Iterable[Item], previews: dict[int, Preview],
         zone: str) -> list[tuple[Item, Artifact]]:
    """Seal the previews made for this dossier (their blobs, flushed); the caller adds
    the returned artifacts in its transaction. A preview is a copy that can be made
    again: one that cannot be written (a full disk) is left out."""
    by_id = {item.id or 0: item for item in items}
    kept = []
    try:
        for item_id, preview in previews.items():
            item = by_id.get(item_id)
            if preview.made is None or item is None:
                continue
            made = picture_preview.Made(preview.made, preview.cropped)
            blob = vault.blobs.ingest_bytes(made.data, durable=False)
            kept.append((item, Artifact(
                None, item.id, ArtifactRole.DOSSIER_PREVIEW, picture_preview.MEDIA_TYPE,
                blob.size, blob.sha256, made.name, instant.now(zone),
                preview.source_sha256)))
        if kept:  # a flush of the whole file system: none when nothing was written
            vault.blobs.sync()
    except OSError:
        return []
    return kept
