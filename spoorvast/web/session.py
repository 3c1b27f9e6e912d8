"""The vault while the app is unlocked, and the one browser session allowed to use it.

Decision (one process, one writer): the app keeps **one open Vault** from unlock to
lock. Opening costs an Argon2id derivation (tenths of a second) and takes the vault's
exclusive flock, so opening per request would be slow and would let another spoorvast
process slip in between requests. Request handlers run on a thread pool and the
SQLCipher connection is not safe for concurrent use, so every use goes through
:meth:`VaultSession.use`, which holds a re-entrant lock for the duration.

Background jobs get **their own handle** (:meth:`VaultSession.job_handle`): a second
SQLCipher connection and blob store built from the same unlocked keys, and a duplicate
of the lock file descriptor, so the flock stays held while either is open and no other
process can enter. SQLite's WAL mode lets pages read while a job writes; two writers
wait on each other through SQLite's busy timeout.

Every unlock checks the passphrase, **also while the vault is already open** (the app
listens on loopback, where every local account can reach it): against the key file,
the same Argon2id work and AES-GCM tag check as opening, then the unwrapped data key
compared in constant time with the open one. Attempts go one at a time with growing
delays (:mod:`spoorvast.web.throttle`). A right passphrase from another browser starts
a new session and ends the old one; the old browser is told so on its next request (and
the new one is told that another window was signed out), never silently.

Locking (quick exit, auto-lock, the lock button) closes the Vault, drops every
reference to its keys, forgets the browser session and tells listeners (jobs are asked
to stop, in-memory thumbnails are dropped, private upload folders are wiped; just
before the vault closes, uploads in progress are stopped, the blobs of batches never
sealed are removed and what the lock stopped is written into the vault for the next
unlock to say: ``lock_notices``). Python cannot scrub the key bytes from memory; dropping the last
reference is what it allows. Auto-lock (not quick exit, not the lock button) waits
while an upload or a job runs.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from spoorvast.errors import UserError, WrongPassphrase
from spoorvast.i18n import _
from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.blobs import BlobStore
from spoorvast.web.settings import WebSettings
from spoorvast.web.throttle import Throttle


class Locked(UserError):
    """The vault is locked (or this browser is not the one that unlocked it)."""


Listener = Callable[[], None]
Closing = Callable[[vaultlib.Vault], None]
Busy = Callable[[], bool]


class VaultSession:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.secret = secrets.token_bytes(32)  # per start: cookies and CSRF die with it
        self._lock = threading.RLock()
        self._vault: vaultlib.Vault | None = None
        self._token: str | None = None
        self._last_activity = time.monotonic()
        self._listeners: list[Listener] = []
        self._closing: list[Closing] = []  # called with the vault just before it closes
        self._busy: list[Busy] = []  # work that auto-lock waits for
        self._opened: list[Closing] = []  # called with the vault an unlock opened
        self.exited = False  # set by quick exit: app pages lead to the neutral page
        self.autolock_seconds = settings.autolock_seconds  # the user may change it
        self.throttle = Throttle()
        self._taken_over: set[str] = set()  # digests of sessions ended by a new unlock

    # -- state ---------------------------------------------------------------------

    @property
    def unlocked(self) -> bool:
        return self._vault is not None

    def vault_exists(self) -> bool:
        return vaultlib.is_vault(self.settings.vault_root)

    def owns(self, token: str | None) -> bool:
        """Is this browser session the one that unlocked the vault?"""
        current = self._token
        return (token is not None and current is not None
                and hmac.compare_digest(token.encode(), current.encode()))

    def on_lock(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def before_close(self, listener: Closing) -> None:
        self._closing.append(listener)

    def after_open(self, listener: Closing) -> None:
        """Called with the vault each time an unlock opens it (before any page)."""
        self._opened.append(listener)

    def waits_for(self, busy: Busy) -> None:
        """Auto-lock waits while ``busy()`` is true (an upload, a job)."""
        self._busy.append(busy)

    def busy(self) -> bool:
        return any(check() for check in self._busy)

    # -- unlock / create / lock ---------------------------------------------------

    def unlock(self, passphrase: str) -> tuple[str, bool]:
        """Check the passphrase and open the vault (or, when it is open, check it against
        the key file). Returns the new browser session token, and whether an earlier
        browser session was ended by it."""
        with self.throttle.attempt():
            if self._vault is None:
                vault = vaultlib.open_vault(self.settings.vault_root, passphrase)
                with self._lock:
                    if self._vault is None:
                        self._vault = vault
                        for opened in self._opened:
                            opened(vault)
                        return self._begin(), False
                vault.close()  # opened meanwhile by another request: check against it
            self._check_open(passphrase)
        with self._lock:
            if self._vault is None:
                raise Locked(_("The vault is locked."))
            ended = self._token is not None
            if ended:
                self._taken_over.add(_digest(self._token or ""))
            return self._begin(), ended

    def _check_open(self, passphrase: str) -> None:
        with self._lock:
            vault = self._vault
        if vault is None:
            raise Locked(_("The vault is locked."))
        keyring = crypto.unlock_keyfile(vault.root / vaultlib.KEYFILE, passphrase)
        if not hmac.compare_digest(keyring.data_key, vault.keyring.data_key):
            raise WrongPassphrase(_("Wrong passphrase: the vault stays locked."))

    def was_taken_over(self, token: str | None) -> bool:
        """Was this browser session ended because the vault was unlocked elsewhere?"""
        return token is not None and _digest(token) in self._taken_over

    def create(self, passphrase: str) -> str:
        with self._lock:
            if self._vault is not None:
                raise UserError(_("The vault is already open."))
            self._vault = vaultlib.create(self.settings.vault_root, passphrase)
            return self._begin()

    def _begin(self) -> str:
        self._token = secrets.token_urlsafe(32)
        self.exited = False
        self.touch()
        return self._token

    def lock(self) -> None:
        """Close the vault and forget the session. Safe to call at any time. The jobs
        are told (the listeners) even when closing the vault fails."""
        try:
            with self._lock:
                vault, self._vault, self._token = self._vault, None, None
                self._taken_over.clear()
                if vault is not None:
                    try:
                        for closing in self._closing:
                            closing(vault)
                    finally:
                        vault.close()
        finally:
            for listener in self._listeners:
                listener()

    # -- use ----------------------------------------------------------------------

    @contextmanager
    def use(self) -> Iterator[vaultlib.Vault]:
        with self._lock:
            if self._vault is None:
                raise Locked(_("The vault is locked."))
            yield self._vault

    def rebuild(self, build: Closing, switch: Listener, passphrase: str) -> None:
        """Replace the open vault's files (a rekey) and open the result with
        ``passphrase`` for the same browser session. ``build`` makes the new files from
        the open vault (if it raises, the vault stays open as it was); the database is
        then closed, ``switch`` puts the new files in place while the vault's lock is
        still held, and the vault opens again (which finishes a switch cut short). Every
        other use of the vault waits meanwhile."""
        with self._lock:
            vault = self._vault
            if vault is None:
                raise Locked(_("The vault is locked."))
            build(vault)
            self._vault = None
            try:
                vault.store.close()
                switch()
            finally:
                os.close(vault._lock_fd)
                self._vault = vaultlib.open_vault(self.settings.vault_root, passphrase)

    def blob_store(self) -> BlobStore:
        """A blob store on the open vault's keys for an upload (it needs no database)."""
        with self.use() as vault:
            keys = vault.keyring
            return BlobStore(vault.root, keys.blob_key, keys.name_key)

    def job_handle(self) -> vaultlib.Vault:
        """A second handle on the open vault for a background job (close it after)."""
        with self.use() as vault:
            keys = vault.keyring
            store = vaultlib.open_store(vault.root, keys)
            blobs = BlobStore(vault.root, keys.blob_key, keys.name_key)
            return vaultlib.Vault(vault.root, keys, store, blobs, os.dup(vault._lock_fd),
                                  vault.writable)

    # -- inactivity ---------------------------------------------------------------

    def touch(self) -> None:
        self._last_activity = time.monotonic()

    def idle_seconds(self) -> float:
        return time.monotonic() - self._last_activity

    def lock_if_idle(self) -> bool:
        """Lock after inactivity, unless an upload or a job is running (it would be
        lost or cut short); the lock comes as soon as it ends."""
        if (self.unlocked and self.idle_seconds() >= self.autolock_seconds
                and not self.busy()):
            self.lock()
            return True
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Watchdog:
    """Locks the vault after inactivity even when no request arrives."""

    def __init__(self, session: VaultSession) -> None:
        self.session = session
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="spoorvast-autolock",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        interval = min(self.session.settings.watchdog_seconds,
                       max(0.2, self.session.settings.autolock_seconds / 4))
        while not self._stop.wait(interval):
            self.session.lock_if_idle()
