"""Export an item's original bytes, exactly as sealed, and log that it happened."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from spoorvast.errors import IntegrityError, UserError
from spoorvast.i18n import _
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item
from spoorvast.storage.base import case_chain
from spoorvast.storage.blobs import BlobDamaged
from spoorvast.storage.vault import Vault


@dataclass(frozen=True, slots=True)
class Exported:
    artifact: Artifact
    path: Path


def originals(vault: Vault, item: Item) -> list[Artifact]:
    assert item.id is not None
    return [a for a in vault.store.artifacts(item.id) if a.role is ArtifactRole.ORIGINAL]


def free_name(directory: Path, name: str) -> Path:
    """``name`` in ``directory``, or ``name (2)``… when taken. Never overwrites."""
    safe = Path(name).name or "original"
    candidate, stem, suffix, n = directory / safe, Path(safe).stem, Path(safe).suffix, 2
    while candidate.exists():
        candidate, n = directory / f"{stem} ({n}){suffix}", n + 1
    return candidate


def write_blob(vault: Vault, artifact: Artifact, target: Path) -> None:
    """Decrypt to a temp file beside ``target``, check the hash, then rename."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    digest = hashlib.sha256()
    try:
        with tmp.open("xb") as out:
            for chunk in vault.blobs.read_chunks(artifact.sha256):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != artifact.sha256:
            raise BlobDamaged("content-hash-mismatch")
        os.replace(tmp, target)
    except BlobDamaged as exc:
        tmp.unlink(missing_ok=True)
        raise IntegrityError(_("The stored copy of {name} is damaged; nothing was exported. "
                               "Run 'spoorvast verify'.").format(name=artifact.name)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def export_original(vault: Vault, case: Case, item: Item, directory: Path) -> list[Exported]:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(_("Cannot write to {path} ({reason}).")
                        .format(path=directory, reason=exc.strerror)) from exc
    done = []
    for artifact in originals(vault, item):
        target = free_name(directory, artifact.name)
        write_blob(vault, artifact, target)
        done.append(Exported(artifact, target))
    assert case.id is not None
    with vault.store.transaction() as tx:
        tx.log(case_chain(case.id), "export.original", item.label,
               {"artifacts": [{"sha256": e.artifact.sha256, "as": e.path.name} for e in done]})
    return done
