"""Unfinished uploads: what they are, where they are written down, how they end (#24).

A big file is sent in pieces (``routes_resume``, the shape of the tus protocol: the
server says its offset, each piece says where it starts and carries its own SHA-256).
What arrived is kept encrypted (``storage/partials``); the file's name, size, the SHA-256
the page computed of the whole file and its modification time are written in the
vault's settings table (encrypted) under ``web.unfinished.<id>``. So an upload cut off by
a lost connection, a lock or an app that ended can go on from where it stopped: the
page, given the same file again, finds it by its SHA-256 and size.

Only when every byte is there is the file sealed: what was kept is read back, decrypted
and given to :meth:`BlobStore.ingest`, which hashes and encrypts it in one pass; the
result is kept only when its size and SHA-256 are the ones the page declared. Why not
keep a running SHA-256 while pieces arrive: ``hashlib`` cannot save its state, so after
an app restart it would have to be rebuilt by reading the kept bytes back anyway, and a
hash computed along the way would vouch for bytes as they arrived, not for the bytes
sealed. Reading back costs one pass over the file at the end (see
``benchmarks/resumable_finish.py``) and proves that what is sealed is the original.

Thrown away (the person chose to), an unfinished upload's file and entry are removed
with a custody entry in the vault's log (its size and how much had arrived; no name).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.partials import Appender, PartialStore
from spoorvast.storage.vault import Vault
from spoorvast.web.uploads import UploadCut

PREFIX = "web.unfinished."
KEY_LABEL = "partial-upload"
BUFFER = 1 << 20  # what is held in memory before it is encrypted and written
IDLE = 60.0  # a piece whose bytes stop coming this long counts as cut (a half-open link)
_creating = threading.Lock()  # one creation or sweep at a time (files and entries agree)


@dataclass(frozen=True, slots=True)
class Unfinished:
    id: str
    case_id: int
    name: str
    relative: bool  # the name is a path inside a chosen folder
    size: int
    sha256: str
    modified_ms: int
    received: int = 0


def partials(vault: Vault) -> PartialStore:
    return PartialStore(vault.root, vault.keyring.subkey(KEY_LABEL))


def _entry(upload_id: str, raw: str) -> Unfinished | None:
    try:
        data = json.loads(raw)
        return Unfinished(upload_id, int(data["case"]), str(data["name"]),
                          bool(data.get("relative")), int(data["size"]),
                          str(data["sha256"]), int(data.get("modified") or 0))
    except (ValueError, KeyError, TypeError):
        return None


def _all(vault: Vault) -> list[Unfinished]:
    found = []
    for key, raw in vault.store.settings_under(PREFIX):
        entry = _entry(key[len(PREFIX):], raw)
        if entry is not None:
            found.append(entry)
    return found


def get(vault: Vault, upload_id: str) -> Unfinished | None:
    raw = vault.store.setting(PREFIX + upload_id)
    return None if raw is None else _entry(upload_id, raw)


def received(vault: Vault, entry: Unfinished) -> int | None:
    """How much of it is kept; None when its file is gone or unreadable."""
    try:
        return partials(vault).offset(entry.id)
    except (OSError, ValueError):
        return None


def listed(vault: Vault, case_id: int) -> list[Unfinished]:
    """This case's unfinished uploads with what arrived, for the add page."""
    found = []
    for entry in _all(vault):
        if entry.case_id == case_id:
            got = received(vault, entry)
            found.append(replace(entry, received=got or 0))
    return found


def find_or_create(vault: Vault, case_id: int, name: str, relative: bool, size: int,
                   sha256: str, modified_ms: int) -> tuple[Unfinished, int]:
    """The unfinished upload of these bytes in this case (resumed), or a new one; and how
    many bytes of it are kept."""
    with _creating:
        for entry in _all(vault):
            if (entry.case_id, entry.sha256, entry.size) == (case_id, sha256, size):
                got = received(vault, entry)
                if got is not None:
                    return entry, got
                _forget(vault, entry)  # its file is gone: start again
        store = partials(vault)
        upload_id = store.create()
        entry = Unfinished(upload_id, case_id, name, relative, size, sha256, modified_ms)
        try:
            with vault.store.transaction() as tx:
                tx.set_setting(PREFIX + upload_id, json.dumps(
                    {"case": case_id, "name": name, "relative": relative, "size": size,
                     "sha256": sha256, "modified": modified_ms,
                     "started": int(time.time())}))
        except BaseException:
            store.remove(upload_id)
            raise
        _sweep(vault, store)
        return entry, 0


def _sweep(vault: Vault, store: PartialStore) -> None:
    """Files with no entry (an app that ended between the two) are removed."""
    known = {e.id for e in _all(vault)}
    for upload_id in store.ids():
        if upload_id not in known:
            store.remove(upload_id)


def _forget(vault: Vault, entry: Unfinished) -> None:
    with vault.store.transaction() as tx:
        tx.delete_settings(PREFIX + entry.id)
    partials(vault).remove(entry.id)


def done(vault: Vault, entry: Unfinished) -> None:
    """Sealed as a blob (or refused, with its own message): its kept bytes go."""
    _forget(vault, entry)


def discard(vault: Vault, entry: Unfinished, why: str = "thrown-away") -> None:
    """Thrown away: the kept bytes and the entry removed, with a custody entry."""
    got = received(vault, entry) or 0
    with vault.store.transaction() as tx:
        tx.log(VAULT_CHAIN, "web.unfinished-upload-removed", "upload",
               {"size": entry.size, "received": got, "why": why})
        tx.delete_settings(PREFIX + entry.id)
    partials(vault).remove(entry.id)


def discard_all(vault: Vault, why: str) -> int:
    """Every unfinished upload thrown away, each with its custody entry (before a new data
    key: what was kept under the old key could not be read back after it)."""
    entries = _all(vault)
    for entry in entries:
        discard(vault, entry, why)
    return len(entries)


# -- receiving one piece ----------------------------------------------------------


def checksum(header: str) -> bytes | None:
    """The piece's SHA-256 from ``Upload-Checksum: sha256 <base64>``."""
    algorithm, _space, value = header.strip().partition(" ")
    if algorithm.lower() != "sha256":
        return None
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return digest if len(digest) == 32 else None


class Refused(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


async def _pieces(request: Request, stop: threading.Event) -> AsyncIterator[bytes]:
    """The body as it arrives; UploadCut when the connection ends early, a lock or a
    newer piece stops it (``stop``), or nothing arrives for IDLE seconds."""
    body = request.stream().__aiter__()
    try:
        while True:
            arriving, waited = asyncio.ensure_future(body.__anext__()), 0.0
            while not arriving.done():
                await asyncio.wait({arriving}, timeout=0.25)
                waited += 0.25
                if not arriving.done() and (stop.is_set() or waited >= IDLE):
                    arriving.cancel()
                    raise UploadCut()
            try:
                yield arriving.result()
            except StopAsyncIteration:
                return
    except ClientDisconnect as exc:
        raise UploadCut() from exc


async def receive(request: Request, appender: Appender, limit: int,
                   stop: threading.Event) -> bytes:
    """The body into the appender, a megabyte at a time; the piece's SHA-256."""
    digest, held, got = hashlib.sha256(), bytearray(), 0
    try:
        async for piece in _pieces(request, stop):
            if stop.is_set():
                raise UploadCut()
            got += len(piece)
            if got > limit:
                raise Refused(413)
            digest.update(piece)
            held += piece
            if len(held) >= BUFFER:
                await run_in_threadpool(appender.write, bytes(held))
                held.clear()
    except ClientDisconnect as exc:
        raise UploadCut() from exc
    if held:
        await run_in_threadpool(appender.write, bytes(held))
    return digest.digest()
