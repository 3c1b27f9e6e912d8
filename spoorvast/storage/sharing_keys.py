"""Keys of a shared case (server mode): who can read, who can only add, who signed.

Everything here is PyNaCl (libsodium); no primitive is put together by hand. ::

    member identity   X25519 key pair (keys are wrapped to it: SealedBox)
                      + Ed25519 signing key (custody entries, login challenges)
                      made and kept in the member's local vault (encrypted settings)
    case key          32 random bytes per *epoch*; records are sealed with
                      XChaCha20-Poly1305 (IETF AEAD) with associated data binding the
                      case id, the record id and the epoch, so a record cannot be moved
                      to another case, renamed, or passed off as another epoch's
    drop box          an X25519 key pair per epoch; its public half is given to those who
                      may only *add* (a contributor): what they seal to it only key
                      holders can open. Its private half travels with the case key.
    wrapped key       (epoch, case key, drop-box private key) sealed to one member's
                      X25519 public key
    blob              each blob has its own random key (carried inside its record);
                      its bytes are a libsodium secretstream (XChaCha20-Poly1305) in
                      fixed-size chunks, so chunks cannot be reordered, dropped or cut
                      off unnoticed, and memory stays flat for any size
    fingerprint       SHA-256 of a member's two public keys, shown as pronounceable
                      words (for reading aloud when someone is added) or as a QR payload

Removing a member makes a new epoch: a new case key and drop box, wrapped to the
remaining members only, used for everything added after.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from nacl import bindings as sodium
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

CHUNK = 1 << 20  # plaintext bytes per blob chunk
_ABYTES = int(sodium.crypto_secretstream_xchacha20poly1305_ABYTES)
_HEADER = int(sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES)
_TAG_MESSAGE = int(sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
_TAG_FINAL = int(sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL)
_CONSONANTS = "bdfghjklmnprstvz"
_VOWELS = "aeiou"
QR_PREFIX = "spoorvast-key:1:"


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class SealError(Exception):
    """A key, record, blob or signature that does not open or does not check."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise SealError("not base64") from exc


@dataclass(frozen=True)
class PublicIdentity:
    """What a server and other members may know of a member: two public keys."""

    box: bytes  # X25519 public key (32 bytes)
    verify: bytes  # Ed25519 public key (32 bytes)

    def fingerprint(self) -> bytes:
        return hashlib.sha256(b"spoorvast-identity\0" + self.box + self.verify).digest()


@dataclass(frozen=True)
class Identity:
    """A member's private keys. Kept in the member's vault; never sent anywhere."""

    box_secret: bytes
    sign_seed: bytes

    @classmethod
    def generate(cls) -> Identity:
        return cls(bytes(PrivateKey.generate()), bytes(SigningKey.generate()))

    def public(self) -> PublicIdentity:
        return PublicIdentity(bytes(PrivateKey(self.box_secret).public_key),
                              bytes(SigningKey(self.sign_seed).verify_key))

    def sign(self, message: bytes) -> bytes:
        return bytes(SigningKey(self.sign_seed).sign(message).signature)

    def to_json(self) -> str:
        return json.dumps({"v": 1, "box": b64(self.box_secret), "sign": b64(self.sign_seed)})

    @classmethod
    def from_json(cls, text: str) -> Identity:
        data = json.loads(text)
        return cls(unb64(data["box"]), unb64(data["sign"]))


def verify_signature(verify_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        VerifyKey(verify_key).verify(message, signature)
    except (BadSignatureError, ValueError):
        return False
    return True


def fingerprint_words(identity: PublicIdentity, count: int = 6) -> str:
    """The fingerprint as *count* pronounceable words of 3 syllables (15 bits each, 90
    bits for 6 words), e.g. ``bakoti-venusa-…``: easy to read aloud and compare."""
    number = int.from_bytes(identity.fingerprint(), "big")
    words = []
    for _ in range(count):
        syllables = []
        for _ in range(3):
            number, part = divmod(number, 32)
            syllables.append(_CONSONANTS[part % 16] + _VOWELS[(part // 16) % 5])
        words.append("".join(syllables))
    return " ".join(words)


def fingerprint_qr(identity: PublicIdentity) -> str:
    """The text a QR code carries: the whole fingerprint, base32, with a version."""
    return QR_PREFIX + base64.b32encode(identity.fingerprint()).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class EpochKeys:
    """The secret keys of one epoch of a case."""

    epoch: int
    case_key: bytes
    dropbox_secret: bytes

    @classmethod
    def generate(cls, epoch: int) -> EpochKeys:
        return cls(epoch, secrets.token_bytes(32), bytes(PrivateKey.generate()))

    @property
    def dropbox_public(self) -> bytes:
        return bytes(PrivateKey(self.dropbox_secret).public_key)

    def wrap_for(self, member_box_public: bytes) -> bytes:
        payload = struct.pack(">I", self.epoch) + self.case_key + self.dropbox_secret
        return bytes(SealedBox(PublicKey(member_box_public)).encrypt(payload))


def unwrap(identity: Identity, wrapped: bytes) -> EpochKeys:
    try:
        payload = SealedBox(PrivateKey(identity.box_secret)).decrypt(wrapped)
    except CryptoError as exc:
        raise SealError("wrapped key does not open") from exc
    if len(payload) != 68:
        raise SealError("wrapped key has the wrong size")
    return EpochKeys(struct.unpack(">I", payload[:4])[0], payload[4:36], payload[36:])


def _record_ad(case_id: str, record_id: str, epoch: int) -> bytes:
    return json.dumps(["spoorvast-record", 1, case_id, record_id, epoch]).encode()


def seal_record(keys: EpochKeys, case_id: str, record_id: str, plaintext: bytes) -> bytes:
    """``k`` + nonce + AEAD ciphertext: readable by key holders of this epoch."""
    nonce = secrets.token_bytes(24)
    body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, _record_ad(case_id, record_id, keys.epoch), nonce, keys.case_key)
    return b"k" + nonce + body


def seal_record_to_dropbox(dropbox_public: bytes, epoch: int, case_id: str,
                           record_id: str, plaintext: bytes) -> bytes:
    """``d`` + sealed box: a contributor adds without being able to read anything. The
    binding (case, record, epoch) is inside the sealed bytes and checked on opening."""
    inner = _record_ad(case_id, record_id, epoch) + b"\0" + plaintext
    return b"d" + bytes(SealedBox(PublicKey(dropbox_public)).encrypt(inner))


def open_record(keys: EpochKeys, case_id: str, record_id: str, sealed: bytes) -> bytes:
    ad = _record_ad(case_id, record_id, keys.epoch)
    try:
        if sealed[:1] == b"k":
            return bytes(sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                sealed[25:], ad, sealed[1:25], keys.case_key))
        if sealed[:1] == b"d":
            inner = SealedBox(PrivateKey(keys.dropbox_secret)).decrypt(sealed[1:])
            bound, _, plaintext = inner.partition(b"\0")
            if bound == ad:
                return bytes(plaintext)
    except CryptoError as exc:
        raise SealError("record does not open") from exc
    raise SealError("record is bound to another case, record or epoch")


def encrypt_stream(key: bytes, blob_id: str, source: Readable) -> Iterator[bytes]:
    """The encrypted blob: a header, then one encrypted chunk per :data:`CHUNK` bytes of
    *source*; the blob id is associated data of every chunk; the last is tagged final."""
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    yield bytes(sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key))
    ad = blob_id.encode()
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        tag = _TAG_MESSAGE if following else _TAG_FINAL
        yield bytes(sodium.crypto_secretstream_xchacha20poly1305_push(state, chunk, ad, tag))
        if not following:
            return
        chunk = following


def decrypt_stream(key: bytes, blob_id: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The plaintext of an encrypted blob given as any pieces of its bytes."""
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    buffer, ad, started, final = b"", blob_id.encode(), False, False
    for piece in chunks:
        buffer += piece
        if not started and len(buffer) >= _HEADER:
            sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, buffer[:_HEADER], key)
            buffer, started = buffer[_HEADER:], True
        while started and len(buffer) >= CHUNK + _ABYTES:
            if final:
                raise SealError("bytes after the end of the blob")
            plain, final = _pull(state, buffer[:CHUNK + _ABYTES], ad)
            buffer = buffer[CHUNK + _ABYTES:]
            yield plain
    if started and buffer and not final:
        plain, final = _pull(state, buffer, ad)
        buffer = b""
        yield plain
    if not final or buffer:
        raise SealError("blob is cut off or has bytes after its end")


def _pull(state: sodium.crypto_secretstream_xchacha20poly1305_state, cipher: bytes,
          ad: bytes) -> tuple[bytes, bool]:
    try:
        plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, cipher, ad)
    except CryptoError as exc:
        raise SealError("blob chunk does not open") from exc
    return bytes(plain), tag == _TAG_FINAL


def encrypted_size(plain_size: int) -> int:
    chunks = max(1, -(-plain_size // CHUNK))
    return _HEADER + plain_size + chunks * _ABYTES


GENESIS = hashlib.sha256(b"spoorvast-case-chain\0").digest()


def chain_hash(previous: bytes, pos: int, body: bytes, signature: bytes) -> bytes:
    """The hash of entry *pos* of a case's chain over (previous hash, signed entry); the
    server computes it when it assigns the order, and every client recomputes it."""
    digest = hashlib.sha256(previous)
    digest.update(struct.pack(">QI", pos, len(body)))
    digest.update(body)
    digest.update(signature)
    return digest.digest()
