"""Pack files: small blobs appended one after another into a few large files.

A vault of many small files spent most of the time of each one on creating it (a new
inode, a directory entry, a link, then flushing all that metadata): 10,000 files of
100 KB, ``benchmarks/seal.py``. A blob whose plaintext fits in one chunk is therefore
appended to a *pack* instead, as a record of its own::

    <vault>/blobs/packs/<time>-<random>.pack    records, back to back
    <vault>/blobs/packs/index.sqlite            name -> pack, offset, length, written

Each record is a whole blob (``blobs.py``) with its own salt, so its own derived key and
nonces, and its authenticated data also holds the blob's name (the HMAC of its SHA-256):
a record moved to another index row, or swapped with another, fails authentication.
The blob is preceded by its name and length (40 bytes, in clear like a loose file's
name and size), so the packs alone are enough to rebuild a lost index (:func:`scan`).

The index is a plain SQLite file (WAL): it holds what the loose layout shows in a folder
listing anyway (names, sizes, times), no content and no SHA-256. A row is committed just
after its record is appended (WAL without a flush: it survives a killed process, and the
blob store's ``sync`` — one ``syncfs`` — makes record and row durable together), so:

* a crash mid-append leaves bytes past the last indexed record of that pack: nothing
  refers to them, and :meth:`PackIndex.trim` cuts the pack back to its indexed end when
  the vault is next opened for writing;
* a crash after the row but before the item's transaction leaves an unreferenced blob,
  as a loose file did (``verify`` counts it, a dead job's clean-up removes it).

A writer that flushes with the store's ``sync`` before it relies on its blobs (the
intake: its items commit only after that ``sync``) may ask for *batched* rows: they are
written in an open index transaction, committed at that ``sync`` (before its
``syncfs``), at any durable write, or every :data:`BATCH_ROWS` rows. Each commit was a
write to the index's WAL, in the pack writer's lock: 120-230 µs of each small file's
wall time on this machine's loaded disk. A crash before that commit leaves records past
the indexed end, cut back like an interrupted append; no item refers to them.

A writer holds an exclusive ``flock`` on the pack it appends to; trimming takes only
packs nobody holds. Removing a packed blob deletes its row and punches a hole over its
record (``fallocate``; zeros where that is not supported), so its ciphertext leaves the
file as an unlinked loose blob would.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

PACK_DIR = "packs"
INDEX = "index.sqlite"
SUFFIX = ".pack"
PACK_LIMIT = 64 << 20  # a new pack is started past this size
PREFIX = 40  # before each blob: its name (32 bytes) and its length (8, big-endian)
WRITE_AHEAD = 8 << 20  # start the disk writing each this many bytes appended
BATCH_ROWS = 256  # batched rows are committed at least this often

_SCHEMA = ("CREATE TABLE IF NOT EXISTS packed (name TEXT PRIMARY KEY, pack TEXT NOT NULL, "
           "offset INTEGER NOT NULL, length INTEGER NOT NULL, written_ns INTEGER NOT NULL)")
_libc = ctypes.CDLL(None, use_errno=True)
_FALLOC_PUNCH = 0x01 | 0x02  # FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE
_SYNC_FILE_RANGE_WRITE = 2
_KICK = hasattr(_libc, "sync_file_range")  # Linux


def _into_wal(conn: sqlite3.Connection, deadline: float) -> None:
    """Put a new index file into WAL mode. Two stores may make the index at the same
    moment (an app's job and its inbox agent, or two processes): SQLite then answers
    "database is locked" at once, without waiting its busy time-out (1 in 8 tries of
    three at once here), so the change is tried again until ``deadline``."""
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


@dataclass(frozen=True, slots=True)
class Located:
    pack: Path
    offset: int
    length: int


class PackIndex:
    """Where each packed blob is. Thread-safe (one connection behind a lock); the file is
    created only when the first blob is packed, so reading a vault writes nothing.
    Batched rows (see the module's docstring) are seen by every read of this index and
    committed at :meth:`flush`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._path = directory / INDEX
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._batched = 0  # rows written in the open transaction, not yet committed

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is None:
            if not create and not self._path.exists():
                return None
            self.directory.mkdir(mode=0o700, exist_ok=True)
            conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None,
                                   timeout=30)
            _into_wal(conn, time.monotonic() + 30)
            conn.execute("PRAGMA synchronous=NORMAL")  # durable at the store's syncfs
            conn.execute(_SCHEMA)
            os.chmod(self._path, 0o600)
            self._conn = conn
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._commit()
                self._conn.close()
                self._conn = None

    def flush(self) -> None:
        """Commit the batched rows."""
        with self._lock:
            self._commit()

    def _commit(self) -> None:
        if self._conn is not None and self._conn.in_transaction:
            self._conn.execute("COMMIT")
        self._batched = 0

    def lookup(self, name: str) -> Located | None:
        with self._lock:
            conn = self._connect(create=False)
            row = None if conn is None else conn.execute(
                "SELECT pack, offset, length FROM packed WHERE name = ?", (name,)).fetchone()
        return None if row is None else Located(self.directory / row[0], row[1], row[2])

    def add(self, name: str, where: Located, replace: bool = False,
            batched: bool = False) -> None:
        """Commit one row (with the batched rows before it), or, ``batched``, write it in
        the open transaction; sqlite3.IntegrityError when ``name`` is indexed already
        (and ``replace`` is not set)."""
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        with self._lock:
            conn = self._connect(create=True)
            assert conn is not None
            if batched and not conn.in_transaction:
                conn.execute("BEGIN")
            conn.execute(f"{verb} INTO packed VALUES (?, ?, ?, ?, ?)",
                         (name, where.pack.name, where.offset, where.length,
                          time.time_ns()))
            self._batched += 1
            if not batched or self._batched >= BATCH_ROWS:
                self._commit()

    def remove(self, name: str) -> Located | None:
        found = self.lookup(name)
        if found is not None:
            with self._lock:
                conn = self._connect(create=True)
                assert conn is not None
                conn.execute("DELETE FROM packed WHERE name = ?", (name,))
                self._commit()  # before the hole is punched
            punch(found)
        return found

    def names(self, since_ns: int | None = None) -> Iterator[str]:
        with self._lock:
            self._commit()
            conn = self._connect(create=False)
            if conn is None:
                return iter(())
            rows = conn.execute("SELECT name FROM packed WHERE written_ns >= ?",
                                (since_ns or 0,)).fetchall()
        return (row[0] for row in rows)

    def rows(self) -> Iterator[tuple[str, Located]]:
        with self._lock:
            self._commit()
            conn = self._connect(create=False)
            rows = [] if conn is None else conn.execute(
                "SELECT name, pack, offset, length FROM packed ORDER BY pack, offset"
            ).fetchall()
        return ((name, Located(self.directory / pack, offset, length))
                for name, pack, offset, length in rows)

    def trim(self) -> int:
        """Cut every pack nobody appends to back to the end of its last indexed record
        (what a crash mid-append left); a pack with no record left is removed. Returns
        the number of packs changed."""
        if not self._path.exists():
            return 0  # no index (lost?): never cut what it cannot vouch for
        changed = 0
        for pack in sorted(self.directory.glob("*" + SUFFIX)):
            changed += self._trim(pack)
        return changed

    def _trim(self, pack: Path) -> int:
        fd = os.open(pack, os.O_RDWR)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0  # a writer is appending to it
            end = self._indexed_end(pack.name)
            if end == 0:
                pack.unlink()
                return 1
            if os.fstat(fd).st_size > end:
                os.ftruncate(fd, end)
                return 1
            return 0
        finally:
            os.close(fd)

    def _indexed_end(self, pack: str) -> int:
        with self._lock:
            self._commit()
            conn = self._connect(create=False)
            row = None if conn is None else conn.execute(
                "SELECT max(offset + length) FROM packed WHERE pack = ?", (pack,)).fetchone()
        return int(row[0]) if row and row[0] is not None else 0


class PackWriter:
    """Appends records to one pack at a time, holding its ``flock``; thread-safe."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lock = threading.Lock()  # callers hold it around append + index row
        self._fd: int | None = None
        self._pack: Path | None = None
        self._end = 0
        self._kicked = 0  # bytes of the pack whose writing has been started

    def append(self, parts: list[bytes]) -> Located:
        """Write one record (its parts back to back, no copy joins them) at the end of the
        current pack; the caller holds ``lock``."""
        size = sum(len(part) for part in parts)
        if self._fd is None or (self._end + size > PACK_LIMIT and self._end):
            self._start()
        assert self._fd is not None and self._pack is not None
        offset, done = self._end, 0
        while done < size:  # a short write is resumed where it stopped
            done += os.pwritev(self._fd, _after(parts, done), offset + done)
        self._end += size
        if self._end - self._kicked >= WRITE_AHEAD and _KICK:
            self._kick()
        return Located(self._pack, offset, size)

    def _kick(self) -> None:
        """Start writing what was appended since the last kick (``sync_file_range``: no
        durability by itself). The batch's ``syncfs`` then finds little left to write,
        and the disk works while the next files are read and sealed instead of after
        them. The call itself runs on a thread of its own, on a copy of the descriptor:
        on a busy disk it waited 5-8 ms, in the writer's lock."""
        assert self._fd is not None
        _KICKER.submit(_write_out, os.dup(self._fd), self._kicked, self._end - self._kicked)
        self._kicked = self._end

    def flush(self) -> None:
        if self._fd is not None:
            os.fdatasync(self._fd)

    def _start(self) -> None:
        self.close()
        self.directory.mkdir(mode=0o700, exist_ok=True)
        name = f"{time.time_ns():020d}-{secrets.token_hex(4)}{SUFFIX}"
        fd = os.open(self.directory / name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        self._fd, self._pack, self._end, self._kicked = fd, self.directory / name, 0, 0

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the flock
            self._fd, self._pack = None, None


def _write_out(fd: int, start: int, length: int) -> None:
    try:
        _libc.sync_file_range(fd, ctypes.c_int64(start), ctypes.c_int64(length),
                              _SYNC_FILE_RANGE_WRITE)
    finally:
        os.close(fd)


_KICKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spoorvast-kick")


def _after(parts: list[bytes], done: int) -> list[bytes | memoryview]:
    """What is left of ``parts`` once their first ``done`` bytes are written."""
    left: list[bytes | memoryview] = []
    for part in parts:
        if done >= len(part):
            done -= len(part)
            continue
        left.append(memoryview(part)[done:] if done else part)
        done = 0
    return left


def prefix(name: str, length: int) -> bytes:
    return bytes.fromhex(name) + length.to_bytes(8, "big")


def scan(pack: Path) -> Iterator[tuple[str, Located]]:
    """(name, where its blob is) of each whole record in a pack, from the packs alone;
    stops at a record cut short. The blobs still authenticate against their names."""
    with pack.open("rb") as handle:
        size, offset = os.fstat(handle.fileno()).st_size, 0
        while offset + PREFIX <= size:
            head = os.pread(handle.fileno(), PREFIX, offset)
            length = int.from_bytes(head[32:], "big")
            if offset + PREFIX + length > size or not length:
                return
            yield head[:32].hex(), Located(pack, offset + PREFIX, length)
            offset += PREFIX + length


def read_record(where: Located) -> bytes:
    """The stored bytes of one record (short when the pack was cut)."""
    fd = os.open(where.pack, os.O_RDONLY)
    try:
        return os.pread(fd, where.length, where.offset)
    finally:
        os.close(fd)


def punch(where: Located) -> None:
    """Free the record's bytes (zeros when hole punching is not supported)."""
    try:
        fd = os.open(where.pack, os.O_WRONLY)
    except FileNotFoundError:
        return
    try:
        done = _libc.fallocate(fd, _FALLOC_PUNCH, ctypes.c_int64(where.offset),
                               ctypes.c_int64(where.length)) == 0
        if not done:
            os.pwrite(fd, bytes(where.length), where.offset)
    finally:
        os.close(fd)
