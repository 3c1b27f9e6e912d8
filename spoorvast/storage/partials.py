"""Unfinished uploads, kept encrypted in the vault so that they can be resumed (#24).

A big upload cut off (a lost connection, a laptop asleep, the app restarted) keeps what
arrived, encrypted, in ``<vault>/partial/<id>``; the page sends the rest later and the
file is sealed only when every byte is there (see ``web/resumable.py``). Nothing of it
is ever on the disk in the clear, even after a crash: each piece is encrypted in memory
before it is written.

File format (written by hand, like ``blobs.py``: no maintained Python library appends
authenticated, encrypted records to a file)::

    magic   b"SPVPART1"                        8 bytes
    salt    random                             24 bytes   key = HKDF(partial_key, salt)
    records length (4 bytes, big-endian) || nonce (12, random) || AES-GCM(piece)
            AAD = magic || salt || the piece's offset in the file (8 bytes, big-endian)

The AAD ties each record to this upload and to its place, so records cannot be
reordered, dropped from the middle or spliced from another upload; nonces are random
because a record cut by a crash is written again at the same offset, with other bounds.
A record cut short by a crash (its length says more than the file holds) is cut off by
:meth:`PartialStore.offset`; the bytes before it stand. Dropping whole records from the
end cannot be seen here: the caller checks the size and the SHA-256 of the whole.
"""

from __future__ import annotations

import io
import os
import re
import secrets
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"SPVPART1"
SALT = 24
HEADER = len(MAGIC) + SALT
LENGTH, NONCE, TAG = 4, 12, 16
RECORD = 1 << 20  # plaintext per record at most
_ID = re.compile(r"^[0-9a-f]{32}$")


class PartialDamaged(Exception):
    """An unfinished upload that does not decrypt (damaged, or written under another key)."""


def _cipher(key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"spoorvast partial upload v1")
    return AESGCM(hkdf.derive(key))


class PartialStore:
    """The unfinished uploads of one vault (``key``: a subkey of the vault's data key)."""

    def __init__(self, root: Path, key: bytes) -> None:
        self.folder = root / "partial"
        self._key = key

    def _path(self, upload_id: str) -> Path:
        if not _ID.fullmatch(upload_id):
            raise ValueError("not an upload id")
        return self.folder / upload_id

    def create(self) -> str:
        """A new, empty unfinished upload; its id."""
        self.folder.mkdir(mode=0o700, exist_ok=True)
        upload_id = secrets.token_hex(16)
        fd = os.open(self._path(upload_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "wb") as out:
            out.write(MAGIC + secrets.token_bytes(SALT))
            out.flush()
            os.fsync(out.fileno())
        return upload_id

    def exists(self, upload_id: str) -> bool:
        return self._path(upload_id).is_file()

    def ids(self) -> list[str]:
        try:
            return sorted(p.name for p in self.folder.iterdir() if _ID.fullmatch(p.name))
        except FileNotFoundError:
            return []

    def remove(self, upload_id: str) -> None:
        self._path(upload_id).unlink(missing_ok=True)

    def offset(self, upload_id: str) -> int:
        """How many bytes of the file are kept. A record a crash cut short is removed."""
        path = self._path(upload_id)
        with path.open("r+b") as handle:
            end, at, count = os.fstat(handle.fileno()).st_size, HEADER, 0
            while at + LENGTH <= end:
                handle.seek(at)
                length = int.from_bytes(handle.read(LENGTH), "big")
                if length < TAG or at + LENGTH + NONCE + length > end:
                    break
                at, count = at + LENGTH + NONCE + length, count + length - TAG
            if at < end:
                handle.truncate(max(at, HEADER))
                os.fsync(handle.fileno())
        return count

    def appender(self, upload_id: str, offset: int) -> Appender:
        """Adds the bytes from ``offset`` (which must be :meth:`offset`) on."""
        return Appender(self._path(upload_id), self._key, offset)

    def open(self, upload_id: str) -> BinaryIO:
        """The kept bytes, decrypted as they are read; raises PartialDamaged."""
        handle = self._path(upload_id).open("rb")
        try:
            raw = _Reader(handle, self._key)
        except BaseException:
            handle.close()
            raise
        return io.BufferedReader(raw, RECORD)


class Appender:
    """Encrypts and appends pieces; :meth:`commit` makes them durable, :meth:`abort`
    cuts the file back to where this appender started (a chunk refused or cut)."""

    def __init__(self, path: Path, key: bytes, offset: int) -> None:
        self._handle = path.open("r+b")
        header = self._handle.read(HEADER)
        if len(header) != HEADER or not header.startswith(MAGIC):
            self._handle.close()
            raise PartialDamaged("bad header")
        self._aad, self._cipher = header, _cipher(key, header[len(MAGIC):])
        self._start = self._handle.seek(0, io.SEEK_END)
        self.offset = offset
        self._pending = bytearray()

    def write(self, data: bytes) -> None:
        self._pending += data
        while len(self._pending) >= RECORD:
            self._record(bytes(self._pending[:RECORD]))
            del self._pending[:RECORD]

    def _record(self, piece: bytes) -> None:
        nonce = secrets.token_bytes(NONCE)
        sealed = self._cipher.encrypt(nonce, piece, self._aad + self.offset.to_bytes(8, "big"))
        self._handle.write(len(sealed).to_bytes(LENGTH, "big") + nonce + sealed)
        self.offset += len(piece)

    def commit(self) -> int:
        """Write what is pending, flush to the disk; the new offset."""
        if self._pending:
            self._record(bytes(self._pending))
            self._pending.clear()
        self._handle.flush()
        os.fdatasync(self._handle.fileno())
        self._handle.close()
        return self.offset

    def abort(self) -> None:
        self._pending.clear()
        try:
            self._handle.truncate(self._start)
            self._handle.flush()
            os.fdatasync(self._handle.fileno())
        finally:
            self._handle.close()


class _Reader(io.RawIOBase):
    def __init__(self, handle: BinaryIO, key: bytes) -> None:
        super().__init__()
        self._handle = handle
        header = handle.read(HEADER)
        if len(header) != HEADER or not header.startswith(MAGIC):
            raise PartialDamaged("bad header")
        self._aad, self._cipher = header, _cipher(key, header[len(MAGIC):])
        self._plain, self._at, self._offset = b"", 0, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._at >= len(self._plain):
            piece = self._next()
            if piece is None:
                return 0
            self._plain, self._at = piece, 0
        n = min(len(buffer), len(self._plain) - self._at)
        buffer[:n] = memoryview(self._plain)[self._at:self._at + n]
        self._at += n
        return n

    def _next(self) -> bytes | None:
        head = self._handle.read(LENGTH + NONCE)
        if not head:
            return None
        length = int.from_bytes(head[:LENGTH], "big")
        sealed = self._handle.read(length)
        if len(head) < LENGTH + NONCE or length < TAG or len(sealed) != length:
            raise PartialDamaged("cut record")
        try:
            piece = self._cipher.decrypt(head[LENGTH:], sealed,
                                         self._aad + self._offset.to_bytes(8, "big"))
        except InvalidTag as exc:
            raise PartialDamaged("authentication failed") from exc
        self._offset += len(piece)
        return piece

    def close(self) -> None:
        self._handle.close()
        super().close()
