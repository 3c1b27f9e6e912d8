"""Reading the pictures just added, once their files are sealed: the web's background job
and the CLI's ``add`` (unless ``--no-read``) both come here, so both read the same
pictures with the same settings.

The vault setting ``ocr.after-add`` set to ``"0"`` turns it off (pictures are then read
only on request: ``spoorvast ocr``, or the item page's button). Without Tesseract on
the machine :func:`read` raises the ``UserError`` that names the package to install;
the add itself has succeeded either way.
"""

from __future__ import annotations

from spoorvast.model.records import ArtifactRole, Case, Item
from spoorvast.services import ocr
from spoorvast.storage.vault import Vault

SETTING = ocr.AFTER_ADD_SETTING


def enabled(vault: Vault) -> bool:
    """The setting allows it (it is on unless set to "0")."""
    return vault.store.setting(SETTING) != "0"


def unread(vault: Vault, item: Item) -> bool:
    """A picture (or a capture's screenshot) whose text was not read yet."""
    artifacts = vault.store.artifacts(item.id or 0)
    sources = {a.sha256 for a in artifacts if a.media_type.startswith("image/")
               and a.role in (ArtifactRole.ORIGINAL, ArtifactRole.SCREENSHOT)}
    done = {a.derived_from for a in artifacts if a.role is ArtifactRole.OCR_TEXT}
    return bool(sources) and not sources & done


def pictures_among(vault: Vault, case: Case, labels: list[str]) -> frozenset[int]:
    """The items among ``labels`` that are pictures not read yet."""
    wanted = set(labels)
    return frozenset(item.id or 0 for item in vault.store.items(case.id or 0)
                     if item.label in wanted and unread(vault, item))


def read(vault: Vault, case: Case, labels: list[str],
         progress: ocr.Progress | None = None) -> list[ocr.OcrOutcome]:
    """Read the unread pictures among ``labels`` (nothing when there are none)."""
    pictures = pictures_among(vault, case, labels)
    if not pictures:
        return []
    return ocr.run_ocr(vault, case, progress, item_ids=pictures)
