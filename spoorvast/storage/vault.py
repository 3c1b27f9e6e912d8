"""The embedded vault: a directory holding the key file, the encrypted database and the
encrypted blob store, guarded by a lock file.

::

    <vault>/vault.key.json     wrapped data key + Argon2id parameters (no secrets in clear)
    <vault>/spoorvast.db       SQLCipher database (+ -wal/-shm while open, -journal in a bulk add)
    <vault>/spoorvast.db.cipher  the name of its page settings (plain text, no secret)
    <vault>/blobs/ab/<hmac>    encrypted content-addressed blobs (larger than one chunk)
    <vault>/blobs/packs/       small blobs as records in pack files + their index
                               (see storage/packs.py)
    <vault>/tmp/               blobs being written (ciphertext only)
    <vault>/lock               flock: shared for readers, exclusive for writers
    <vault>/vault.key.json.new a passphrase change in progress (see change_passphrase)
    <vault>/rekey-new/, rekey-old/  a rekey in progress (see storage/rekey.py)
    <vault>/metadata.json      only when the metadata lives in PostgreSQL: its URL (no
                               password), instead of spoorvast.db (see storage/postgres.py)

The key file also anchors the custody log (``storage/anchor.py``): a database that is
missing, or older than the key file says, is refused instead of being used (or, when
missing, silently created anew). Files are created 0600 and folders 0700.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from spoorvast.errors import (
    IntegrityError,
    StorageFull,
    UserError,
    VaultExists,
    VaultLocked,
    VaultNotFound,
)
from spoorvast.i18n import _
from spoorvast.storage import anchor, crypto, rekey
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.blobs import BlobStore
from spoorvast.storage.sqlite import SqliteStore

if TYPE_CHECKING:
    from spoorvast.storage.postgres import PostgresStore

    Store = SqliteStore | PostgresStore

KEYFILE = "vault.key.json"
PENDING_KEYFILE = KEYFILE + ".new"
DATABASE = "spoorvast.db"
LOCKFILE = "lock"
METADATA = "metadata.json"
OWNER_SETTING = "vault.id"  # in a PostgreSQL database: the vault its metadata belongs to
DATABASE_FILES = (DATABASE, DATABASE + "-wal", DATABASE + "-shm", DATABASE + "-journal",
                  DATABASE + ".cipher")

Fault = Callable[[str], None]  # tests: fail or kill the process at a named step


def _no_fault(step: str) -> None:
    return None


# Key file writes of this process (anchor updates from several handles, passphrase change).
_KEYFILE_LOCK = threading.Lock()


def default_location() -> Path:
    env = os.environ.get("SPOORVAST_VAULT")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("spoorvast") / "vault"


@dataclass
class Vault:
    root: Path
    keyring: crypto.Keyring
    store: Store
    blobs: BlobStore
    _lock_fd: int
    writable: bool
    # what the anchor check found at open (only when opened with check_anchor=False)
    drift: list[anchor.Drift] = field(default_factory=list)
    anchor_state: str = "ok"  # "ok", "absent" (older vault), "damaged"

    def __post_init__(self) -> None:
        if self.writable:
            self.store.after_commit = self.write_anchor

    def write_anchor(self) -> None:
        """Record the database's chain heads in the key file (after each commit and at
        close). The COMMIT has happened already: a failure here (full disk) leaves the
        anchor one step behind, which is allowed, and is not an error of the change."""
        if self.drift or self.anchor_state == "damaged":
            return  # never overwrite the evidence of a rollback
        with suppress(OSError):
            _write_anchor(self.root / KEYFILE, self.keyring, self.store)

    def close(self) -> None:
        """Close the database, the lock and the blob store. The lock is released even
        when the anchor or the database fails to close (a busy or damaged database): a
        handle that kept it would leave the vault locked until the process ends. The
        first error is raised after that."""
        try:
            if self.writable:
                self.write_anchor()
        finally:
            try:
                self.store.close()
            finally:
                try:
                    os.close(self._lock_fd)
                finally:
                    self.blobs.close()  # after the lock: closing its pack index may flush it

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _write_anchor(path: Path, keyring: crypto.Keyring, store: anchor.HeadSource) -> None:
    with _KEYFILE_LOCK:
        heads = anchor.database_heads(store)
        content = crypto.read_keyfile(path)
        sealed = anchor.seal(keyring, heads)
        if content.get(anchor.FIELD) != sealed:
            crypto.write_keyfile(path, {**content, anchor.FIELD: sealed})


def is_vault(root: Path) -> bool:
    # a rekey interrupted while it switched may have the key file in rekey-new/ for now
    return (root / KEYFILE).is_file() or (root / rekey.STAGING / rekey.READY).is_file()


def _lock(root: Path, exclusive: bool) -> int:
    fd = os.open(root / LOCKFILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(fd)
        raise VaultLocked(_("Another spoorvast program is using this vault right now. Wait "
                            "for it to finish (or close it) and try again.")) from exc
    return fd


def metadata_url(root: Path) -> str | None:
    """The URL of the PostgreSQL database holding the vault's metadata, None when it is
    the vault's own SQLCipher file."""
    path = root / METADATA
    if not path.exists():
        return None
    from spoorvast.storage.postgres import is_url

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        url = data["url"] if data.get("backend") == "postgresql" else None
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        url = None
    if not isinstance(url, str) or not is_url(url):
        raise UserError(_("The file {path}, which names the database holding the vault's "
                          "metadata, is damaged. Nothing was changed.").format(path=path))
    return url


def open_store(root: Path, keyring: crypto.Keyring, create: bool = False) -> Store:
    """The vault's metadata store: its SQLCipher file, or the PostgreSQL database that
    ``metadata.json`` names (a second handle for a background job opens it the same way)."""
    url = metadata_url(root)
    if url is None:
        return SqliteStore(root / DATABASE, keyring.db_key, create=create)
    from spoorvast.storage.postgres import PostgresStore

    store = PostgresStore(url, create=create)
    owner = store.setting(OWNER_SETTING)
    if not create and owner != keyring.vault_id:
        store.close()
        raise IntegrityError(_(
            "The PostgreSQL database named in {path} holds the metadata of another vault, "
            "or of none. Nothing was changed. Check the URL in that file.")
            .format(path=root / METADATA))
    return store


def _claim_database(store: Store, vault_id: str) -> None:
    """A new vault's PostgreSQL database must hold no other vault; it is marked as this
    vault's (in the transaction that logs ``vault.created``)."""
    owner = store.setting(OWNER_SETTING)
    if (owner is not None and owner != vault_id) or store.chains():
        raise VaultExists(_("The PostgreSQL database given for the metadata already holds a "
                            "vault's metadata. Give an empty database."))


def _tighten(root: Path) -> None:
    """Owner-only permissions on what the vault holds (older versions left 0644/0755)."""
    for name in (KEYFILE, LOCKFILE, *DATABASE_FILES):
        if (root / name).exists():
            os.chmod(root / name, 0o600)
    for name in ("", "blobs", "tmp"):
        if (root / name).is_dir():
            os.chmod(root / name, 0o700)


def _missing_database(root: Path) -> IntegrityError:
    return IntegrityError(_(
        "The vault's database {path} is missing. Nothing was created in its place: "
        "without it the stored files belong to no item. Restore the database (with its "
        "-wal file, if there is one) from a backup copy of the vault folder.")
        .format(path=root / DATABASE))


def _rolled_back(root: Path, drift: list[anchor.Drift]) -> IntegrityError:
    first = drift[0]
    return IntegrityError(_(
        "The vault's database {path} is older than its key file records (custody log "
        "{chain} should hold entry {seq}): recent items are missing or the log was "
        "rewritten. This happens when an older copy of the database was put back, or "
        "its write-ahead log was lost or damaged. Nothing was changed. Run 'spoorvast "
        "verify' to see everything it finds, and restore the newest copy you have.")
        .format(path=_database_name(root), chain=first.chain, seq=first.seq))


def _database_name(root: Path) -> str:
    url = metadata_url(root)
    if url is None:
        return str(root / DATABASE)
    from spoorvast.storage.postgres import describe

    return describe(url)


def _anchor_damaged(root: Path) -> IntegrityError:
    return IntegrityError(_(
        "The record of the custody log's end in the key file {path} is damaged or was "
        "edited, so the database cannot be checked against it. Nothing was changed. Run "
        "'spoorvast verify' to see what it finds.").format(path=root / KEYFILE))


@dataclass(frozen=True, slots=True)
class _Opened:
    keyring: crypto.Keyring
    heads: anchor.Heads | None
    anchor_state: str


def _assemble(root: Path, opened: _Opened, lock_fd: int, writable: bool,
              check_anchor: bool) -> Vault:
    keyring, heads = opened.keyring, opened.heads
    brand_new = heads == {}  # created, never committed: only then may the database be made
    if metadata_url(root) is None and not (root / DATABASE).exists() and not brand_new:
        raise _missing_database(root)
    store = open_store(root, keyring, create=brand_new)
    try:
        drift = anchor.drift(store, heads or {})
        if check_anchor and drift:
            raise _rolled_back(root, drift)
        if check_anchor and opened.anchor_state == "damaged":
            raise _anchor_damaged(root)
        blobs = BlobStore(root, keyring.blob_key, keyring.name_key)
        vault = Vault(root, keyring, store, blobs, lock_fd, writable, drift,
                      opened.anchor_state)
        if writable:
            _tighten(root)
            blobs.create_dirs()
            blobs.clean_tmp()
            _recover_passphrase_change(vault)
            if opened.anchor_state == "absent" or brand_new:
                vault.write_anchor()
    except BaseException:
        store.close()
        raise
    return vault


def create(root: Path, passphrase: str, kdf: crypto.KdfParams = crypto.DEFAULT_KDF,
           metadata: str | None = None) -> Vault:
    """A new vault in ``root``. ``metadata``: the URL of an empty PostgreSQL database to
    keep the metadata in instead of the SQLCipher file (blobs and key file stay here)."""
    if metadata is not None:
        _check_metadata_url(metadata)
    if is_vault(root):
        raise VaultExists(_("There is already a vault at {path}.").format(path=root))
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root, 0o700)
    leftovers = [name for name in DATABASE_FILES if (root / name).exists()]
    if leftovers:
        raise VaultExists(_("{path} holds a vault database ({name}) but no key file. Put "
                            "the key file back, or create the new vault in another folder.")
                          .format(path=root, name=leftovers[0]))
    lock_fd = _lock(root, exclusive=True)
    try:
        keyring = crypto.new_keyring()
        if metadata is not None:
            crypto.write_private(root / METADATA, json.dumps(
                {"backend": "postgresql", "url": metadata}, indent=2).encode() + b"\n")
        content = crypto.sealed_content(keyring, passphrase, kdf)
        crypto.write_keyfile(root / KEYFILE, {**content, anchor.FIELD: anchor.seal(keyring, {})})
        vault = _assemble(root, _Opened(keyring, {}, "ok"), lock_fd, writable=True,
                          check_anchor=True)
    except BaseException:
        os.close(lock_fd)
        if metadata is not None:  # nothing of the vault was made: no half vault stays
            for name in (KEYFILE, METADATA):
                (root / name).unlink(missing_ok=True)
        raise
    try:
        if metadata is not None:
            _claim_database(vault.store, keyring.vault_id)
        with vault.store.transaction() as tx:
            if metadata is not None:
                tx.set_setting(OWNER_SETTING, keyring.vault_id)
            tx.log(VAULT_CHAIN, "vault.created", "vault", {"vault_id": keyring.vault_id})
    except BaseException:
        vault.close()
        if metadata is not None:
            for name in (KEYFILE, METADATA):
                (root / name).unlink(missing_ok=True)
        raise
    return vault


def _check_metadata_url(url: str) -> None:
    from spoorvast.storage.postgres import has_password, is_url

    if not is_url(url):
        raise UserError(_("The metadata database must be given as a PostgreSQL URL "
                          "(postgresql://user@host:port/database)."))
    if has_password(url):
        raise UserError(_("Leave the password out of the metadata database's URL: it would "
                          "be kept in plain text in the vault folder. Put it in the "
                          "PostgreSQL password file (~/.pgpass) or in PGPASSWORD instead."))


def _unlock(root: Path, passphrase: str, writable: bool) -> _Opened:
    content = crypto.read_keyfile(root / KEYFILE)
    keyring = crypto.unlock_content(root / KEYFILE, content, passphrase)
    anchored = crypto.keyfile_version(content) >= crypto.ANCHORED_SINCE
    try:
        heads = anchor.unseal(keyring, content)
    except anchor.AnchorDamaged:
        return _Opened(keyring, None, "damaged")
    if heads is None and anchored:
        return _Opened(keyring, None, "damaged")  # removed from a file that had one
    if not anchored and writable:  # a key file from before anchors: seal it as version 2
        sealed = crypto.sealed_content(keyring, passphrase, crypto.keyfile_params(content))
        kept = {anchor.FIELD: content[anchor.FIELD]} if heads is not None else {}
        crypto.write_keyfile(root / KEYFILE, {**sealed, **kept})
    return _Opened(keyring, heads, "absent" if heads is None else "ok")


def open_vault(root: Path, passphrase: str, *, writable: bool = True,
               check_anchor: bool = True) -> Vault:
    """Open the vault. ``check_anchor=False`` (verify only) opens a database that is
    behind its key file's anchor and reports it in ``Vault.drift`` instead of refusing."""
    if not is_vault(root):
        raise VaultNotFound(_("No vault at {path}. Create one with 'spoorvast init'.")
                            .format(path=root))
    if rekey.pending(root):
        _finish_rekey(root)
    lock_fd = _lock(root, exclusive=writable)
    try:
        return _assemble(root, _unlock(root, passphrase, writable), lock_fd, writable,
                         check_anchor)
    except BaseException:
        os.close(lock_fd)
        raise


# -- rekey ------------------------------------------------------------------------------

# what a rekey replaces, the key file last (its rename is what makes the new vault open)
REKEYED = (DATABASE, DATABASE + ".cipher", "blobs", KEYFILE)
LOOSE = (DATABASE + "-wal", DATABASE + "-shm", DATABASE + "-journal")


def _finish_rekey(root: Path) -> None:
    lock_fd = _lock(root, exclusive=True)
    try:
        rekey.finish_interrupted(root, REKEYED, LOOSE)
    finally:
        os.close(lock_fd)


Announce = Callable[[rekey.Plan], "rekey.Progress | None"]


def refuse_rekey_with_postgres(root: Path) -> None:
    """A new data key re-encrypts the SQLCipher file and the blobs; it cannot re-encrypt
    a PostgreSQL database (the key does not encrypt it), so it is refused there."""
    if metadata_url(root) is not None:
        raise UserError(_("A new data key (--rekey) is not available for a vault whose "
                          "metadata is in PostgreSQL: the key does not encrypt that "
                          "database. Change the passphrase without --rekey."))


def rekey_vault(root: Path, old: str, new: str, announce: Announce | None = None,
                fault: Fault = _no_fault) -> None:
    """Change the passphrase *and* the data key: see ``storage/rekey.py``. ``announce``
    is told what will be re-encrypted before it starts and may return a progress
    callback (bytes done)."""
    refuse_rekey_with_postgres(root)
    vault = open_vault(root, old)
    closed = False
    try:
        params = crypto.keyfile_params(crypto.read_keyfile(root / KEYFILE))
        assert isinstance(vault.store, SqliteStore)
        work = rekey.plan(vault.store, vault.blobs)
        progress = announce(work) if announce is not None else None
        rekey.build(root, vault.store, vault.blobs, vault.keyring, new, params, DATABASE,
                    KEYFILE, progress, fault)
        vault.store.close()  # checkpoints and removes its -wal: nothing changes after this
        vault.blobs.close()  # the same for its pack index
        closed = True
        fault("ready")
        rekey.switch(root, REKEYED, LOOSE, fault)
    finally:
        if closed:
            os.close(vault._lock_fd)
        else:
            vault.close()


# -- passphrase change ------------------------------------------------------------------


def keyfile_fingerprint(content: dict[str, object]) -> str:
    """Names one wrapping of the data key (its sealed bytes are random each time)."""
    wrap = content.get("wrap")
    sealed = wrap.get("sealed_key") if isinstance(wrap, dict) else None
    return hashlib.sha256(str(sealed).encode("ascii", "replace")).hexdigest()[:32]


def change_passphrase(root: Path, old: str, new: str) -> None:
    with open_vault(root, old) as vault:
        change_passphrase_open(vault, old, new)


def change_passphrase_open(vault: Vault, old: str, new: str, fault: Fault = _no_fault) -> None:
    """Change the passphrase of an open vault, atomically: the new key file is written
    beside the old one (``vault.key.json.new``), the change is committed to the custody
    log, and only then renamed over the old key file. Any failure before the rename
    leaves the old passphrase working and the new one not, and the log says so (a
    ``vault.passphrase-change-undone`` entry when the change had been logged). ``fault``
    lets tests fail a step ("written", "logged")."""
    path, pending = vault.root / KEYFILE, vault.root / PENDING_KEYFILE
    keyring, content = crypto.rewrapped(path, old, new)
    if keyring.data_key != vault.keyring.data_key:
        raise UserError(_("The key file {path} changed while the vault was open; nothing "
                          "was changed.").format(path=path))
    fingerprint = keyfile_fingerprint(content)
    logged = False
    try:
        with _full_disk_keeps_old_passphrase():
            crypto.write_keyfile(pending, content)
            fault("written")
            with vault.store.transaction() as tx:
                tx.log(VAULT_CHAIN, "vault.passphrase-changed", "vault",
                       {"keyfile": fingerprint})
            logged = True
            fault("logged")
            with _KEYFILE_LOCK:
                os.replace(pending, path)
    except BaseException:
        _abandon(vault, pending, fingerprint if logged else None)
        raise
    with suppress(OSError):  # the rename is done; the next folder write makes it durable
        crypto.fsync_dir(vault.root)
    vault.write_anchor()


@contextmanager
def _full_disk_keeps_old_passphrase() -> Iterator[None]:
    try:
        yield
    except StorageFull as exc:
        raise _unchanged_full() from exc
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise _unchanged_full() from exc


def _unchanged_full() -> StorageFull:
    return StorageFull(_("The disk holding the vault is full: the passphrase was not "
                         "changed, the old one still opens the vault. Free some space "
                         "and try again."))


def _abandon(vault: Vault, pending: Path, logged_fingerprint: str | None) -> None:
    """Undo a change that did not reach the rename: log it when it had been logged,
    then remove the new key file. When even that cannot be written, the new key file
    stays and the next writable open finishes the undo."""
    if logged_fingerprint is not None:
        try:
            _log_undone(vault, logged_fingerprint)
        except (OSError, UserError):
            return
    pending.unlink(missing_ok=True)


def _log_undone(vault: Vault, fingerprint: str) -> None:
    with vault.store.transaction() as tx:
        tx.log(VAULT_CHAIN, "vault.passphrase-change-undone", "vault",
               {"keyfile": fingerprint,
                "reason": "interrupted before the new key file took effect"})


def _recover_passphrase_change(vault: Vault) -> None:
    """A ``vault.key.json.new`` left by an interrupted change never took effect (the
    rename is the change's last step): log that when the change had been logged, and
    remove it."""
    pending = vault.root / PENDING_KEYFILE
    if not pending.exists():
        return
    try:
        fingerprint: str | None = keyfile_fingerprint(crypto.read_keyfile(pending))
    except UserError:
        fingerprint = None
    entries = vault.store.custody(VAULT_CHAIN)
    last = entries[-1] if entries else None
    if (last is not None and last.action == "vault.passphrase-changed"
            and last.payload.get("keyfile") == fingerprint and fingerprint is not None):
        _log_undone(vault, fingerprint)
    pending.unlink()
