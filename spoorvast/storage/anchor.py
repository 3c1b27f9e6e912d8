"""The vault's anchor: the head of every custody chain, kept outside the database.

The database holds the whole custody log and its own ``chain_heads`` table, so a copy of
the database restored from an earlier day, lost write-ahead-log frames, or a log that
someone with the key rewrote after removing an entry would all still check out against
themselves. The anchor is a second record of where each chain ended, kept in the key
file (which a rollback of the database leaves alone) and authenticated with an HMAC
under a key derived from the data key::

    "anchor": {"heads": {"vault": [12, "<hash>"], "case-1": [340, "<hash>"]},
               "mac": "<hex HMAC-SHA256 of canonical {vault_id, heads}>"}

Key files of version 2 always carry it, and the version is authenticated by the key
wrapping's AEAD, so the anchor cannot be removed (or the file relabelled as version 1,
which had none) without it being seen.

It is rewritten after every committed transaction (``Vault.write_anchor``: about 3 to
13 ms on a busy shared disk, one fsync of a 1 KB file and of its folder; an intake
commits a batch at most every 2 s). The database may be *ahead* of the anchor (a crash between the
COMMIT and the anchor write), never behind it: each anchored entry must still be in the
database with the same hash.

What it cannot see: the key file and the database rolled back *together* (an old copy
of the whole vault folder), or an attacker who has the passphrase (and so the data key)
and rewrites both. Only a record outside this computer helps there: an RFC 3161 time
stamp of the heads, or a copy of ``spoorvast verify --json`` given to someone else.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

from spoorvast.model.custody import canonical
from spoorvast.storage.crypto import Keyring

FIELD = "anchor"
Heads = dict[str, tuple[int, str]]


class AnchorDamaged(Exception):
    """The anchor in the key file fails its MAC or is not well formed."""


@dataclass(frozen=True, slots=True)
class Drift:
    """An anchored chain entry the database no longer holds as recorded."""

    chain: str
    seq: int
    code: str  # "anchor-behind": entry gone; "anchor-rewritten": entry has another hash


def _mac(keyring: Keyring, heads: Heads) -> str:
    body = canonical({"vault_id": keyring.vault_id,
                      "heads": {c: [s, h] for c, (s, h) in sorted(heads.items())}})
    return hmac.new(keyring.subkey("anchor"), body, hashlib.sha256).hexdigest()


def seal(keyring: Keyring, heads: Heads) -> dict[str, object]:
    return {"heads": {c: [s, h] for c, (s, h) in sorted(heads.items())},
            "mac": _mac(keyring, heads)}


def unseal(keyring: Keyring, content: dict[str, object]) -> Heads | None:
    """The anchored heads; None for a key file written before anchors existed."""
    sealed = content.get(FIELD)
    if sealed is None:
        return None
    try:
        assert isinstance(sealed, dict)
        raw = sealed["heads"]
        assert isinstance(raw, dict)
        heads: Heads = {}
        for chain, pair in raw.items():
            seq, digest = pair
            assert isinstance(chain, str) and type(seq) is int and isinstance(digest, str)
            heads[chain] = (seq, digest)
        mac = sealed["mac"]
        assert isinstance(mac, str)
    except (AssertionError, KeyError, TypeError, ValueError) as exc:
        raise AnchorDamaged("malformed") from exc
    if not hmac.compare_digest(mac, _mac(keyring, heads)):
        raise AnchorDamaged("mac")
    return heads


class HeadSource(Protocol):
    """What the anchor reads of a metadata store (any backend)."""

    def chain_heads(self) -> dict[str, tuple[int, str]]: ...
    def entry_hash(self, chain: str, seq: int) -> str | None: ...


def database_heads(store: HeadSource) -> Heads:
    return store.chain_heads()


def drift(store: HeadSource, heads: Heads) -> list[Drift]:
    """Anchored entries that are missing from the database or differ there."""
    found = []
    for chain, (seq, digest) in sorted(heads.items()):
        stored = store.entry_hash(chain, seq)
        if stored is None:
            found.append(Drift(chain, seq, "anchor-behind"))
        elif not hmac.compare_digest(stored, digest):
            found.append(Drift(chain, seq, "anchor-rewritten"))
    return found
