"""The encrypted, content-addressed blob store of the embedded vault.

Each blob is one original or derived file, addressed by the SHA-256 of its plaintext.
The file name is ``HMAC-SHA256(name_key, sha256)``, so the directory listing does not
reveal which known file is stored.

File format (written by hand: no maintained Python library does streamed, chunked AEAD
over files; this is the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár
with AES-256-GCM from ``cryptography``)::

    magic  b"SPVBLOB1"         8 bytes
    salt   random              24 bytes   per-blob key = HKDF(blob_key, salt)
    chunks AES-GCM(chunk_i)    1 MiB plaintext + 16 byte tag each
           nonce = i (11 bytes big-endian) || last-flag (1 byte); AAD = magic || salt

The last chunk carries the flag (an empty file is one empty last chunk), so truncation,
reordering and splicing between blobs all fail authentication.

Version 2 (``SPVBLOB2``, written since issue 22) pads inside the encryption, so the size
of a blob no longer tells the exact size of the file (a known screenshot or message
could be recognised by it): the chunked plaintext is ``file || zeros || length`` (the
file's length, 8 bytes big-endian, at the very end of the last chunk), its total length
rounded up by Padmé (Nikitin et al., PETS 2019: at most 12 % more, 2-3 % for files of
100 KB to 1 GB, and it leaks O(log log n) bits of the size instead of O(log n)).
Version 1 blobs (unpadded) stay readable.

Blobs are written to ``tmp/`` and renamed into ``blobs/`` only when whole. Memory use is
a few chunks, whatever the file size.

A blob whose plaintext fits in one chunk (most files: photos, e-mails, attachments) is
not a file of its own but a record appended to a pack (``storage/packs.py``): the same
format with the magic ``SPVBLOBP``, whose authenticated data also binds the blob's name.
Callers see no difference (``path`` names only loose files; ``location`` names both).

A blob may also be stored as a byte range of another blob (a message of a sealed mbox):
a *range record* in a pack, read and checked against its SHA-256 like any blob
(``storage/blob_ranges.py``, :meth:`BlobStore.ingest_range`).
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import hmac
import io
import itertools
import os
import secrets
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from spoorvast.errors import StorageFull
from spoorvast.i18n import _
from spoorvast.storage import blob_ranges, packs
from spoorvast.storage.packs import Located

MAGIC = b"SPVBLOB2"  # written; padded (above)
MAGIC_V1 = b"SPVBLOB1"  # read: unpadded
MAGIC_PACKED = b"SPVBLOBP"  # a record in a pack: version 2, bound to its name
LENGTH = 8  # the trailer holding the file's length (version 2)
SALT_SIZE = 24
CHUNK = 1 << 20
TAG = 16
HEADER = len(MAGIC) + SALT_SIZE

Progress = Callable[[int], None]


class SourceUnreadable(Exception):
    """Reading the input (not writing the vault) failed."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or type(error).__name__)
        self.error = error


class BlobDamaged(Exception):
    """A blob failed authentication, is missing or is truncated."""

    def __init__(self, reason: str, offset: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


@dataclass(frozen=True, slots=True)
class StoredBlob:
    sha256: str
    size: int
    fresh: bool  # False: the same bytes were already stored
    repaired: bool = False  # a damaged blob of the same name was replaced by this one


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _blob_cipher(blob_key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"spoorvast blob chunk v1")
    return AESGCM(hkdf.derive(blob_key))


def _syncfs(directory: Path) -> None:
    """Flush the whole file system holding ``directory`` (one call for a batch)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        if not hasattr(_libc, "syncfs") or _libc.syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


FLUSH_AHEAD = 32 << 20


def _flush_in_background(path: Path) -> None:
    """Start writing a large blob to the disk now, while the import goes on (a chat export
    of 117 MB took 0.3 s in the batch's final ``syncfs``). That ``syncfs`` still makes it
    durable; this only moves the disk's work earlier."""
    def flush() -> None:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return  # removed already (an input refused or found twice)
        try:
            os.fdatasync(fd)
        except OSError:
            pass  # the batch's syncfs reports the disk's errors
        finally:
            os.close(fd)

    threading.Thread(target=flush, name="spoorvast-flush", daemon=True).start()


class BlobStore:
    def __init__(self, root: Path, blob_key: bytes, name_key: bytes, *,
                 packing: bool = True) -> None:
        self.root = root
        self.blob_dir = root / "blobs"
        self._blob_root = os.fspath(self.blob_dir)
        self.tmp_dir = root / "tmp"
        self._blob_key = blob_key
        self._name_key = name_key
        self._namer = hmac.new(name_key, digestmod="sha256")  # copied for each name
        self._fanout: set[str] = set()  # blobs/xx folders known to exist
        self.packing = packing  # small blobs go to packs (off: every blob a file)
        self._index = packs.PackIndex(self.blob_dir / packs.PACK_DIR)
        self._writer = packs.PackWriter(self.blob_dir / packs.PACK_DIR)
        self._ranges: AESGCM | None = None  # made when first needed
        self._containers = blob_ranges.Containers()
        weakref.finalize(self, _close, self._index, self._writer, self._containers)

    def create_dirs(self) -> None:
        self.blob_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.tmp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    def close(self) -> None:
        """Release the pack being appended to and the index (idempotent; the store can
        be used again after, starting a new pack)."""
        _close(self._index, self._writer, self._containers)

    def name(self, sha256: str) -> str:
        """HMAC-SHA256 of the hash under the name key, from a keyed HMAC made once and
        copied (``hmac.digest`` padded the key again for each message of an mbox)."""
        namer = self._namer.copy()
        namer.update(bytes.fromhex(sha256))
        return namer.hexdigest()

    def path(self, sha256: str) -> Path:
        """Where the blob is, or would be, as a file of its own (a packed one is not:
        see :meth:`location`)."""
        name = self.name(sha256)
        return self.blob_dir / name[:2] / name

    def location(self, sha256: str) -> Located | None:
        """The file and byte range holding the blob's stored bytes, packed or loose."""
        return self._locate(self.name(sha256))

    def _locate(self, name: str) -> Located | None:
        found = self._index.lookup(name)
        if found is not None:
            return found
        loose = f"{self._blob_root}/{name[:2]}/{name}"  # (a Path per lookup cost more)
        try:
            size = os.stat(loose).st_size
        except FileNotFoundError:
            return None
        return Located(Path(loose), 0, size)

    def exists(self, sha256: str) -> bool:
        return self.location(sha256) is not None

    def clean_tmp(self) -> int:
        """Remove leftovers of an interrupted write (only ciphertext ever lands there),
        and cut packs back to their indexed end (an interrupted append)."""
        removed = 0
        for leftover in self.tmp_dir.glob("*"):
            leftover.unlink(missing_ok=True)
            removed += 1
        return removed + self._index.trim()

    def stored_names(self) -> Iterator[str]:
        for path in self.blob_dir.glob(_LOOSE):
            yield path.name
        yield from self._index.names()

    def stored(self) -> Iterator[tuple[str, Located]]:
        """(name, where its bytes are) of every stored blob, loose and packed."""
        for path in self.blob_dir.glob(_LOOSE):
            try:
                yield path.name, Located(path, 0, path.stat().st_size)
            except FileNotFoundError:
                continue
        yield from self._index.rows()

    def names_written_since(self, epoch_ns: int) -> Iterator[str]:
        """Blobs written at or after this wall-clock time (what a killed job may have
        left: its caller removes those nothing refers to)."""
        for path in self.blob_dir.glob(_LOOSE):
            try:
                if path.stat().st_mtime_ns >= epoch_ns:
                    yield path.name
            except FileNotFoundError:
                continue
        yield from self._index.names(epoch_ns)

    # -- writing ----------------------------------------------------------------

    def ingest(self, source: BinaryIO, *, durable: bool = True,
               progress: Progress | None = None, batched: bool = False) -> StoredBlob:
        """Hash and encrypt ``source`` in one streamed pass; store it under its SHA-256.
        ``batched`` (with ``durable=False``): a packed blob's index row is committed at
        the next :meth:`sync`, not now (see ``storage/packs.py``); the caller calls
        :meth:`sync` before anything refers to the blob."""
        try:
            chunks = _chunks(source)
            first = next(chunks)
            if first[2] and self.packing:  # one chunk: a record in a pack
                return self._pack(first[1], durable, progress, batched)
            return self._loose(itertools.chain([first], chunks), durable, progress)
        except OSError as exc:
            _refuse_full(exc)
            raise

    def ingest_bytes(self, data: bytes, *, durable: bool = True,
                     progress: Progress | None = None, batched: bool = False) -> StoredBlob:
        """Like :meth:`ingest`, for bytes in memory (a small file read whole: packed
        without a stream around it)."""
        if len(data) > CHUNK or not self.packing:
            return self.ingest(io.BytesIO(data), durable=durable, progress=progress)
        try:
            return self._pack(data, durable, progress, batched)
        except OSError as exc:
            _refuse_full(exc)
            raise

    def _loose(self, chunks: Iterator[tuple[int, bytes, bool]], durable: bool,
               progress: Progress | None) -> StoredBlob:
        tmp = _Temp(self.tmp_dir)
        try:
            sha256, size = self._write_tmp(chunks, tmp.fd, durable, progress)
            return self._publish(tmp, sha256, size, durable)
        finally:
            tmp.close()

    def _pack(self, data: bytes, durable: bool, progress: Progress | None,
              batched: bool = False) -> StoredBlob:
        """One small blob: appended to the pack as a record, unless the same bytes are
        stored whole already (checked as :meth:`_publish` does)."""
        sha256 = hashlib.sha256(data).hexdigest()
        name = self.name(sha256)
        record = _record(self._blob_key, name, data)  # before the lock: the other
        with self._writer.lock:  # worker appends meanwhile (unused when stored already)
            held = self._locate(name)
            damaged = held is not None and self.check(sha256) is not None
            fresh = held is None or damaged
            if fresh:
                where = self._writer.append(record)
                where = Located(where.pack, where.offset + packs.PREFIX,
                                where.length - packs.PREFIX)
                fresh = self._index_row(name, where, held if damaged else None,
                                        batched and not durable)
                if durable or damaged:
                    _syncfs(self.blob_dir)
        if progress:
            progress(len(data))
        return StoredBlob(sha256, len(data), fresh=fresh and not damaged,
                          repaired=fresh and damaged)

    def _index_row(self, name: str, where: Located, replaces: Located | None,
                   batched: bool) -> bool:
        """Commit the record's index row (``batched``: at the next sync), and free the
        damaged copy it replaces. False: another store on this vault indexed the same
        bytes first (its copy is kept)."""
        try:
            self._index.add(name, where, replace=replaces is not None,
                            batched=batched and replaces is None)
        except sqlite3.IntegrityError:
            packs.punch(where)
            return False
        if replaces is not None:
            if replaces.pack.parent == self._index.directory:
                packs.punch(replaces)
            else:
                replaces.pack.unlink(missing_ok=True)  # a loose file
        return True

    def _write_tmp(self, chunks: Iterator[tuple[int, bytes, bool]], fd: int, durable: bool,
                   progress: Progress | None) -> tuple[str, int]:
        """One pass: SHA-256 of chunk i runs on a helper thread (hashlib releases the
        GIL) while chunk i is encrypted and written. A file of one chunk is one write of
        header and ciphertext."""
        salt = secrets.token_bytes(SALT_SIZE)
        cipher, aad = _blob_cipher(self._blob_key, salt), MAGIC + salt
        digest, size, hashing = hashlib.sha256(), 0, None
        with open(fd, "wb", buffering=0, closefd=False) as out:
            pending = aad
            for index, chunk, last in chunks:
                if hashing is not None:
                    hashing.result()
                if index == 0 and last:  # one chunk: a thread would only cost time
                    digest.update(chunk)
                else:
                    hashing = _HASHER.submit(digest.update, chunk)
                size += len(chunk)
                for number, part, final in _padded(index, chunk, last, size):
                    sealed = cipher.encrypt(_nonce(number, final), part, aad)
                    _write_all(out, pending + sealed if pending else sealed)
                    pending = b""
                if progress:
                    progress(len(chunk))
            if hashing is not None:
                hashing.result()
            if durable:
                os.fsync(fd)
        return digest.hexdigest(), size

    def _publish(self, tmp: _Temp, sha256: str, size: int, durable: bool) -> StoredBlob:
        """Link the finished temp file into place; exactly one writer of the same bytes
        gets ``fresh=True`` even when several write them at once.

        A blob already at that name is reused only when it decrypts whole to these bytes
        (:meth:`check`): after a power loss it may be empty, partial or damaged, and
        reusing it would report "added" (or "duplicate") over a copy ``verify`` then
        fails. A bad one is replaced atomically by the new copy (``repaired``). The check
        costs a decryption of the stored copy, paid only when the same bytes come again
        (10,000 small files re-added: see ``benchmarks/``)."""
        final = self.path(sha256)
        if final.parent.name not in self._fanout:
            final.parent.mkdir(exist_ok=True, mode=0o700)
            self._fanout.add(final.parent.name)
        try:
            tmp.link(final)
        except FileExistsError:
            if self.check(sha256) is None:
                return StoredBlob(sha256, size, fresh=False)
            tmp.replace(final)  # a leftover (power loss, damage): the new copy wins
            _syncfs(final.parent)
            return StoredBlob(sha256, size, fresh=False, repaired=True)
        if durable:
            _syncfs(final.parent)
        elif size >= FLUSH_AHEAD:
            _flush_in_background(final)
        return StoredBlob(sha256, size, fresh=True)

    def sync(self) -> None:
        """Make every blob written with ``durable=False`` durable (one syncfs), their
        batched index rows committed first."""
        self._index.flush()
        _syncfs(self.blob_dir)

    def remove(self, sha256: str) -> None:
        self.remove_name(self.name(sha256))

    def remove_name(self, name: str) -> None:
        self._containers.forget(lambda sha: self.name(sha) == name)
        self._index.remove(name)
        (self.blob_dir / name[:2] / name).unlink(missing_ok=True)

    # -- reading ----------------------------------------------------------------

    def _stored(self, sha256: str, ranges: bool = True) -> tuple[BinaryIO, bytes | None]:
        """A handle on the blob's stored bytes (a packed record is read into memory: it
        is at most one chunk) and what its authenticated data binds besides its header;
        for a range record (``ranges``), the range's plaintext, checked, and None."""
        name = self.name(sha256)
        where = self._index.lookup(name)
        if where is not None:
            try:
                stored = packs.read_record(where)
            except FileNotFoundError as exc:
                raise BlobDamaged("missing") from exc
            if ranges and blob_ranges.is_range(stored):
                return io.BytesIO(self._range_bytes(sha256, name, stored)), None
            return io.BytesIO(stored), bytes.fromhex(name)
        try:
            return (self.blob_dir / name[:2] / name).open("rb"), b""
        except FileNotFoundError as exc:
            raise BlobDamaged("missing") from exc

    def read_chunks(self, sha256: str) -> Iterator[bytes]:
        """Plaintext chunks; raises BlobDamaged on any tampering or truncation."""
        handle, bind = self._stored(sha256)
        with handle:
            if bind is None:  # a range, read and checked already
                yield handle.read()
                return
            yield from self._decrypt(handle, bind)

    def _decrypt(self, handle: BinaryIO, bind: bytes) -> Iterator[bytes]:
        header = _header(handle, bind)
        aad = header + bind
        cipher = _blob_cipher(self._blob_key, header[len(MAGIC):])
        remaining = _file_length(handle, header, aad, cipher)
        index, offset = 0, HEADER
        handle.seek(HEADER)
        block = handle.read(CHUNK + TAG)
        while True:
            following = handle.read(CHUNK + TAG)
            last = not following
            try:
                plain = cipher.decrypt(_nonce(index, last), block, aad)
            except InvalidTag as exc:
                raise BlobDamaged("authentication-failed", offset) from exc
            if remaining is None:
                yield plain
            elif plain[:remaining] or index == 0:  # padding only: authenticated, not given
                yield plain[:remaining]
                remaining -= min(remaining, len(plain))
            if last:
                return
            index, offset, block = index + 1, offset + len(block), following

    def open(self, sha256: str) -> BinaryIO:
        """A buffered, seekable reader over the plaintext (lines, ``read(n)``, ``seek``);
        decrypts as it goes, and raises BlobDamaged where the stored bytes fail
        authentication (a truncated blob fails on its last chunk, which then is not)."""
        handle, bind = self._stored(sha256)
        if bind is None:  # a range, read and checked already
            return handle
        try:
            raw = _BlobReader(handle, self._blob_key, bind)
        except BaseException:
            handle.close()
            raise
        return io.BufferedReader(raw, CHUNK)

    # -- ranges (blob_ranges.py) ------------------------------------------------

    def ingest_range(self, data: bytes, container: str, start: int, *,
                     durable: bool = True) -> StoredBlob:
        """Store ``data``, which is the blob ``container`` from byte ``start`` on, as a
        range record: after reading the range back and comparing it with ``data``, and
        unless the same bytes are stored already. Sealed as a blob of its own when it is
        not that range (or too large, or packing is off): the bytes are never lost."""
        if not self.packing or len(data) > blob_ranges.RANGE_LIMIT \
                or not self._is_range_of(data, container, start):
            return self.ingest_bytes(data, durable=durable)
        sha256 = hashlib.sha256(data).hexdigest()
        name = self.name(sha256)
        with self._writer.lock:
            held = self._held(name)
            if not held:
                record = blob_ranges.record(self._range_cipher(), name, container, start,
                                            len(data))
                where = self._writer.append([packs.prefix(name, len(record)), record])
                fresh = self._index_row(name, Located(
                    where.pack, where.offset + packs.PREFIX, where.length - packs.PREFIX),
                    None, batched=not durable)
                if durable:
                    _syncfs(self.blob_dir)
                return StoredBlob(sha256, len(data), fresh=fresh)
        if self.check(sha256) is None:
            return StoredBlob(sha256, len(data), fresh=False)
        # the stored copy is damaged: a packed one is dropped first (a loose copy, which
        # ``_publish`` replaces, would not be read while the index names another)
        self._index.remove(name)
        return self.ingest_bytes(data, durable=durable)

    def _held(self, name: str) -> bool:
        """``_locate(name) is not None``, without building paths (a fifth of the time of
        sealing a range)."""
        return self._index.lookup(name) is not None or os.path.exists(
            os.path.join(self.blob_dir, name[:2], name))

    def _is_range_of(self, data: bytes, container: str, start: int) -> bool:
        try:
            return self._containers.read(container, start, len(data),
                                         self._open_container) == data
        except BlobDamaged:
            return False

    def _range_cipher(self) -> AESGCM:
        if self._ranges is None:
            self._ranges = blob_ranges.range_key(self._blob_key)
        return self._ranges

    def _open_container(self, sha256: str) -> _BlobReader:
        handle, bind = self._stored(sha256, ranges=False)  # a range of a range: damaged
        assert bind is not None
        try:
            return _BlobReader(handle, self._blob_key, bind)
        except BaseException:
            handle.close()
            raise

    def _range_bytes(self, sha256: str, name: str, stored: bytes) -> bytes:
        try:
            container, start, length = blob_ranges.opened(self._range_cipher(), name, stored)
        except blob_ranges.RangeDamaged as exc:
            raise BlobDamaged(str(exc), 0) from exc
        data = self._containers.read(container, start, length, self._open_container)
        if len(data) != length or hashlib.sha256(data).hexdigest() != sha256:
            raise BlobDamaged("content-hash-mismatch")
        return data

    def read_bytes(self, sha256: str) -> bytes:
        return b"".join(self.read_chunks(sha256))

    def check(self, sha256: str) -> str | None:
        """None when the blob decrypts whole and hashes to ``sha256``; else a reason."""
        digest = hashlib.sha256()
        try:
            for chunk in self.read_chunks(sha256):
                digest.update(chunk)
        except BlobDamaged as exc:
            return exc.reason if exc.offset is None else f"{exc.reason}@{exc.offset}"
        return None if digest.hexdigest() == sha256 else "content-hash-mismatch"


def _refuse_full(exc: OSError) -> None:
    """A write that failed because the disk is full becomes StorageFull."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        raise StorageFull(_("The disk holding the vault is full; nothing was stored. "
                            "Free some space and try again.")) from exc


class _Temp:
    """The file a blob is written to before it has its name: an unnamed file in
    ``tmp/`` (``O_TMPFILE``; a crash leaves nothing, and no name is created and removed
    per blob), linked into place when whole; a named ``tmp/`` file where the file
    system has no unnamed files (``clean_tmp`` removes what a crash leaves there)."""

    def __init__(self, directory: Path) -> None:
        self.directory, self.path = directory, None
        try:
            if not _UNNAMED:
                raise OSError(errno.EOPNOTSUPP, "no /proc/self/fd")
            self.fd = os.open(directory, os.O_TMPFILE | os.O_WRONLY, 0o600)
        except OSError as exc:
            if exc.errno not in _NO_TMPFILE:
                raise
            self.path = directory / secrets.token_hex(16)
            self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)

    def link(self, final: Path) -> None:
        """Give it its name; FileExistsError when that name is taken."""
        if self.path is None:
            _link_unnamed(self.fd, final)
        else:
            os.link(self.path, final)

    def replace(self, final: Path) -> None:
        if self.path is None:
            named = self.directory / secrets.token_hex(16)
            _link_unnamed(self.fd, named)
            self.path = named
        os.replace(self.path, final)
        self.path = None

    def close(self) -> None:
        os.close(self.fd)
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def _link_unnamed(fd: int, final: Path) -> None:
    """linkat(2) with AT_SYMLINK_FOLLOW through /proc (``os.link`` calls plain link(2)
    there, which cannot name an unnamed file)."""
    source = f"/proc/self/fd/{fd}".encode()
    if _libc.linkat(_AT_FDCWD, source, _AT_FDCWD, os.fsencode(final), _AT_SYMLINK_FOLLOW):
        code = ctypes.get_errno()
        if code == errno.EEXIST:
            raise FileExistsError(code, os.strerror(code), str(final))
        raise OSError(code, os.strerror(code), str(final))


_AT_FDCWD, _AT_SYMLINK_FOLLOW = -100, 0x400
_UNNAMED = hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")
_NO_TMPFILE = (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT)
_HASHER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="spoorvast-hash")
_libc = ctypes.CDLL(None, use_errno=True)


class _BlobReader(io.RawIOBase):
    """The plaintext of one blob as a seekable raw stream: a read decrypts (and
    authenticates) only the chunk it falls in, so ``zipfile`` can seek through a sealed
    archive without the archive ever being written out in the clear."""

    def __init__(self, handle: BinaryIO, blob_key: bytes, bind: bytes = b"") -> None:
        self._handle = handle
        header = _header(handle, bind)
        self._header, self._cipher = header + bind, _blob_cipher(blob_key, header[len(MAGIC):])
        self._count, padded = _layout(handle)
        self._pos, self._index, self._plain = 0, -1, b""
        length = _file_length(handle, header, self._header, self._cipher)
        self._size = padded if length is None else length

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self._size:
            return 0
        index, start = divmod(self._pos, CHUNK)
        plain = self._chunk(index)
        n = min(len(buffer), len(plain) - start, self._size - self._pos)
        buffer[:n] = plain[start:start + n]
        self._pos += n
        return n

    def _chunk(self, index: int) -> bytes:
        if index != self._index:
            offset = HEADER + index * (CHUNK + TAG)
            self._handle.seek(offset)
            block = self._handle.read(CHUNK + TAG)
            try:
                self._plain = self._cipher.decrypt(_nonce(index, index == self._count - 1),
                                                   block, self._header)
            except InvalidTag as exc:
                raise BlobDamaged("authentication-failed", offset) from exc
            self._index = index
        return self._plain

    def close(self) -> None:
        self._handle.close()
        super().close()


def _write_all(out: BinaryIO, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = out.write(view)
        if written is None:
            raise BlockingIOError("write would block")
        view = view[written:]


def _chunks(source: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """(index, chunk, is_last) over a stream, one chunk of look-ahead; at least one."""
    index, current = 0, _read_full(source)
    while True:
        following = _read_full(source) if len(current) == CHUNK else b""
        yield index, current, not following
        if not following:
            return
        index, current = index + 1, following


def _read_full(source: BinaryIO) -> bytes:
    parts, wanted = [], CHUNK
    while wanted:
        try:
            part = source.read(wanted)
        except OSError as exc:
            raise SourceUnreadable(exc) from exc
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def padded_length(length: int) -> int:
    """Padmé: ``length`` rounded up so that only its top O(log log n) bits show."""
    if length < 4:
        return length
    exponent = length.bit_length() - 1
    low_bits = exponent - exponent.bit_length()
    mask = (1 << low_bits) - 1
    return (length + mask) & ~mask


def _padded(index: int, chunk: bytes, last: bool,
            size: int) -> Iterator[tuple[int, bytes, bool]]:
    """(chunk number, plaintext, is last) as written: the file's chunks as read, and
    after its last one the padding and the length trailer, in chunks of CHUNK."""
    if not last:
        yield index, chunk, False
        return
    total = padded_length(size + LENGTH)
    tail = chunk + bytes(total - size - LENGTH) + size.to_bytes(LENGTH, "big")
    pieces = [tail[i:i + CHUNK] for i in range(0, len(tail), CHUNK)] or [b""]
    for number, piece in enumerate(pieces):
        yield index + number, piece, number == len(pieces) - 1


def _header(handle: BinaryIO, bind: bytes) -> bytes:
    """The header; a packed record (``bind``: its name) must say so, a file must not."""
    header = handle.read(HEADER)
    allowed = (MAGIC_PACKED,) if bind else (MAGIC, MAGIC_V1)
    if len(header) != HEADER or header[:len(MAGIC)] not in allowed:
        raise BlobDamaged("bad-header", 0)
    return header


def _layout(handle: BinaryIO) -> tuple[int, int]:
    """(number of chunks, plaintext bytes in them), from the stored size."""
    stored = handle.seek(0, io.SEEK_END) - HEADER
    count = max(1, -(-stored // (CHUNK + TAG)))
    return count, stored - count * TAG


def _file_length(handle: BinaryIO, header: bytes, aad: bytes, cipher: AESGCM) -> int | None:
    """A version 2 blob: the file's length, from the trailer of its last chunk (which
    is decrypted, so authenticated, for it). None for a version 1 blob (unpadded)."""
    if header.startswith(MAGIC_V1):
        return None
    count, padded = _layout(handle)
    offset = HEADER + (count - 1) * (CHUNK + TAG)
    handle.seek(offset)
    try:
        last = cipher.decrypt(_nonce(count - 1, True), handle.read(CHUNK + TAG), aad)
    except InvalidTag as exc:
        raise BlobDamaged("authentication-failed", offset) from exc
    length = int.from_bytes(last[-LENGTH:], "big") if len(last) >= LENGTH else -1
    if not 0 <= length <= padded - LENGTH:
        raise BlobDamaged("bad-length", offset)
    return length


_LOOSE = "[0-9a-f][0-9a-f]/*"  # blobs/xx/<name>: loose blobs (not blobs/packs/)


def _close(index: packs.PackIndex, writer: packs.PackWriter,
           containers: blob_ranges.Containers) -> None:
    containers.forget()
    with writer.lock:
        writer.close()
    index.close()


def _record(blob_key: bytes, name: str, data: bytes) -> list[bytes]:
    """A packed record of one chunk's plaintext: its name and length, then the padded
    blob format, whose authenticated data binds the name as well."""
    salt = secrets.token_bytes(SALT_SIZE)
    header = MAGIC_PACKED + salt
    cipher, aad = _blob_cipher(blob_key, salt), header + bytes.fromhex(name)
    parts = [b"", header]
    for number, part, final in _padded(0, data, True, len(data)):
        parts.append(cipher.encrypt(_nonce(number, final), part, aad))
    parts[0] = packs.prefix(name, sum(len(part) for part in parts))
    return parts
