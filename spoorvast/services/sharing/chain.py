"""The check every member's app makes of a shared case's chain.

Each entry's position must follow the last (no gap, no reordering), its hash must be
:func:`sharing_keys.chain_hash` over the previous hash and the signed entry, and its
signature must hold: an author's entry under that author's Ed25519 key, an access entry
under the server's key (pinned by the member's app on first contact). A head seen
before must still be there (a rolled-back or rewritten chain is found). Records must
each have exactly the custody entry that names the SHA-256 of their bytes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spoorvast.services.sharing.api import unb64
from spoorvast.services.sharing.case import ShareError
from spoorvast.storage.sharing_keys import GENESIS, chain_hash, verify_signature


@dataclass(frozen=True)
class ChainEntry:
    pos: int
    signer: uuid.UUID | None  # None: the server
    fields: dict[str, Any]
    hash: bytes


def verify_chain(rows: Sequence[Mapping[str, Any]], server_key: bytes,
                 member_keys: Mapping[uuid.UUID, bytes],
                 seen: tuple[int, bytes] | None = None) -> list[ChainEntry]:
    """The entries of a whole chain (from position 1), checked; :class:`ShareError`
    names the first position that does not hold."""
    previous, out = GENESIS, []
    for expected, row in enumerate(rows, start=1):
        entry = _checked(row, expected, previous, server_key, member_keys)
        if seen is not None and seen[0] == expected and seen[1] != entry.hash:
            raise ShareError("chain_rewritten", str(expected))
        out.append(entry)
        previous = entry.hash
    if seen is not None and seen[0] > len(out):
        raise ShareError("chain_shortened", str(seen[0]))
    return out


def _checked(row: Mapping[str, Any], expected: int, previous: bytes, server_key: bytes,
             member_keys: Mapping[uuid.UUID, bytes]) -> ChainEntry:
    where = str(expected)
    if int(row["pos"]) != expected:
        raise ShareError("chain_out_of_order", where)
    body, signature = unb64(row["body"]), unb64(row["signature"])
    digest = chain_hash(previous, expected, body, signature)
    if digest != unb64(row["hash"]):
        raise ShareError("chain_hash_differs", where)
    signer = uuid.UUID(row["signer"]) if row["signer"] else None
    key = server_key if signer is None else member_keys.get(signer)
    if key is None or not verify_signature(key, body, signature):
        raise ShareError("chain_signature_fails", where)
    fields = json.loads(body)
    if signer is not None and fields.get("author") != str(signer):
        raise ShareError("chain_author_differs", where)
    return ChainEntry(expected, signer, fields, digest)


def check_record(entries: Sequence[ChainEntry], row: Mapping[str, Any]) -> ChainEntry:
    """The signed custody entry of a pulled record, which must name its bytes' hash."""
    body_hash = hashlib.sha256(unb64(row["body"])).hexdigest()
    for entry in entries:
        if entry.fields.get("record") == row["record"] and entry.signer is not None:
            if entry.fields.get("body_sha256") != body_hash or \
                    entry.signer != uuid.UUID(row["author"]):
                raise ShareError("record_differs_from_its_entry", str(row["seq"]))
            return entry
    raise ShareError("record_without_entry", str(row["seq"]))


def check_members(entries: Sequence[ChainEntry], members: Sequence[Mapping[str, Any]]) -> None:
    """Every active member other than the owner needs a grant the owner signed, naming
    them and their role: a member the server slipped in is found."""
    owners = {uuid.UUID(str(m["account"])) for m in members if m["role"] == "owner"}
    granted = {(str(e.fields.get("member")), str(e.fields.get("role"))) for e in entries
               if e.signer in owners and e.fields.get("action") == "grant"}
    for member in members:
        if member["active"] and member["role"] != "owner" and \
                (str(member["account"]), str(member["role"])) not in granted:
            raise ShareError("member_without_signed_grant", str(member["account"]))
