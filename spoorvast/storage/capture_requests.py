"""Requests for a capture on the server, sealed to the server's capture key.

A member's app asks the server to capture an address (once, or as a watch). The worker
must see the address to visit it, but nothing else needs to: the app seals the request
(the address, the drop-box grant the worker drops with, and that grant's one-time
pairing key) to the server's *capture key* (X25519, SealedBox), bound to the case and to
the capture's (or watch's) id. The server stores only that; the API process never
receives the address in the clear, and the job's arguments hold only an id.

The capture key is derived from the server's signing-key seed (BLAKE2b, its own
personalisation), so every API and worker process of a deployment has it without a new
secret to distribute. The worker's device key for a grant is derived from the grant's
pairing key, so a retried job pairs as the same device.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from spoorvast.storage.sharing_keys import SealError

MAX_URL = 8192


def capture_key(server_seed: bytes) -> PrivateKey:
    return PrivateKey(hashlib.blake2b(server_seed, digest_size=32,
                                      person=b"sv-capture-key").digest())


def device_seed(pairing_seed: bytes) -> bytes:
    return hashlib.blake2b(pairing_seed, digest_size=32, person=b"sv-capture-dev").digest()


def seal_request(capture_public: bytes, case: uuid.UUID, subject: uuid.UUID, url: str,
                 grant: uuid.UUID, pairing_seed: bytes) -> bytes:
    import base64

    fields = {"v": 1, "case": str(case), "subject": str(subject), "url": url,
              "grant": str(grant), "pairing": base64.b64encode(pairing_seed).decode()}
    return bytes(SealedBox(PublicKey(capture_public)).encrypt(
        json.dumps(fields, sort_keys=True).encode()))


def open_request(key: PrivateKey, sealed: bytes, case: uuid.UUID,
                 subject: uuid.UUID) -> dict[str, Any]:
    """The request, which must be bound to this case and capture (or watch)."""
    import base64

    try:
        fields = json.loads(SealedBox(key).decrypt(sealed))
    except (CryptoError, ValueError) as exc:
        raise SealError("capture request does not open") from exc
    if not isinstance(fields, dict) or fields.get("case") != str(case) or \
            fields.get("subject") != str(subject):
        raise SealError("capture request is bound to another case or capture")
    url, grant, pairing = fields.get("url"), fields.get("grant"), fields.get("pairing")
    if not isinstance(url, str) or len(url) > MAX_URL or not isinstance(grant, str) or \
            not isinstance(pairing, str):
        raise SealError("capture request lacks its fields")
    return {"url": url, "grant": uuid.UUID(grant), "pairing": base64.b64decode(pairing)}


def site_key(key: PrivateKey, url: str) -> bytes:
    """A keyed hash of the site of ``url`` (to space captures of one site without
    keeping its name)."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    return hmac.new(bytes(key), b"site\0" + host.encode(), hashlib.sha256).digest()
