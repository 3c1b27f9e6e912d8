"""The drop box as members' apps and devices use it.

Members: :func:`make_grant` (a pairing link, also as a QR code, for one device, with a
purpose and an expiry), :func:`revoke_grant`, :func:`grants`. At each sync
:func:`receive_drops` opens every drop the chain announces and this vault has not yet
received: the member-signed grant must name the pairing key, the pairing proof must hold
for the device's key, the device's signature must hold over its entry, the sealed meta
must have the hash the entry names (its file key opens the ciphertext, whose every
chunk is authenticated, in order and to its end), the grant must not have been
revoked before, and the plaintext must have the SHA-256 the device computed before
encryption. It is then sealed through the normal intake, and the custody log says who
dropped what and when (device, grant, the server's time of receipt).

Devices: :class:`Dropper` is the Python device (tests, benchmarks, a server capture
job); the phone page does the same in the browser (``server/static/drop.js``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import httpx

from spoorvast.importers.registry import builtin_registry
from spoorvast.model.records import Case
from spoorvast.services.intake import Status, add_paths
from spoorvast.services.sharing.api import _answer, b64, unb64
from spoorvast.services.sharing.case import HashingReader, SharedCase, ShareError
from spoorvast.services.sharing.chain import ChainEntry
from spoorvast.storage import scratch
from spoorvast.storage import sharing_keys as sk
from spoorvast.storage.base import case_chain
from spoorvast.storage.drop_keys import Pairing, check_pairing, drop_entry, open_meta, seal_meta
from spoorvast.storage.vault import Vault

PART = 8 << 20  # ciphertext bytes per uploaded part (S3: >= 5 MiB but the last)
PAIR_PATH = "/drop"
IN_FLIGHT = 3  # parts sent at once (the server receives one whole, then stores it)
RETRIES = 5


# members -----------------------------------------------------------------------------

@dataclass(frozen=True)
class GrantLink:
    grant: uuid.UUID
    url: str  # the pairing link: its fragment (never sent to a server) holds the key

    def qr_svg(self) -> str:
        """The link as a QR code (SVG), for the phone's camera."""
        import segno

        return str(segno.make(self.url, error="m").svg_inline(scale=6, border=2))

    def qr_png(self, path: Path) -> None:
        import segno

        segno.make(self.url, error="m").save(str(path), kind="png", scale=8, border=2)


def make_grant(shared: SharedCase, server_url: str, purpose: str,
               expires_at: datetime) -> GrantLink:
    """A drop-box grant for one device; the pairing link carries its one-time key."""
    grant, pairing = new_grant(shared, purpose, expires_at)
    secret = base64.urlsafe_b64encode(pairing.seed).decode("ascii").rstrip("=")
    return GrantLink(grant, f"{server_url.rstrip('/')}{PAIR_PATH}#pair={grant}.{secret}")


def new_grant(shared: SharedCase, purpose: str, expires_at: datetime
              ) -> tuple[uuid.UUID, Pairing]:
    """A drop-box grant signed by this member, and its one-time pairing key."""
    grant, pairing = uuid.uuid4(), Pairing.generate()
    sealed = sk.seal_record(shared.keys[max(shared.keys)], str(shared.case_id),
                            "dropbox-" + str(grant), purpose.encode())
    api = shared.api
    signed = api.signed({"action": "dropbox_grant", "case": str(shared.case_id),
                         "grant": str(grant), "pairing_key": b64(pairing.public),
                         "expires_at": expires_at.isoformat()})
    api._call("POST", f"/cases/{shared.case_id}/dropbox/grants", json={
        "grant": str(grant), "pairing_key": b64(pairing.public), "purpose": b64(sealed),
        "expires_at": expires_at.isoformat(), **signed})
    return grant, pairing


def revoke_grant(shared: SharedCase, grant: uuid.UUID) -> None:
    signed = shared.api.signed({"action": "dropbox_revoke", "case": str(shared.case_id),
                                "grant": str(grant)})
    shared.api._call("POST", f"/cases/{shared.case_id}/dropbox/grants/{grant}/revoke",
                     json=signed)


def grants(shared: SharedCase) -> list[dict[str, Any]]:
    """The case's drop-box grants, purposes opened."""
    out = []
    for row in shared.api._call("GET", f"/cases/{shared.case_id}/dropbox/grants"):
        purpose = _purpose(shared, uuid.UUID(row["grant"]), unb64(row["purpose"]))
        out.append({**row, "purpose": purpose})
    return out


def _purpose(shared: SharedCase, grant: uuid.UUID, sealed: bytes) -> str:
    for keys in shared.keys.values():
        try:
            return sk.open_record(keys, str(shared.case_id), "dropbox-" + str(grant),
                                  sealed).decode()
        except sk.SealError:
            continue
    return ""


# receiving at sync ---------------------------------------------------------------------

@dataclass
class DropReport:
    received: list[str] = field(default_factory=list)  # labels of items made
    refused: list[tuple[str, str]] = field(default_factory=list)  # (upload, reason)


def receive_drops(vault: Vault, case: Case, shared: SharedCase,
                  entries: list[ChainEntry]) -> DropReport:
    """Open every drop announced on the (checked) chain that this vault lacks; a drop
    that does not check is left on the server, named in the report, and tried again at
    the next sync."""
    from spoorvast.services.sharing.sync import setting_key

    report = DropReport()
    paired: dict[str, bytes] = {}
    granted: dict[str, tuple[bytes, ChainEntry]] = {}
    revoked: dict[str, int] = {}
    for entry in entries:
        action, fields = entry.fields.get("action"), entry.fields
        if action == "dropbox_grant" and entry.signer is not None:
            granted[str(fields["grant"])] = (unb64(str(fields["pairing_key"])), entry)
        elif action == "dropbox_revoke" and entry.signer is not None:
            revoked.setdefault(str(fields["grant"]), entry.pos)
        elif action == "dropbox_paired" and entry.signer is None:
            grant = str(fields["grant"])
            device, proof = unb64(str(fields["device"])), unb64(str(fields["proof"]))
            if grant in granted and check_pairing(granted[grant][0], uuid.UUID(grant),
                                                  device, proof):
                paired.setdefault(grant, device)
        elif action == "drop" and entry.signer is None:
            upload = str(fields["upload"])
            if vault.store.setting(setting_key(case, "drop", upload)):
                continue
            try:
                label = _receive(vault, case, shared, entry, paired, revoked, granted)
            except ShareError as refused:
                report.refused.append((upload, refused.code))
                continue
            report.received.append(label)
    return report


def _receive(vault: Vault, case: Case, shared: SharedCase, entry: ChainEntry,
             paired: dict[str, bytes], revoked: dict[str, int],
             granted: dict[str, tuple[bytes, ChainEntry]]) -> str:
    from spoorvast.services.sharing.sync import member_name, setting_key

    grant, upload = str(entry.fields["grant"]), str(entry.fields["upload"])
    device = paired.get(grant)
    if device is None:
        raise ShareError("drop_from_unpaired_device", upload)
    if grant in revoked and revoked[grant] < entry.pos:
        raise ShareError("drop_after_revocation", upload)
    device_entry = unb64(str(entry.fields["device_entry"]))
    if not sk.verify_signature(device, device_entry,
                               unb64(str(entry.fields["device_signature"]))):
        raise ShareError("drop_signature_fails", upload)
    signed = json.loads(device_entry)
    if signed.get("upload") != upload or signed.get("grant") != grant or \
            signed.get("case") != str(shared.case_id):
        raise ShareError("drop_entry_differs", upload)
    answer = shared.api._call("GET", f"/cases/{shared.case_id}/drops/{upload}")
    sealed_meta, epoch = unb64(answer["meta"]), int(answer["epoch"])
    if hashlib.sha256(sealed_meta).hexdigest() != signed.get("meta_sha256") or \
            epoch != signed.get("epoch"):
        raise ShareError("drop_meta_differs", upload)
    if epoch not in shared.keys:
        raise ShareError("no_key_for_epoch", upload)
    try:
        meta = open_meta(shared.keys[epoch].dropbox_secret, sealed_meta, shared.case_id,
                         uuid.UUID(upload), epoch)
    except sk.SealError as exc:
        raise ShareError("drop_meta_does_not_open", upload) from exc
    item_label = _add(vault, case, shared, upload, meta, signed)
    granted_by = granted[grant][1].signer
    with vault.store.transaction() as tx:
        tx.set_setting(setting_key(case, "drop", upload), item_label)
        tx.set_setting(setting_key(case, "have", str(meta["sha256"])), "drop:" + upload)
        tx.log(case_chain(case.id or 0), "share.dropped", item_label, {
            "upload": upload, "grant": grant, "chain_pos": entry.pos,
            "device_fingerprint": hashlib.sha256(device).hexdigest()[:16],
            "granted_by_account": str(granted_by),
            "granted_by_name": member_name(vault, case, granted_by) if granted_by else None,
            "sha256": meta["sha256"], "size": meta["size"],
            "received_by_server_at": entry.fields.get("at"),
            "device_clock_at": signed.get("at"),
            **({"server_capture_job": str(meta["capture_job"])}
               if meta.get("capture_job") else {})})
    if meta.get("capture_job"):
        from spoorvast.services.sharing.server_capture import after_capture, end_grant

        after_capture(vault, case, item_label, meta)
        if not meta.get("server_watch") and grant not in revoked:
            end_grant(vault, case, shared, uuid.UUID(grant), item_label)
            revoked[grant] = entry.pos + 1  # the drop itself came before it
    return item_label


def _add(vault: Vault, case: Case, shared: SharedCase, upload: str, meta: dict[str, Any],
         signed: dict[str, Any]) -> str:
    sha256 = str(meta["sha256"])
    known = vault.store.item_with_original(case.id or 0, sha256)
    if known is not None:
        return known.label
    name = safe_name(str(meta["name"]))
    done = hashlib.sha256()
    key = unb64(str(meta["key"]))

    with scratch.private_dir("drop", need=int(meta["size"])) as folder:
        path = folder / name
        with scratch.private_file(path) as out:
            try:
                for piece in sk.decrypt_stream(key, upload, _content(shared, upload)):
                    done.update(piece)
                    out.write(piece)
            except sk.SealError as exc:
                raise ShareError("drop_does_not_open", upload) from exc
        if done.hexdigest() != sha256:
            raise ShareError("sha256_differs", upload)
        if meta.get("capture_job"):  # a capture a server worker made: one bundle
            from spoorvast.services.sharing.server_capture import seal_capture

            return seal_capture(vault, case, path, meta, upload)
        results = add_paths(vault, case, [path], builtin_registry())
    if not results or results[0].status is Status.REFUSED or results[0].sha256 != sha256:
        raise ShareError("dropped_item_not_added", upload)
    item = vault.store.item_with_original(case.id or 0, sha256)
    assert item is not None
    return item.label


def safe_name(name: str) -> str:
    """A file name from a device, usable as one file in a private folder: no folder part,
    no NUL, not '.' or '..', at most 120 characters (the extension kept)."""
    base = Path(name.replace("\0", "").replace("\\", "/")).name.strip()
    if base in ("", ".", ".."):
        return "drop"
    if len(base) > 120:
        stem, dot, extension = base.rpartition(".")
        keep = "." + extension[:12] if dot and stem else ""
        base = base[:120 - len(keep)] + keep
    return base


def _content(shared: SharedCase, upload: str) -> Iterator[bytes]:
    api = shared.api
    headers = {"authorization": "Bearer " + api._login()}
    with api.http.stream("GET", f"/cases/{shared.case_id}/drops/{upload}/content",
                         headers=headers) as answer:
        if answer.status_code != 200:
            answer.read()
            _answer(answer)
        yield from answer.iter_bytes(1 << 20)


# a device ------------------------------------------------------------------------------

class Dropper:
    """A paired device that can only add (what the phone page does, in Python).

    A capture on the server drops the same way, in the worker's process
    (``server/capture_job.py``): one bundle per capture (``capture/portable.py``),
    sealed here as one capture item (``server_capture.py``)."""

    def __init__(self, http: httpx.Client, device_seed: bytes, token: str,
                 box: dict[str, Any]) -> None:
        self.http = http
        self.device_seed = device_seed
        self.token = token
        self.box = box

    @classmethod
    def pair(cls, http: httpx.Client, link: str) -> Dropper:
        """Pair with the link a member made (its fragment holds the pairing key)."""
        from nacl.signing import SigningKey

        fragment = urlsplit(link).fragment
        if not fragment.startswith("pair=") or "." not in fragment:
            raise ShareError("not_a_pairing_link")
        grant_text, secret = fragment[5:].split(".", 1)
        grant = uuid.UUID(grant_text)
        pairing = Pairing(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4)))
        device = SigningKey.generate()
        public = bytes(device.verify_key)
        answer = _answer(http.post("/device/pair", json={
            "grant": str(grant), "device": b64(public),
            "proof": b64(pairing.prove(grant, public))}))
        token = str(answer.pop("token"))
        return cls(http, bytes(device), token, answer)

    @property
    def device_key(self) -> bytes:
        from nacl.signing import SigningKey

        return bytes(SigningKey(self.device_seed).verify_key)

    def _headers(self) -> dict[str, str]:
        return {"authorization": "Drop " + self.token}

    def refresh(self) -> dict[str, Any]:
        self.box = dict(_answer(self.http.get("/device/box", headers=self._headers())))
        return self.box

    def drop(self, name: str, source: BinaryIO, size: int, media_type: str = "") -> uuid.UUID:
        """Encrypt *source* to the case's drop box and send it in parts; the SHA-256 is
        computed before encryption. A part whose sending fails (a lost connection) is
        sent again after asking which parts arrived, up to :data:`RETRIES` times."""
        from nacl.signing import SigningKey

        box = self.refresh()
        declared = sk.encrypted_size(size)
        room = box.get("room")
        if isinstance(room, dict) and (room["files"] < 1 or room["bytes"] < declared):
            raise ShareError("drop_quota")
        upload, key = uuid.uuid4(), secrets.token_bytes(32)
        plain = hashlib.sha256()
        total, number, buffer = 0, 0, bytearray()
        with ThreadPoolExecutor(IN_FLIGHT) as sender:  # parts on their way while more are made
            pending: list[Future[int]] = []
            for piece in sk.encrypt_stream(key, str(upload), HashingReader(source, plain)):
                buffer += piece
                while len(buffer) >= PART:
                    number += 1
                    if len(pending) >= IN_FLIGHT:
                        total += pending.pop(0).result()
                    pending.append(sender.submit(self._send, upload, number,
                                                 bytes(buffer[:PART]), declared))
                    del buffer[:PART]
            if buffer or number == 0:
                number += 1
                pending.append(sender.submit(self._send, upload, number, bytes(buffer),
                                             declared))
            total += sum(future.result() for future in pending)
        epoch, dropbox = int(box["epoch"]), unb64(str(box["dropbox"]))
        case = uuid.UUID(str(box["case"]))
        meta = seal_meta(dropbox, {
            "v": 1, "case": str(case), "upload": str(upload), "epoch": epoch,
            "name": name, "type": media_type, "size": size, "sha256": plain.hexdigest(),
            "key": b64(key)})
        entry = drop_entry(case, uuid.UUID(str(box["grant"])), upload, self.device_key,
                           epoch, meta, total,
                           datetime.now(UTC).isoformat())
        signature = bytes(SigningKey(self.device_seed).sign(entry).signature)
        body = {"meta": b64(meta), "entry": b64(entry), "signature": b64(signature)}
        self._retrying(lambda: _answer(self.http.post(
            f"/device/uploads/{upload}/finish", headers=self._headers(), json=body)))
        return upload

    def arrived(self, upload: uuid.UUID) -> set[int]:
        answer = _answer(self.http.get(f"/device/uploads/{upload}", headers=self._headers()))
        return {int(p["part"]) for p in answer["parts"]}

    def _send(self, upload: uuid.UUID, number: int, data: bytes, declared: int) -> int:
        tried: list[int] = []

        def put() -> None:
            if tried and number in self.arrived(upload):
                return  # it arrived, only its answer was lost
            tried.append(1)
            _answer(self.http.put(f"/device/uploads/{upload}/parts/{number}",
                                  params={"epoch": self.box["epoch"], "size": declared},
                                  content=data,
                                  headers=self._headers()))
        self._retrying(put)
        return len(data)

    def _retrying(self, call: Callable[[], object]) -> None:
        for attempt in range(RETRIES + 1):
            try:
                call()
                return
            except httpx.TransportError:
                if attempt == RETRIES:
                    raise
                time.sleep(min(2.0, 0.1 * 2 ** attempt))

