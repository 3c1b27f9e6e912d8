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

import json
import threading
import time
from dataclasses import dataclass, replace

from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.partials import PartialStore
from spoorvast.storage.vault import Vault

PREFIX = "web.unfinished."
KEY_LABEL = "partial-upload"
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
