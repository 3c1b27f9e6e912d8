"""The copy of a shared case's chain that each member's vault keeps, checked offline.

At every sync the app adds the chain's new entries to its vault (each as the server
sent it: position, signer, signed body, signature, hash) and a snapshot of the members
(their keys, role, purpose opened with the case key, expiry, whether active), and writes
the new head (position and hash) in the local case's custody log. ``verify`` then needs
no server: every signature, the order, the hash links, a grant signed by the owner for
every member, and the head the custody log recorded (so a copy cut short is found).
Fetching goes on from the kept head: new entries must link onto what was kept, so a
server that rewrote an earlier entry is found at the first new one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spoorvast.model.records import Case
from spoorvast.services.sharing.api import unb64
from spoorvast.services.sharing.case import ShareError
from spoorvast.services.sharing.chain import ChainEntry, check_members, verify_chain
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault

KEPT_ACTION = "share.chain_kept"
Row = dict[str, Any]


def _prefix(case: Case) -> str:
    return f"sharing.{case.id}.chain."


def _members_key(case: Case) -> str:
    return f"sharing.{case.id}.members"


def kept_rows(vault: Vault, case: Case) -> list[Row]:
    """The kept entries, in position order (keys are zero-padded positions)."""
    return [json.loads(value) for _, value in vault.store.settings_under(_prefix(case))]


def kept_members(vault: Vault, case: Case) -> list[Row]:
    stored = vault.store.setting(_members_key(case))
    return list(json.loads(stored)) if stored else []


def keep(vault: Vault, case: Case, rows: Sequence[Row], start: int,
         members: Sequence[Row]) -> None:
    """Add the entries after position *start* and the members' snapshot; the new head
    goes in the custody log (what a later verify compares the kept copy with)."""
    new = [row for row in rows if int(row["pos"]) > start]
    with vault.store.transaction() as tx:
        for row in new:
            tx.set_setting(f"{_prefix(case)}{int(row['pos']):012d}",
                           json.dumps(_plain(row), sort_keys=True))
        tx.set_setting(_members_key(case), json.dumps(list(members), sort_keys=True))
        if new:
            tx.log(case_chain(case.id or 0), KEPT_ACTION, "shared-chain",
                   {"pos": int(new[-1]["pos"]), "hash": unb64(new[-1]["hash"]).hex()})


def _plain(row: Mapping[str, Any]) -> Row:
    return {k: row[k] for k in ("pos", "signer", "body", "signature", "hash")}


def recorded_head(vault: Vault, case: Case) -> tuple[int, bytes] | None:
    """The last head the custody log recorded for the kept chain."""
    head = None
    for entry in vault.store.custody(case_chain(case.id or 0)):
        if entry.action == KEPT_ACTION:
            head = (int(str(entry.payload["pos"])), bytes.fromhex(str(entry.payload["hash"])))
    return head


def member_keys(members: Sequence[Mapping[str, Any]]) -> dict[uuid.UUID, bytes]:
    return {uuid.UUID(str(m["account"])): unb64(str(m["verify"])) for m in members}


@dataclass
class KeptCheck:
    """What verify found in one shared case's kept chain."""

    entries: list[ChainEntry] = field(default_factory=list)
    problem: ShareError | None = None


def check(vault: Vault, case: Case, server_key: bytes) -> KeptCheck:
    """The kept chain checked without the server (signatures under the kept keys of the
    members and the server key pinned at first contact)."""
    members = kept_members(vault, case)
    try:
        entries = verify_chain(kept_rows(vault, case), server_key, member_keys(members),
                               recorded_head(vault, case))
        check_members(entries, members)
    except ShareError as problem:
        return KeptCheck([], problem)
    except (ValueError, KeyError, TypeError) as exc:  # a kept row that is not a row
        return KeptCheck([], ShareError("chain_unreadable", type(exc).__name__))
    return KeptCheck(entries)
