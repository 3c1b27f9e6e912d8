"""Care with pictures: blurred previews for harmful ones, near-duplicates shown once.

``mark_harmful`` seals a blurred, shrunk copy of the picture as a derived artifact
(role ``blurred-preview``) and logs ``item.marked-harmful``: every view of the item
shows that preview by default instead of the picture. No thumbnail is written outside
the vault. There is no nudity or violence detector: none ships inside a
permissively licensed PyPI package without a model download at run time.
"""

from __future__ import annotations

from dataclasses import dataclass

from spoorvast.analysis.ocr import duplicates, picture, preview
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model import instant
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item
from spoorvast.services import withdrawals
from spoorvast.services.ocr import documents, picture_of
from spoorvast.storage.base import case_chain
from spoorvast.storage.blobs import BlobDamaged
from spoorvast.storage.vault import Vault

HARMFUL_ACTION = "item.marked-harmful"


def blurred_preview(vault: Vault, item: Item) -> Artifact | None:
    """The item's blurred preview; None when it was never marked harmful."""
    return next((a for a in vault.store.artifacts(item.id or 0)
                 if a.role is ArtifactRole.BLURRED_PREVIEW), None)


def mark_harmful(vault: Vault, case: Case, item: Item) -> Artifact:
    existing = blurred_preview(vault, item)
    if existing is not None:
        return existing
    source = picture_of(vault.store.artifacts(item.id or 0))
    if source is None:
        raise UserError(_("{item} is not a picture; only pictures get a blurred preview.")
                        .format(item=item.label))
    blob = vault.blobs.ingest_bytes(_preview_bytes(vault, source))
    artifact = Artifact(None, item.id, ArtifactRole.BLURRED_PREVIEW, preview.MEDIA_TYPE,
                        blob.size, blob.sha256, "blurred-preview.png",
                        instant.now(case.time_zone), source.sha256)
    with vault.store.transaction() as tx:
        stored = tx.add_artifact(item, artifact)
        tx.log(case_chain(item.case_id), HARMFUL_ACTION, item.label,
               {"preview": stored.sha256})
    return stored


def _preview_bytes(vault: Vault, source: Artifact) -> bytes:
    try:
        image = picture.open_checked(vault.blobs.read_bytes(source.sha256))
    except (picture.PictureRefused, BlobDamaged):
        return preview.placeholder()
    with image:
        return preview.blurred(image)


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    items: tuple[Item, ...]  # the first is the one to show


def near_duplicates(vault: Vault, case: Case,
                    max_distance: int = duplicates.MAX_DISTANCE) -> list[DuplicateGroup]:
    assert case.id is not None
    texts = {item.id: document.text for item, _a, document in documents(vault, case)}
    pictures = [i for i in withdrawals.current_items(vault, case)
                if i.media is not None and i.media.perceptual_hash]
    candidates = [duplicates.Candidate(n, i.media.perceptual_hash or "", texts.get(i.id))
                  for n, i in enumerate(pictures) if i.media is not None]
    return [DuplicateGroup(tuple(pictures[n] for n in group))
            for group in duplicates.groups(candidates, max_distance)]
