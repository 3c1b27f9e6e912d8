"""Writing files into the bundle folder, each hashed as it is written."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from spoorvast.dossier.model import Placed, Transform
from spoorvast.errors import IntegrityError
from spoorvast.i18n import _
from spoorvast.model.records import Artifact
from spoorvast.storage.vault import Vault


def _target(root: Path, rel: str) -> Path:
    target = root / rel
    if not target.parent.is_dir():  # a stat; mkdir of an existing folder raises inside
        target.parent.mkdir(parents=True, exist_ok=True)
    return target


def write_bytes(root: Path, rel: str, data: bytes, artifact: Artifact | None = None,
                transform: Transform | None = None, removed: tuple[str, ...] = ()) -> Placed:
    with _target(root, rel).open("xb") as out:
        out.write(data)
    return Placed(rel, hashlib.sha256(data).hexdigest(), len(data), artifact, transform,
                  removed)


def write_chunks(root: Path, rel: str, chunks: Iterable[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with _target(root, rel).open("xb") as out:
        for chunk in chunks:
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def copy_artifact(vault: Vault, artifact: Artifact, root: Path, rel: str) -> Placed:
    """The stored bytes, decrypted as a stream; the hash must match the record."""
    sha, size = write_chunks(root, rel, vault.blobs.read_chunks(artifact.sha256))
    if sha != artifact.sha256:
        raise IntegrityError(_("The stored copy of {name} is damaged; no dossier was made. "
                               "Run 'spoorvast verify'.").format(name=artifact.name))
    return Placed(rel, sha, size, artifact)


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def walk(root: Path) -> list[str]:
    """Every file under ``root`` as a sorted relative POSIX path."""
    found = []
    for base, _dirs, names in os.walk(root):
        for name in names:
            found.append((Path(base) / name).relative_to(root).as_posix())
    return sorted(found)
