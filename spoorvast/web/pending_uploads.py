"""Files received but not yet sealed, written down in the vault as they arrive (#24).

A lock says which files of an unsealed batch it dropped (``Uploads.drop_batches``). An
app that ends without a lock (killed, a power cut) cannot: so each received file is
also written into the vault's settings table (encrypted; its name, size and, when the
upload created its blob, the blob's stored name), removed when its batch is sealed or
a lock says it. What is still there at the next unlock was left by an app that ended:
that unlock removes the blobs nothing refers to (custody-logged) and says which files
were not kept.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from spoorvast.errors import UserError
from spoorvast.services.verify import referenced_blob_names
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.vault import Vault
from spoorvast.web import lock_notices

PREFIX = "web.upload."  # then the batch, a dot and a random part: one key per file
Entry = dict[str, Any]


def _entries(vault: Vault) -> list[Entry]:
    found = []
    for _key, raw in vault.store.settings_under(PREFIX):
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict):
            found.append(entry)
    return found


def add(vault: Vault, batch: str, name: str, size: int, blob_name: str | None) -> None:
    """One file received into ``batch`` (``blob_name``: the blob its upload created).
    One key per file: the cost of a write does not grow with the batch."""
    if not vault.writable:
        return
    entry = {"batch": batch, "name": name, "size": size, "blob": blob_name}
    with vault.store.transaction() as tx:
        key = f"{PREFIX}{batch}.{time.time_ns():020d}.{secrets.token_hex(4)}"  # in order
        tx.set_setting(key, json.dumps(entry))


def forget(vault: Vault, batch: str | None = None) -> None:
    """The batch was sealed (or, without ``batch``, a lock said them all)."""
    if not vault.writable:
        return
    with vault.store.transaction() as tx:
        tx.delete_settings(PREFIX if batch is None else f"{PREFIX}{batch}.")


def settle(vault: Vault) -> int:
    """At an unlock: what an app that ended left received but unsealed. Its blobs that
    nothing refers to are removed (the count in custody) and a notice names the files.
    Returns how many files were found."""
    entries = _entries(vault)
    if not entries or not vault.writable:
        return 0
    names = {e["blob"] for e in entries if isinstance(e.get("blob"), str)}
    gone = names - referenced_blob_names(vault) if names else set()
    files = [(str(e.get("name", "")), int(e.get("size") or 0)) for e in entries]
    try:
        with vault.store.transaction() as tx:
            if gone:
                tx.log(VAULT_CHAIN, "web.unsealed-uploads-removed", "blobs",
                       {"count": len(gone)})
            tx.delete_settings(PREFIX)
    except UserError:  # a full disk: left for a later unlock
        return 0
    for name in gone:
        vault.blobs.remove_name(name)
    lock_notices.keep(vault, lock_notices.unsealed_record(files, ended=True))
    return len(files)
