"""Damage stored bytes in place, as a failing disk or an attacker would (for tests)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from spoorvast.storage.blobs import BlobStore
from spoorvast.storage.packs import PACK_DIR, Located


def flip_byte(path: Path, offset: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 1]))


def zero(where: Located) -> None:
    """The stored bytes become zeros (what a power loss can leave of a pack's tail)."""
    with where.pack.open("r+b") as handle:
        handle.seek(where.offset)
        handle.write(bytes(where.length))


def cut_short(blobs: BlobStore, sha256: str, by: int) -> None:
    """The blob's stored bytes lose their last ``by`` bytes: a loose file truncated, a
    packed record read as ending early (as after its pack was cut)."""
    where = blobs.location(sha256)
    assert where is not None
    if where.pack.parent.name == PACK_DIR:
        blobs._index.add(blobs.name(sha256), replace(where, length=where.length - by),
                         replace=True)
    else:
        with where.pack.open("r+b") as handle:
            handle.truncate(where.length - by)


def stored_names(root: Path) -> set[str]:
    """The names of every blob a vault stores, loose and packed (no key needed)."""
    store = BlobStore(root, b"", b"")
    try:
        return set(store.stored_names())
    finally:
        store.close()
