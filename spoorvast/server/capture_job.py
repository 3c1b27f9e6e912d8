"""A capture on the server: what the ``spoorvast.capture`` job of a worker does.

For one capture row (asked by a member, or a run of a watch): open the request sealed to
the server's capture key; pair as the device of the request's drop-box grant (its device
key derived from the grant's pairing key, so a retry pairs as the same device); take the
site's turn (captures of one site at least :attr:`CaptureSettings.site_gap` apart);
start one Chromium with a fresh profile in a private in-memory folder that is removed
when the job ends (``BrowserSession``); make the settled, wall-aware capture under a
policy that refuses every non-public address except the networks the operator listed
(``SPOORVAST_CAPTURE_ALLOW``), at connect time, for every connection of the visit; put
its files into one bundle in memory (each file's SHA-256 in its manifest, taken before
encryption) and drop it to the case's drop box at once, as a phone would (encrypted with
a fresh key, its meta sealed to the case's drop-box key, an entry signed by the device).
Nothing of it is written to a disk, a log or the database in the clear.

Outcomes are codes (never the address, never a message from the page): ``done``;
``retrying`` after a failure that may pass (the page did not answer, the browser
failed), up to :attr:`CaptureSettings.attempts` with a growing wait; ``failed`` at once
when retrying cannot help (the address is refused, the request does not open, the grant
ended).
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from nacl.signing import SigningKey

from spoorvast.capture.guard import IPNetwork, parse_networks
from spoorvast.capture.options import CaptureOptions
from spoorvast.server.access import token_hash
from spoorvast.server.state import ServerState
from spoorvast.storage import sharing_keys as sk
from spoorvast.storage.capture_requests import capture_key, device_seed, open_request, site_key
from spoorvast.storage.drop_keys import Pairing, drop_entry, seal_meta
from spoorvast.storage.objects_s3 import new_key
from spoorvast.storage.server_captures import CaptureRow, CaptureStore
from spoorvast.storage.server_drops import DropGrant, DropStore, QuotaExceeded
from spoorvast.storage.server_pg import now

if TYPE_CHECKING:
    from spoorvast.capture.draft import Draft

LOG = logging.getLogger("spoorvast.worker")
PART = 8 << 20  # ciphertext bytes per stored part (S3: >= 5 MiB but the last)
BUNDLE_NAME = "capture.svcap"
MAX_SITE_WAIT = 120.0  # seconds a job waits for its site's turn, at most


def _options() -> CaptureOptions:
    return CaptureOptions(timeout_seconds=90.0, load_timeout_seconds=20.0, videos=False)


@dataclass(frozen=True)
class CaptureSettings:
    """How a deployment's workers capture (``SPOORVAST_CAPTURE_*``)."""

    allow: tuple[IPNetwork, ...] = ()  # non-public networks the browser may reach
    attempts: int = 3
    retry_seconds: int = 60  # the first wait; doubled after each failure
    site_gap: float = 20.0
    options: CaptureOptions = field(default_factory=_options)

    @classmethod
    def from_env(cls) -> CaptureSettings:
        env = os.environ
        return cls(parse_networks(env.get("SPOORVAST_CAPTURE_ALLOW", "").split(",")),
                   int(env.get("SPOORVAST_CAPTURE_ATTEMPTS", "3")),
                   int(env.get("SPOORVAST_CAPTURE_RETRY_SECONDS", "60")))


class Failure(Exception):
    def __init__(self, code: str, retry: bool) -> None:
        super().__init__(code)
        self.code, self.retry = code, retry


class RetryLater(Exception):
    """Raised to Procrastinate so that it runs the job again after its wait."""


def run_capture(state: ServerState, settings: CaptureSettings, capture: uuid.UUID) -> str:
    """One attempt of a capture job; its outcome code. Raises :class:`RetryLater` when
    the attempt failed and another may succeed."""
    captures = CaptureStore(state.store)
    row = captures.begin(capture)
    if row is None:
        return "skipped"
    try:
        upload = _capture_and_drop(state, settings, row)
    except Failure as failed:
        return _failed(captures, settings, row, failed)
    except Exception as exc:  # the job runner's boundary: a code, never the message
        LOG.error("capture job %s failed: %s", row.id, type(exc).__name__)
        return _failed(captures, settings, row, Failure("internal", True))
    captures.end(row.id, "done", None, upload)
    if row.watch_id is not None:
        _watch_ran(captures, row.watch_id, True)
    return "done"


def _failed(captures: CaptureStore, settings: CaptureSettings, row: CaptureRow,
            failed: Failure) -> str:
    final = not failed.retry or row.attempts >= settings.attempts
    captures.end(row.id, "failed" if final else "retrying", failed.code)
    if not final:  # no chained cause: Procrastinate logs the traceback, which must
        raise RetryLater(failed.code) from None  # not quote the page or its address
    if row.watch_id is not None:
        _watch_ran(captures, row.watch_id, False)
    return failed.code


def _watch_ran(captures: CaptureStore, watch_id: uuid.UUID, ok: bool) -> None:
    from spoorvast.server.watch_job import next_run

    watch = captures.watch(watch_id)
    if watch is not None:
        captures.watch_ran(watch_id, ok, next_run(watch, ok))


def _capture_and_drop(state: ServerState, settings: CaptureSettings,
                      row: CaptureRow) -> uuid.UUID:
    key = capture_key(bytes(state.key))
    try:
        request = open_request(key, row.sealed, row.case_id, row.watch_id or row.id)
    except sk.SealError as exc:
        raise Failure("request_does_not_open", False) from exc
    drops = DropStore(state.store)
    grant = drops.grant(request["grant"])
    if grant is None or grant.id != row.grant_id or grant.case_id != row.case_id or \
            not grant.active(now()):
        raise Failure("grant_ended", False)
    device = _paired(drops, grant, request["pairing"])
    url = str(request["url"])
    head, drafts = _visit(settings, url, CaptureStore(state.store), site_key(key, url))
    from spoorvast.capture import portable

    head.update({"kind": "server-capture", "job": str(row.id),
                 "server_watch": str(row.watch_id) if row.watch_id else None})
    bundle = portable.write_bundle(head, drafts)
    del drafts
    return _drop(state, drops, grant, device, bundle, row)


def _paired(drops: DropStore, grant: DropGrant, pairing_seed: bytes) -> SigningKey:
    device = SigningKey(device_seed(pairing_seed))
    public = bytes(device.verify_key)
    pairing = Pairing(pairing_seed)
    if pairing.public != grant.pairing_key:
        raise Failure("request_does_not_open", False)
    if grant.device_key is None:
        proof = pairing.prove(grant.id, public)
        drops.pair(grant, public, token_hash(secrets.token_urlsafe(32)), {
            "action": "dropbox_paired", "grant": str(grant.id),
            "device": base64.b64encode(public).decode(),
            "proof": base64.b64encode(proof).decode()})
        grant = drops.grant(grant.id) or grant
    if grant.device_key != public:
        raise Failure("grant_paired_elsewhere", False)
    return device


def _visit(settings: CaptureSettings, url: str, captures: CaptureStore,
           site: bytes) -> tuple[dict[str, object], list[Draft]]:
    from spoorvast.capture import portable
    from spoorvast.capture.browser import BrowserSession
    from spoorvast.capture.guard import TargetRefused, listed_policy
    from spoorvast.capture.page import CaptureFailed

    try:
        policy = listed_policy(url, settings.allow)
    except TargetRefused as exc:
        raise Failure("address_refused", False) from exc
    turn = captures.site_turn(site, timedelta(seconds=settings.site_gap))
    wait = (turn - now()).total_seconds()
    if wait > MAX_SITE_WAIT:
        raise Failure("site_busy", True)
    time.sleep(max(0.0, wait))
    try:
        with BrowserSession() as session:  # one Chromium, a fresh profile, then gone
            return portable.prepare(session, url, settings.options, "UTC", policy)
    except TargetRefused as exc:
        raise Failure("address_refused", False) from exc
    except CaptureFailed as exc:
        raise Failure("page_did_not_answer", True) from exc


def _drop(state: ServerState, drops: DropStore, grant: DropGrant, device: SigningKey,
          bundle: bytes, row: CaptureRow) -> uuid.UUID:
    """Encrypt ``bundle`` to the case's drop box and store it as a finished drop."""
    case = state.store.case(row.case_id)
    if case is None:
        raise Failure("no_such_case", False)
    epoch, upload, file_key = case.epoch, uuid.uuid4(), secrets.token_bytes(32)
    dropbox = dict(state.store.epochs(row.case_id))[epoch]
    object_key = "drop/" + new_key()
    s3_upload = state.objects.start_upload(object_key)
    try:  # the drop box's limits hold for the server's captures as for a phone
        drops.start(row.case_id, upload, grant.id, epoch, object_key, s3_upload,
                    sk.encrypted_size(len(bundle)), state.drop_limits)
    except QuotaExceeded as exc:
        state.objects.discard(object_key, s3_upload)
        raise Failure("drop_quota", False) from exc
    parts = _send(state, drops, row.case_id, upload, object_key, s3_upload,
                  sk.encrypt_stream(file_key, str(upload), io.BytesIO(bundle)))
    meta = seal_meta(dropbox, {
        "v": 1, "case": str(row.case_id), "upload": str(upload), "epoch": epoch,
        "name": BUNDLE_NAME, "type": _media_type(), "size": len(bundle),
        "sha256": hashlib.sha256(bundle).hexdigest(),
        "key": base64.b64encode(file_key).decode(), "capture_job": str(row.id),
        **_watch_fields(state, row)})
    size = sum(s for _, _, s in parts)
    entry = drop_entry(row.case_id, grant.id, upload, bytes(device.verify_key), epoch, meta,
                       size, datetime.now(UTC).isoformat())
    signature = bytes(device.sign(entry).signature)
    state.objects.finish_upload(object_key, s3_upload, [(n, etag) for n, etag, _ in parts])
    drops.finish(row.case_id, upload, meta, size, {
        "action": "drop", "grant": str(grant.id), "upload": str(upload),
        "device_entry": base64.b64encode(entry).decode(),
        "device_signature": base64.b64encode(signature).decode(),
        "capture_job": str(row.id)})
    return upload


def _watch_fields(state: ServerState, row: CaptureRow) -> dict[str, object]:
    watch = CaptureStore(state.store).watch(row.watch_id) if row.watch_id else None
    return {"server_watch": str(watch.id), "every": watch.every} if watch else {}


def _media_type() -> str:
    from spoorvast.capture.portable import MEDIA_TYPE

    return MEDIA_TYPE


def _send(state: ServerState, drops: DropStore, case_id: uuid.UUID, upload: uuid.UUID,
          object_key: str, s3_upload: str, pieces: Iterator[bytes]) -> list[tuple[int, str, int]]:
    sent: list[tuple[int, str, int]] = []
    buffer = bytearray()

    def put(data: bytes) -> None:
        number = len(sent) + 1
        etag = state.objects.put_part(object_key, s3_upload, number, data)
        drops.add_part(case_id, upload, number, etag, len(data))
        sent.append((number, etag, len(data)))

    for piece in pieces:
        buffer += piece
        while len(buffer) >= PART:
            put(bytes(buffer[:PART]))
            del buffer[:PART]
    if buffer or not sent:
        put(bytes(buffer))
    return sent
