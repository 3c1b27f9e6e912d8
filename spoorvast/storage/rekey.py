"""``passphrase change --rekey``: the whole vault re-encrypted under a new data key.

A passphrase change only re-wraps the data key, so a copy of the old key file plus the
old passphrase still opens the vault, including what is added later. When the
passphrase is known to someone else, the data key itself must change: a new database key
(the database is exported page by page with ``sqlcipher_export`` into a new file), a new
blob key and new blob names (every stored file is decrypted, checked against its
SHA-256 and encrypted again).

Crash safety: everything new is built in ``<vault>/rekey-new/`` while the vault is left
alone; a crash there leaves the old vault as it was (the folder is removed at the next
open). When it is complete, ``rekey-new/READY`` is written: from then on the change is
rolled *forward*, by renames only (the old files go to ``rekey-old/``, the new ones take
their place, the key file last), and ``finish_interrupted`` redoes whatever a crash left
undone before anything else opens the vault. Either the old vault (old passphrase) or the
new one (new passphrase) opens, never a mix.

The old files are unlinked at the end; on an SSD or a journaling file system their
blocks may survive until overwritten (no file-level erase can promise more).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from spoorvast.errors import IntegrityError
from spoorvast.i18n import _
from spoorvast.storage import anchor, crypto
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.blobs import BlobDamaged, BlobStore
from spoorvast.storage.sqlite import NEW_PROFILE, PROFILES, SqliteStore, profile_path

STAGING = "rekey-new"
RETIRED = "rekey-old"
READY = "READY"
SHA256 = re.compile(r"[0-9a-f]{64}")
PER_FILE = 256 << 10

Progress = Callable[[int], None]
Fault = Callable[[str], None]


def _no_fault(step: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Plan:
    """What a rekey will re-encrypt (for the estimate shown before it starts)."""

    blobs: tuple[str, ...]  # sha256 of every stored file still referred to
    nbytes: int

    @property
    def work(self) -> int:
        """Units of the progress callback: bytes, plus a share per file (opening,
        naming and later unlinking a file costs about as much as 256 KiB of crypto)."""
        return self.nbytes + PER_FILE * len(self.blobs)

    def seconds(self, bytes_per_second: float) -> int:
        """A rough estimate (disk time included by a margin)."""
        return max(1, round(self.work / bytes_per_second * 2 + 2))


def speed() -> float:
    """Bytes per second this computer decrypts and encrypts again (a 4 MiB sample);
    disk time comes on top, hence the margin the caller adds."""
    sample, key = bytes(4 << 20), crypto.new_keyring().data_key
    started = time.perf_counter()
    sealed = AESGCM(key).encrypt(bytes(12), sample, None)
    AESGCM(key).decrypt(bytes(12), sealed, None)
    return len(sample) / max(time.perf_counter() - started, 1e-6)


def plan(store: SqliteStore, blobs: BlobStore) -> Plan:
    sizes = {a.sha256: a.size for a in store.all_artifacts()}
    for (value,) in store.conn.execute("SELECT value FROM settings"):
        if isinstance(value, str) and SHA256.fullmatch(value) and value not in sizes \
                and (where := blobs.location(value)) is not None:
            sizes[value] = where.length
    return Plan(tuple(sorted(sizes)), sum(sizes.values()))


def build(root: Path, store: SqliteStore, blobs: BlobStore, keyring: crypto.Keyring,
          passphrase: str, params: crypto.KdfParams, database: str, keyfile: str,
          progress: Progress | None = None, fault: Fault = _no_fault) -> crypto.Keyring:
    """Build the re-encrypted vault in ``rekey-new/`` and mark it READY. The old vault
    is only read. Raises IntegrityError when a stored file is damaged (nothing of the
    new vault is kept then)."""
    staging = root / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)
    fresh = crypto.Keyring(vault_id=keyring.vault_id, data_key=crypto.new_keyring().data_key)
    try:
        _export_database(store, staging / database, fresh.db_key)
        fault("database")
        count = _copy_blobs(plan(store, blobs), blobs, staging, fresh, progress, fault)
        heads = _log_rekey(staging / database, fresh.db_key, count)
        content = crypto.sealed_content(fresh, passphrase, params)
        crypto.write_keyfile(staging / keyfile, {**content, anchor.FIELD: anchor.seal(fresh,
                                                                                      heads)})
        fault("staged")
        BlobStore(staging, b"", b"").sync()  # one syncfs: every new file is on the disk
        crypto.write_private(staging / READY, b"ready\n")
    except BaseException:
        if not (staging / READY).exists():
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return fresh


def _export_database(store: SqliteStore, target: Path, key: bytes) -> None:
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn = store.conn
    conn.execute(f"ATTACH DATABASE ? AS rekeyed KEY \"x'{key.hex()}'\"", (str(target),))
    try:
        for pragma in PROFILES[NEW_PROFILE]:
            conn.execute(f"PRAGMA rekeyed.{pragma}")
        conn.execute("SELECT sqlcipher_export('rekeyed')")
    finally:
        conn.execute("DETACH DATABASE rekeyed")
    crypto.write_private(profile_path(target), (NEW_PROFILE + "\n").encode("ascii"))


def _copy_blobs(work: Plan, old: BlobStore, staging: Path, fresh: crypto.Keyring,
                progress: Progress | None, fault: Fault) -> int:
    new = BlobStore(staging, fresh.blob_key, fresh.name_key)
    new.create_dirs()
    try:
        _copy_each(work, old, new, progress, fault)
    finally:
        new.close()  # its pack index is moved with blobs/ at the switch
    return len(work.blobs)


def _copy_each(work: Plan, old: BlobStore, new: BlobStore, progress: Progress | None,
               fault: Fault) -> None:
    for index, sha256 in enumerate(work.blobs):
        try:
            with old.open(sha256) as plain:
                stored = new.ingest(plain, durable=False, progress=progress)
        except BlobDamaged as exc:
            raise IntegrityError(_(
                "A stored file ({sha}) is damaged or missing, so the vault was not "
                "re-encrypted (nothing was changed). Run 'spoorvast verify' to see which "
                "item it belongs to.").format(sha=sha256[:16])) from exc
        if stored.sha256 != sha256:
            raise IntegrityError(_(
                "A stored file ({sha}) does not match its recorded fingerprint, so the "
                "vault was not re-encrypted (nothing was changed). Run 'spoorvast verify'.")
                .format(sha=sha256[:16]))
        if progress is not None:
            progress(PER_FILE)
        if index == 0:
            fault("blob")


def _log_rekey(path: Path, key: bytes, count: int) -> anchor.Heads:
    store = SqliteStore(path, key, create=False)
    try:
        with store.transaction() as tx:
            tx.log(VAULT_CHAIN, "vault.rekeyed", "vault",
                   {"stored_files": count,
                    "note": "new data key: database and stored files re-encrypted; "
                            "passphrase changed"})
        return anchor.database_heads(store)
    finally:
        store.close()


def switch(root: Path, names: tuple[str, ...], loose: tuple[str, ...],
           fault: Fault = _no_fault) -> None:
    """Put the READY vault in place by renames (idempotent: also finishes a switch a
    crash interrupted). ``names``: what the new vault holds, the key file last;
    ``loose``: files of the old database that have no new counterpart (-wal, -shm)."""
    staging, retired = root / STAGING, root / RETIRED
    retired.mkdir(mode=0o700, exist_ok=True)
    for name in loose:
        if (root / name).exists():
            os.replace(root / name, retired / name)
    for step, name in enumerate(names):
        if not (staging / name).exists():
            continue  # moved already
        if (root / name).exists():
            _retire(root / name, retired / name)
        os.replace(staging / name, root / name)
        if step == 0:
            fault("switching")
    crypto.fsync_dir(root)
    shutil.rmtree(retired)
    (staging / READY).unlink()
    shutil.rmtree(staging)
    crypto.fsync_dir(root)


def _retire(current: Path, target: Path) -> None:
    if target.is_dir():
        shutil.rmtree(target)
    os.replace(current, target)


def finish_interrupted(root: Path, names: tuple[str, ...], loose: tuple[str, ...]) -> None:
    """Before a vault is opened: finish a rekey that reached READY, drop one that did not.
    The caller holds the vault's exclusive lock."""
    staging = root / STAGING
    if (staging / READY).exists():
        switch(root, names, loose)
    elif staging.exists():
        shutil.rmtree(staging)
    if (root / RETIRED).exists() and not staging.exists():
        shutil.rmtree(root / RETIRED)


def pending(root: Path) -> bool:
    return (root / STAGING).exists() or (root / RETIRED).exists()

