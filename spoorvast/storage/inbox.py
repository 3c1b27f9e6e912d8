"""The vault's inbox: captures added while the vault is locked, encrypted at once.

Adding needs no secret: anyone who can write beside the vault (the browser extension's
host, a scheduled watch) encrypts to the inbox's *public* key, and only an unlocked
vault can read what was added. ::

    <vault>/inbox.json        the inbox public key (readable) and its private key,
                              wrapped (AES-256-GCM) by a sub-key of the vault's data key
    <vault>/inbox/<id>.part   an entry being written (ciphertext only; never read;
                              removed a day after its last write: its host is gone)
    <vault>/inbox/<id>.svin   a finished entry, sealed into the vault at the next unlock
    <vault>/inbox/<id>.bad    an entry that could not be read (kept as it was)
    <vault>/inbox/<id>.receipt  where the entry was sealed (label, account), encrypted
                              to a one-time key of the host that wrote the entry
    <vault>/inbox/tokens.json the SHA-256 of each token paired for the HTTP fallback
                              (``spoorvast browser serve``); emptied by ``unpair``
    <vault>/inbox/agent       present while an unlocked spoorvast (the web app) seals
                              entries as they arrive: the host then waits for a receipt

An entry is streamed, so memory stays flat for any size: a random 32-byte file key is
encrypted to the inbox public key with a NaCl sealed box (X25519 + XSalsa20-Poly1305,
PyNaCl), then each frame is encrypted with that key (``SecretBox``) under its own frame
number as nonce, so frames cannot be reordered, dropped or spliced from another entry
unnoticed; the last frame is an end marker, so a cut-off entry is seen too. A frame is a
one-byte type (``M``: a JSON message, ``B``: a run of body bytes) and its data.

The public key file is not authenticated for a writer (it holds no secret): at each
unlock :func:`ensure_keys` checks that the public key is still the one of the wrapped
private key, and refuses otherwise, so a swapped key is seen at the next unlock. The
file names the data key that wraps it (``key_id``): after a rekey (a new data key,
because someone may know the old one) the inbox gets new keys at the next unlock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import struct
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

from spoorvast.errors import IntegrityError, UserError
from spoorvast.i18n import _
from spoorvast.storage import crypto

KEY_FILE = "inbox.json"
FOLDER = "inbox"
FORMAT = "spoorvast-inbox"
MAGIC = b"SVINBOX1"
PART, DONE, BAD, RECEIPT = ".part", ".svin", ".bad", ".receipt"
AGENT = "agent"
RECEIPT_MAX_AGE = 3600.0  # seconds; older receipts no host waits for are removed
PART_MAX_AGE = 86400.0  # seconds without a write: the host that wrote it is gone
MESSAGE, BODY, END = b"M", b"B", b"E"
MAX_FRAME = 1 << 20  # plaintext bytes per frame; longer bodies are split


class InboxDamaged(Exception):
    """An entry that cannot be read whole (cut off, changed, or for another key)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    return base64.b64decode(str(text).encode("ascii"), validate=True)


def _aad(vault_id: str, public: bytes) -> bytes:
    return json.dumps({"format": FORMAT, "vault_id": vault_id, "public_key": _b64(public)},
                      sort_keys=True).encode()


# -- keys ------------------------------------------------------------------------------


def ensure_keys(root: Path, keyring: crypto.Keyring) -> None:
    """At an unlock: make the inbox keys when the vault has none yet, else check that
    the public key beside the vault is still the one of the wrapped private key."""
    if not (root / KEY_FILE).is_file():
        _create_keys(root, keyring)
    elif _read(root).get("key_id") != _key_id(keyring):
        _rotate(root, keyring)
    elif bytes(private_key(root, keyring).public_key) != _public_bytes(root):
        raise IntegrityError(_(
            "The inbox key file {path} was changed: its public key is not the vault's. "
            "Nothing was read from the inbox. Restore the file from a backup copy of "
            "the vault folder.").format(path=root / KEY_FILE))
    (root / FOLDER).mkdir(mode=0o700, exist_ok=True)


def _key_id(keyring: crypto.Keyring) -> str:
    """Names the data key the inbox key is wrapped with (no secret: a hash of a sub-key)."""
    return hashlib.sha256(keyring.subkey("inbox-id")).hexdigest()[:32]


def _rotate(root: Path, keyring: crypto.Keyring) -> None:
    """The inbox key was wrapped with an earlier data key (the vault was re-keyed, so
    whoever held the old key must not read new captures): new inbox keys; entries made
    for the old ones cannot be read any more and are set aside, their bytes kept."""
    for path in entries(root):
        set_aside(path)
    _create_keys(root, keyring)


def _create_keys(root: Path, keyring: crypto.Keyring) -> None:
    private = PrivateKey.generate()
    public = bytes(private.public_key)
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(keyring.subkey("inbox")).encrypt(nonce, bytes(private),
                                                     _aad(keyring.vault_id, public))
    wrapped = {"nonce": _b64(nonce), "sealed": _b64(sealed)}
    content = {"format": FORMAT, "version": 1, "vault_id": keyring.vault_id,
               "key_id": _key_id(keyring), "public_key": _b64(public), "wrapped": wrapped}
    crypto.write_private(root / KEY_FILE, json.dumps(content, indent=1).encode())


def _read(root: Path) -> dict[str, object]:
    path = root / KEY_FILE
    try:
        content = json.loads(path.read_bytes())
    except FileNotFoundError as exc:
        raise UserError(_(
            "This vault has no inbox yet: open it once with its passphrase (any "
            "spoorvast command does), then try again. ({path})").format(path=path)) from exc
    except (OSError, ValueError) as exc:
        raise UserError(_("The inbox key file {path} cannot be read.").format(path=path)
                        ) from exc
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise UserError(_("The inbox key file {path} cannot be read.").format(path=path))
    return content


def _public_bytes(root: Path) -> bytes:
    try:
        public = _unb64(_read(root)["public_key"])
    except (KeyError, ValueError) as exc:
        raise UserError(_("The inbox key file {path} cannot be read.")
                        .format(path=root / KEY_FILE)) from exc
    if len(public) != PublicKey.SIZE:
        raise UserError(_("The inbox key file {path} cannot be read.")
                        .format(path=root / KEY_FILE))
    return public


def public_key(root: Path) -> PublicKey:
    """The inbox public key (no passphrase needed)."""
    return PublicKey(_public_bytes(root))


def private_key(root: Path, keyring: crypto.Keyring) -> PrivateKey:
    content = _read(root)
    try:
        wrapped = content["wrapped"]
        assert isinstance(wrapped, dict)
        public = _unb64(content["public_key"])
        secret = AESGCM(keyring.subkey("inbox")).decrypt(
            _unb64(wrapped["nonce"]), _unb64(wrapped["sealed"]),
            _aad(keyring.vault_id, public))
    except (KeyError, ValueError, AssertionError, InvalidTag) as exc:
        raise IntegrityError(_(
            "The inbox's private key in {path} cannot be opened with this vault's key. "
            "Nothing was read from the inbox; its entries are kept.")
            .format(path=root / KEY_FILE)) from exc
    return PrivateKey(secret)


# -- writing ---------------------------------------------------------------------------


def _nonce(index: int) -> bytes:
    return index.to_bytes(SecretBox.NONCE_SIZE, "big")


class EntryWriter:
    """One inbox entry, written frame by frame (ciphertext only, file 0600)."""

    def __init__(self, root: Path, public: PublicKey) -> None:
        folder = root / FOLDER
        folder.mkdir(mode=0o700, exist_ok=True)
        self.name = secrets.token_hex(16)
        self.path = folder / (self.name + PART)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out: BinaryIO = os.fdopen(fd, "wb")
        key = secrets.token_bytes(SecretBox.KEY_SIZE)
        self._box = SecretBox(key)
        sealed = SealedBox(public).encrypt(key)
        self._out.write(MAGIC + struct.pack(">H", len(sealed)) + sealed)
        self._index = 0

    def _frame(self, kind: bytes, data: bytes) -> None:
        cipher = self._box.encrypt(kind + data, _nonce(self._index)).ciphertext
        self._out.write(struct.pack(">I", len(cipher)) + cipher)
        self._index += 1

    def message(self, value: dict[str, object]) -> None:
        self._frame(MESSAGE, json.dumps(value, ensure_ascii=False).encode("utf-8"))

    def body(self, data: bytes) -> None:
        for start in range(0, len(data), MAX_FRAME):
            self._frame(BODY, data[start:start + MAX_FRAME])

    def finish(self) -> Path:
        """Close the entry and make it visible to the next unlock (atomic rename)."""
        self._frame(END, b"")
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        done = self.path.with_name(self.name + DONE)
        os.replace(self.path, done)
        crypto.fsync_dir(done.parent)
        return done

    def abandon(self) -> None:
        if not self._out.closed:
            self._out.close()
        self.path.unlink(missing_ok=True)


# -- reading ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frame:
    kind: bytes
    data: bytes

    def json(self) -> dict[str, object]:
        value = json.loads(self.data)
        if not isinstance(value, dict):
            raise InboxDamaged("message")
        return value


def entries(root: Path) -> list[Path]:
    """The finished entries, oldest first."""
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*" + DONE), key=lambda p: (p.stat().st_mtime_ns, p.name))


def frames(path: Path, private: PrivateKey) -> Iterator[Frame]:
    """The frames of an entry, in order; raises :class:`InboxDamaged` on anything that
    does not decrypt, or an entry without its end frame."""
    with path.open("rb") as source:
        box = _open_key(source, private)
        index = 0
        while True:
            frame = _read_frame(source, box, index)
            if frame.kind == END:
                if source.read(1):
                    raise InboxDamaged("bytes after the end")
                return
            yield frame
            index += 1


def _open_key(source: BinaryIO, private: PrivateKey) -> SecretBox:
    head = source.read(len(MAGIC) + 2)
    if len(head) != len(MAGIC) + 2 or head[:len(MAGIC)] != MAGIC:
        raise InboxDamaged("not an inbox entry")
    (size,) = struct.unpack(">H", head[len(MAGIC):])
    try:
        return SecretBox(SealedBox(private).decrypt(source.read(size)))
    except (CryptoError, ValueError) as exc:
        raise InboxDamaged("key") from exc


def _read_frame(source: BinaryIO, box: SecretBox, index: int) -> Frame:
    head = source.read(4)
    if len(head) != 4:
        raise InboxDamaged("cut off")
    (size,) = struct.unpack(">I", head)
    if size > MAX_FRAME + 64:
        raise InboxDamaged("frame too large")
    cipher = source.read(size)
    try:
        plain = box.decrypt(cipher, _nonce(index))
    except (CryptoError, ValueError) as exc:
        raise InboxDamaged("frame") from exc
    if not plain or plain[:1] not in (MESSAGE, BODY, END):
        raise InboxDamaged("frame type")
    return Frame(plain[:1], plain[1:])


def set_aside(path: Path) -> Path:
    """Keep an unreadable entry as it was, out of the next unlock's way."""
    kept = path.with_suffix(BAD)
    os.replace(path, kept)
    return kept


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)


# -- receipts: where an entry was sealed, for the host that wrote it ---------------------


def write_receipt(root: Path, entry: str, reply_key: bytes, value: dict[str, object]) -> None:
    """Tell the host that wrote ``entry`` where it was sealed (only it can read this)."""
    sealed = SealedBox(PublicKey(reply_key)).encrypt(json.dumps(value).encode("utf-8"))
    path = root / FOLDER / (entry + RECEIPT)
    tmp = path.with_name(path.name + PART)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(sealed)
    os.replace(tmp, path)


def take_receipt(root: Path, entry: str, private: PrivateKey) -> dict[str, object] | None:
    """The receipt for ``entry``, removed once read; None when there is none (yet)."""
    path = root / FOLDER / (entry + RECEIPT)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    path.unlink(missing_ok=True)
    try:
        value = json.loads(SealedBox(private).decrypt(data))
    except (CryptoError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def remove_old_receipts(root: Path, now: float) -> None:
    """Receipts no host waited for, and entries a host stopped writing (killed with the
    browser): ciphertext that nothing will read, removed after a while."""
    old = [*(root / FOLDER).glob("*" + RECEIPT), *(root / FOLDER).glob("*" + PART)]
    for path in old:
        with suppress(OSError):
            if now - path.stat().st_mtime > (PART_MAX_AGE if path.suffix == PART
                                             else RECEIPT_MAX_AGE):
                path.unlink()


def agent_present(root: Path) -> bool:
    return (root / FOLDER / AGENT).exists()


def set_agent(root: Path, present: bool) -> None:
    path = root / FOLDER / AGENT
    if present:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        path.write_bytes(b"")
    else:
        path.unlink(missing_ok=True)


# -- tokens of the HTTP fallback (their hashes only) -------------------------------------

TOKENS = "tokens.json"


def _token_hashes(root: Path) -> list[str]:
    try:
        value = json.loads((root / FOLDER / TOKENS).read_bytes())
    except (OSError, ValueError):
        return []
    return [h for h in value if isinstance(h, str)] if isinstance(value, list) else []


def add_token(root: Path, token: str) -> None:
    (root / FOLDER).mkdir(mode=0o700, exist_ok=True)
    hashes = [*_token_hashes(root), hashlib.sha256(token.encode()).hexdigest()]
    crypto.write_private(root / FOLDER / TOKENS, json.dumps(hashes).encode())


def token_allowed(root: Path, token: str) -> bool:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return any(hmac.compare_digest(digest, h) for h in _token_hashes(root))


def revoke_tokens(root: Path) -> int:
    count = len(_token_hashes(root))
    (root / FOLDER / TOKENS).unlink(missing_ok=True)
    return count
