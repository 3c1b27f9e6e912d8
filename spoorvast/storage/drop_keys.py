"""Keys and sealed bytes of a case's drop box (phones and other devices that add only).

Built on the case's drop-box key pair (:mod:`sharing_keys`); PyNaCl (libsodium) only,
and the browser page does the same with libsodium.js, byte for byte. ::

    drop-box grant   made by a member (owner or advocate): a one-time *pairing* Ed25519
                     key pair; its public half is in the member's signed grant entry, its
                     secret half only in the pairing link's fragment (never sent to the
                     server), so the server cannot pair a device of its own
    device           its own Ed25519 key pair, made on the device; at pairing it sends its
                     public key with a proof signed by the pairing key
    a drop           the file encrypted with a fresh random key as a secretstream
                     (the same format as a shared blob, the upload id as associated
                     data); its *meta* (name, type, size, SHA-256 computed before
                     encryption, the file key) sealed to the drop-box public key
                     (SealedBox, X25519); a *drop entry* signed by the device names the
                     SHA-256 of the sealed meta and the ciphertext's size (the
                     ciphertext itself is authenticated chunk by chunk, in order and
                     to its end, by the secretstream under the key inside the meta)
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey

from spoorvast.storage.sharing_keys import SealError, verify_signature

PAIR = b"spoorvast-drop-pair\0"


def pairing_message(grant: uuid.UUID, device_key: bytes) -> bytes:
    """What the pairing key signs: this grant, this device's public key."""
    return PAIR + str(grant).encode() + b"\0" + device_key


@dataclass(frozen=True)
class Pairing:
    """The one-time pairing key of a drop-box grant (its seed travels in the link)."""

    seed: bytes

    @classmethod
    def generate(cls) -> Pairing:
        return cls(bytes(SigningKey.generate()))

    @property
    def public(self) -> bytes:
        return bytes(SigningKey(self.seed).verify_key)

    def prove(self, grant: uuid.UUID, device_key: bytes) -> bytes:
        return bytes(SigningKey(self.seed).sign(pairing_message(grant, device_key)).signature)


def check_pairing(pairing_public: bytes, grant: uuid.UUID, device_key: bytes,
                  proof: bytes) -> bool:
    return verify_signature(pairing_public, pairing_message(grant, device_key), proof)


def meta_binding(case: uuid.UUID, upload: uuid.UUID, epoch: int) -> dict[str, Any]:
    return {"v": 1, "case": str(case), "upload": str(upload), "epoch": epoch}


def seal_meta(dropbox_public: bytes, fields: dict[str, Any]) -> bytes:
    """The sealed meta of a drop: only holders of the drop-box secret open it."""
    data = json.dumps(fields, sort_keys=True).encode()
    return bytes(SealedBox(PublicKey(dropbox_public)).encrypt(data))


def open_meta(dropbox_secret: bytes, sealed: bytes, case: uuid.UUID, upload: uuid.UUID,
              epoch: int) -> dict[str, Any]:
    """The meta of a drop, which must be bound to this case, upload and epoch."""
    try:
        fields = json.loads(SealedBox(PrivateKey(dropbox_secret)).decrypt(sealed))
    except (CryptoError, ValueError) as exc:
        raise SealError("drop meta does not open") from exc
    if not isinstance(fields, dict) or any(
            fields.get(k) != v for k, v in meta_binding(case, upload, epoch).items()):
        raise SealError("drop meta is bound to another case, upload or epoch")
    for name, kind in (("name", str), ("sha256", str), ("size", int), ("key", str)):
        if not isinstance(fields.get(name), kind):
            raise SealError("drop meta lacks " + name)
    return fields


def drop_entry(case: uuid.UUID, grant: uuid.UUID, upload: uuid.UUID, device_key: bytes,
               epoch: int, meta: bytes, cipher_size: int,
               at: str) -> bytes:
    """The device's entry of one drop, as canonical JSON (the bytes it signs)."""
    import base64

    return json.dumps({
        "v": 1, "action": "drop", "case": str(case), "grant": str(grant),
        "upload": str(upload), "device": base64.b64encode(device_key).decode("ascii"),
        "epoch": epoch, "meta_sha256": hashlib.sha256(meta).hexdigest(),
        "cipher_size": cipher_size, "at": at},
        sort_keys=True, separators=(",", ":")).encode()
