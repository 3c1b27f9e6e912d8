"""Range records: a blob stored as a byte range of another blob (a message of an mbox).

Each message of an mbox used to be sealed as a copy of its bytes (hash, derive a key,
encrypt, append, index), although the whole mbox is sealed already, just before. A
*range record* says instead where the bytes are: the SHA-256 of the containing blob,
the offset and the length, encrypted and authenticated (AES-256-GCM under a key derived
from the blob key; the authenticated data binds the record to the blob's name, as a
packed blob's does). It is a record of a pack like any small blob (``packs.py``): the
index, ``stored_names``, removal, trimming and a scan of the packs treat it the same.

Reading one (:meth:`BlobStore.open`, ``read_chunks``, ``check``) reads the range from the
containing blob, authenticated chunk by chunk as any read, and checks the SHA-256 of the
range against the blob's own hash (the name a reader asked for) before giving a byte:
a record moved, swapped or pointing elsewhere fails (``content-hash-mismatch``), so
``verify`` proves each message's bytes exactly as it did for a copy. A range record is
written only after the range was read back from the container and compared with the
bytes it stands for. Ranges of ranges are refused (the container must be a blob).
Containers are kept open (a few, with the chunk last decrypted), so reading the
messages of an mbox in order decrypts each of its chunks once.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC_RANGE = b"SPVRANGE"
RANGE_LIMIT = 32 << 20  # larger ranges are sealed as blobs of their own (read whole here)
_NONCE = 12
_BODY = 32 + 8 + 8  # container SHA-256, offset, length
KEPT_OPEN = 2


class RangeDamaged(Exception):
    """The record fails authentication or is not a range record's shape."""


def range_key(blob_key: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"spoorvast blob range v1")
    return AESGCM(hkdf.derive(blob_key))


def record(cipher: AESGCM, name: str, container: str, start: int, length: int) -> bytes:
    """What follows the pack prefix: magic, nonce, the sealed (container, start, length)."""
    nonce = secrets.token_bytes(_NONCE)
    body = bytes.fromhex(container) + start.to_bytes(8, "big") + length.to_bytes(8, "big")
    return MAGIC_RANGE + nonce + cipher.encrypt(nonce, body, MAGIC_RANGE + bytes.fromhex(name))


def is_range(stored: bytes) -> bool:
    return stored.startswith(MAGIC_RANGE)


def opened(cipher: AESGCM, name: str, stored: bytes) -> tuple[str, int, int]:
    """(container SHA-256, start, length) of a range record; RangeDamaged if forged."""
    nonce = stored[len(MAGIC_RANGE):len(MAGIC_RANGE) + _NONCE]
    try:
        body = cipher.decrypt(nonce, stored[len(MAGIC_RANGE) + _NONCE:],
                              MAGIC_RANGE + bytes.fromhex(name))
    except InvalidTag as exc:
        raise RangeDamaged("authentication-failed") from exc
    if len(body) != _BODY:
        raise RangeDamaged("bad-length")
    length = int.from_bytes(body[40:], "big")
    if length > RANGE_LIMIT:
        raise RangeDamaged("bad-length")
    return body[:32].hex(), int.from_bytes(body[32:40], "big"), length


class Containers:
    """Open readers of the blobs ranges are read from (the last few used); thread-safe.
    Holds no reference to the store (whose finalizer closes it)."""

    def __init__(self) -> None:
        self._open: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, container: str, start: int, length: int,
             opener: Callable[[str], Any]) -> bytes:
        """The range's bytes (short if the container ends first); ``opener`` gives a
        seekable raw plaintext reader of a blob (never of a range)."""
        with self._lock:
            reader = self._reader(container, opener)
            reader.seek(start)
            parts, left = [], length
            while left > 0:
                part = reader.read(left)
                if not part:
                    break
                parts.append(part)
                left -= len(part)
            return b"".join(parts)

    def _reader(self, container: str, opener: Callable[[str], Any]) -> BinaryIO:
        reader = self._open.get(container)
        if reader is not None:
            self._open.move_to_end(container)
            return reader  # type: ignore[no-any-return]
        reader = opener(container)
        self._open[container] = reader
        while len(self._open) > KEPT_OPEN:
            self._open.popitem(last=False)[1].close()
        return reader  # type: ignore[no-any-return]

    def forget(self, containers: Callable[[str], bool] | None = None) -> None:
        """Close the readers (those ``containers`` selects, else all)."""
        with self._lock:
            for sha in [s for s in self._open if containers is None or containers(s)]:
                self._open.pop(sha).close()
