"""The embedded vault: a directory holding the key file, the encrypted database and the
encrypted blob store, guarded by a lock file.

::

    <vault>/vault.key.json     wrapped data key + Argon2id parameters (no secrets in clear)
    <vault>/spoorvast.db       SQLCipher database (+ -wal/-shm while open, -journal in a bulk add)
    <vault>/spoorvast.db.cipher  the name of its page settings (plain text, no secret)
    <vault>/blobs/ab/<hmac>    encrypted content-addressed blobs
    <vault>/tmp/               blobs being written (ciphertext only)
    <vault>/lock               flock: shared for readers, exclusive for writers
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from spoorvast.errors import VaultExists, VaultLocked, VaultNotFound
from spoorvast.i18n import _
from spoorvast.storage import crypto
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.blobs import BlobStore
from spoorvast.storage.sqlite import SqliteStore

KEYFILE = "vault.key.json"
DATABASE = "spoorvast.db"
LOCKFILE = "lock"


def default_location() -> Path:
    env = os.environ.get("SPOORVAST_VAULT")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("spoorvast") / "vault"


@dataclass
class Vault:
    root: Path
    keyring: crypto.Keyring
    store: SqliteStore
    blobs: BlobStore
    _lock_fd: int
    writable: bool

    def close(self) -> None:
        self.store.close()
        os.close(self._lock_fd)

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_vault(root: Path) -> bool:
    return (root / KEYFILE).is_file()


def _lock(root: Path, exclusive: bool) -> int:
    fd = os.open(root / LOCKFILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(fd)
        raise VaultLocked(_("Another spoorvast program is using this vault right now. Wait "
                            "for it to finish (or close it) and try again.")) from exc
    return fd


def _assemble(root: Path, keyring: crypto.Keyring, lock_fd: int, writable: bool) -> Vault:
    blobs = BlobStore(root, keyring.blob_key, keyring.name_key)
    store = SqliteStore(root / DATABASE, keyring.db_key)
    if writable:
        blobs.create_dirs()
        blobs.clean_tmp()
    return Vault(root, keyring, store, blobs, lock_fd, writable)


def create(root: Path, passphrase: str, kdf: crypto.KdfParams = crypto.DEFAULT_KDF) -> Vault:
    if is_vault(root):
        raise VaultExists(_("There is already a vault at {path}.").format(path=root))
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock_fd = _lock(root, exclusive=True)
    try:
        keyring = crypto.create_keyfile(root / KEYFILE, passphrase, kdf)
        vault = _assemble(root, keyring, lock_fd, writable=True)
    except BaseException:
        os.close(lock_fd)
        raise
    with vault.store.transaction() as tx:
        tx.log(VAULT_CHAIN, "vault.created", "vault", {"vault_id": keyring.vault_id})
    return vault


def open_vault(root: Path, passphrase: str, *, writable: bool = True) -> Vault:
    if not is_vault(root):
        raise VaultNotFound(_("No vault at {path}. Create one with 'spoorvast init'.")
                            .format(path=root))
    lock_fd = _lock(root, exclusive=writable)
    try:
        keyring = crypto.unlock_keyfile(root / KEYFILE, passphrase)
        return _assemble(root, keyring, lock_fd, writable)
    except BaseException:
        os.close(lock_fd)
        raise


def change_passphrase(root: Path, old: str, new: str) -> None:
    with open_vault(root, old) as vault:
        crypto.rewrap_keyfile(root / KEYFILE, old, new)
        with vault.store.transaction() as tx:
            tx.log(VAULT_CHAIN, "vault.passphrase-changed", "vault", {})
