"""Browser uploads go straight into the vault's encrypted blob store.

The request body is never written anywhere in the clear: each piece the browser sends is
handed, as it arrives, to :meth:`BlobStore.ingest` (SHA-256 and AES-GCM in one pass,
ciphertext in the vault's own ``tmp/``, renamed into ``blobs/`` only when whole). The
page sends the SHA-256 and size it computed from the file on the person's computer;
the upload is kept only when the bytes received are exactly those: a different hash, a
short body, a cut connection or a lock during the upload refuses it with a message that
names the file, and its ciphertext is removed.

The ingest runs on a worker thread; the event loop feeds it through a small bounded
queue, so memory stays at a few pieces whatever the file size.

What was received is remembered per batch (name, SHA-256, size, the file's modification
time) until the batch is sealed by the intake (``routes_add``), in memory and in the
vault (``pending_uploads``: an app that ends without a lock still says it); a batch
dropped by a lock removes the blobs it created that nothing refers to and leaves a
notice naming its files for the next unlock (``lock_notices``). An upload that ends
just after the lock is remembered by its blob's stored name and removed by the next
unlock (``Uploads.sweep``), which says that a file was not kept.
"""

from __future__ import annotations

import asyncio
import io
import re
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from typing import Any, BinaryIO, cast

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.services.verify import referenced_blob_names
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.blobs import BlobStore, StoredBlob
from spoorvast.storage.vault import Vault
from spoorvast.web import lock_notices, pending_uploads

QUEUE = 16  # pieces waiting for the writer (each at most what the server read at once)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CUT = object()


class UploadRefused(UserError):
    """An upload that was not kept (the message names the file)."""


class UploadCut(Exception):
    """The body ended before the file did (connection cut) or the vault locked."""


@dataclass(frozen=True, slots=True)
class Received:
    """One file received whole and sealed as a blob, not yet an item."""

    name: str  # as the person chose it: its path inside the chosen folder, cleaned
    sha256: str
    size: int
    modified_ms: int
    fresh: bool  # this upload created the blob (remove it if no item comes of it)


PENDING_SECONDS = 120.0  # a batch touched this recently is waiting to be sealed


@dataclass
class UploadBatch:
    case_id: int
    files: list[Received] = field(default_factory=list)
    touched: float = field(default_factory=time.monotonic)  # its last upload's start/end

    def pending(self) -> bool:
        """Still being filled (auto-lock waits: the seal follows the last upload); a
        batch left alone (a tab closed half-way) stops counting after a while."""
        return time.monotonic() - self.touched < PENDING_SECONDS

    def taken(self) -> set[str]:
        return {f.name for f in self.files}


def declared(sha256: str, size: str, name: str) -> tuple[str, int]:
    """The SHA-256 and size the page computed, checked for form."""
    digest = sha256.strip().lower()
    if not _SHA256.fullmatch(digest) or not size.isdigit():
        raise UploadRefused(_("{name} was not received: the page did not say which bytes "
                              "to expect. Reload the page and add it again.").format(name=name))
    return digest, int(size)


class _QueueReader(io.RawIOBase):
    """The request body as a file for the ingest thread (pieces from the event loop)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, pieces: asyncio.Queue[Any],
                 stop: threading.Event) -> None:
        super().__init__()
        self._loop, self._pieces, self._stop = loop, pieces, stop
        self._piece, self._at, self._eof = b"", 0, False
        self._waiting: Future[Any] | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._at >= len(self._piece):
            if self._eof:
                return 0
            piece = self._next()
            if piece is None:
                self._eof = True
                return 0
            self._piece, self._at = piece, 0
        n = min(len(buffer), len(self._piece) - self._at)
        buffer[:n] = self._piece[self._at:self._at + n]
        self._at += n
        return n

    def _next(self) -> bytes | None:
        """The next piece; waits in short steps so a lock stops the upload at once."""
        if self._waiting is None:
            self._waiting = asyncio.run_coroutine_threadsafe(self._pieces.get(), self._loop)
        while True:
            if self._stop.is_set():
                raise UploadCut()
            try:
                piece = self._waiting.result(timeout=0.25)
            except TimeoutError:
                continue
            self._waiting = None
            if piece is _CUT:
                raise UploadCut()
            return piece  # type: ignore[no-any-return]


async def _put(pieces: asyncio.Queue[Any], piece: object, writer: asyncio.Future[Any]) -> bool:
    """Queue one piece unless the writer has ended (an error, a lock)."""
    putting = asyncio.ensure_future(pieces.put(piece))
    await asyncio.wait({putting, writer}, return_when=asyncio.FIRST_COMPLETED)
    if not putting.done():
        putting.cancel()
        return False
    return True


async def stream_into(blobs: BlobStore, body: AsyncIterator[bytes],
                      stop: threading.Event) -> StoredBlob:
    """Seal the body as one blob as it arrives. Raises UploadCut when the connection
    ends early or ``stop`` is set (a lock); nothing of the upload is kept then."""
    loop = asyncio.get_running_loop()
    pieces: asyncio.Queue[Any] = asyncio.Queue(maxsize=QUEUE)
    reader = _QueueReader(loop, pieces, stop)
    writer = asyncio.ensure_future(run_in_threadpool(blobs.ingest, cast(BinaryIO, reader),
                                                 durable=False))
    ending: object = None
    pieces_in = body.__aiter__()
    try:
        while True:
            arriving = asyncio.ensure_future(pieces_in.__anext__())
            await asyncio.wait({arriving, writer}, return_when=asyncio.FIRST_COMPLETED)
            if not arriving.done():  # the writer ended first (a lock, a full disk)
                arriving.cancel()
                break
            try:
                piece = arriving.result()
            except StopAsyncIteration:
                break
            if piece and not await _put(pieces, piece, writer):
                break
    except ClientDisconnect:
        ending = _CUT
    except BaseException:
        stop.set()  # the server is stopping this request: the writer must not wait on
        raise
    finally:
        if not writer.done() and not stop.is_set():
            await _put(pieces, ending, writer)
    return await writer


def _log_removal(vault: Vault, count: int) -> bool:
    """The custody entry for removing the blobs of uploads a lock cut off."""
    try:
        with vault.store.transaction() as tx:
            tx.log(VAULT_CHAIN, "web.interrupted-uploads-removed", "blobs", {"count": count})
    except UserError:
        return False
    return True


def remove_unreferenced(vault: Vault, received: list[Received]) -> None:
    """Remove the blobs these uploads created when no item refers to them."""
    for item in received:
        if item.fresh and not vault.store.has_artifact(item.sha256):
            vault.blobs.remove(item.sha256)


class Uploads:
    """The batches of one app and the uploads in progress (a lock stops them all)."""

    def __init__(self) -> None:
        self.batches: dict[str, UploadBatch] = {}
        self._running: set[threading.Event] = set()
        self._guard = threading.Lock()
        self._orphans: set[str] = set()  # stored blob names (opaque without the key)
        self._lost = 0  # uploads that ended just after a lock: not kept, to be said

    def start(self) -> threading.Event:
        stop = threading.Event()
        with self._guard:
            self._running.add(stop)
        return stop

    def end(self, stop: threading.Event) -> None:
        with self._guard:
            self._running.discard(stop)

    @property
    def active(self) -> int:
        return len(self._running)

    def busy(self) -> bool:
        """An upload is running, or a batch is being filled (see UploadBatch.pending)."""
        return bool(self._running) or any(b.pending() for b in list(self.batches.values()))

    def stop_all(self) -> None:
        with self._guard:
            running = list(self._running)
        for stop in running:
            stop.set()

    def add_received(self, batch: str, pending: UploadBatch, received: Received) -> bool:
        """Put a received file in its batch, unless a lock dropped the batch."""
        with self._guard:
            if self.batches.get(batch) is not pending:
                return False
            pending.files.append(received)
            return True

    def orphaned(self, blobs: BlobStore, received: Received, said: bool = False) -> None:
        """An upload that ended just after a lock dropped its batch (or that the lock
        kept from removing): the next unlock removes its blob (``sweep``) and says that
        a file was not kept. Only the blob's stored name is remembered, an HMAC that
        says nothing without the key. ``said``: the page was told already."""
        with self._guard:
            self._lost += 0 if said else 1
            if received.fresh:
                self._orphans.add(blobs.name(received.sha256))

    @property
    def orphans(self) -> int:
        return len(self._orphans)

    def sweep(self, vault: Vault) -> int:
        """At an unlock with no job running: remove the blobs of uploads a lock cut off,
        unless something refers to them (an item, the saved browser profile), with the
        count in the vault's custody log, and leave a notice for the person. Only these
        names, never a blob found lying about (not every blob belongs to an item)."""
        if not vault.writable:
            return 0
        with self._guard:
            names, self._orphans, lost, self._lost = self._orphans, set(), self._lost, 0
        gone = names - referenced_blob_names(vault) if names else set()
        if gone and not _log_removal(vault, len(gone)):
            with self._guard:  # not logged (a full disk): removed at a later unlock
                self._orphans |= gone
            gone = set()
        for name in gone:
            vault.blobs.remove_name(name)
        if lost:
            lock_notices.keep(vault, lock_notices.cut_record(lost))
        return len(gone)

    def drop_batches(self, vault: Vault) -> None:
        """Before a lock closes the vault: forget every batch not sealed, removing the
        blobs its uploads created (nothing refers to them), and write down which files
        were received but not sealed, for the next unlock to say (``lock_notices``)."""
        self.stop_all()
        with self._guard:
            batches, self.batches = list(self.batches.values()), {}
        unsealed = [(f.name, f.size) for batch in batches for f in batch.files]
        if not unsealed or lock_notices.brief_write(vault, partial(
                lock_notices.write, vault, lock_notices.unsealed_record(unsealed))):
            lock_notices.brief_write(vault, partial(pending_uploads.forget, vault))
        # else their entries stay in the vault: the next unlock says them from there
        for batch in batches:
            remove_unreferenced(vault, batch.files)
