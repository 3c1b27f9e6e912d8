"""A shared case's drop box as a member's screens show it (the web app's drop-box page).

The same services as ``spoorvast case dropbox`` (:func:`drops.make_grant`,
:func:`drops.grants`, :func:`drops.revoke_grant`), with the case's link opened here
(:func:`opened`) and each grant as a typed row: its purpose opened with the case key,
its state, the paired device's fingerprint and when it paired, and what arrived
through it (finished drops and their size, as the server counts them: ciphertext).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from spoorvast.model.records import Case
from spoorvast.services.sharing import drops, sync
from spoorvast.services.sharing.api import Api, unb64
from spoorvast.services.sharing.case import SharedCase, ShareError
from spoorvast.storage.vault import Vault


class GrantState(Enum):
    UNUSED = "unused"  # no phone opened the link yet
    PAIRED = "paired"
    ENDED = "ended"  # past its expiry
    REVOKED = "revoked"


@dataclass(frozen=True)
class GrantRow:
    grant: uuid.UUID
    purpose: str
    expires_at: datetime
    state: GrantState
    device_fingerprint: str | None  # as the custody log names the device
    paired_at: datetime | None
    drops: int  # finished drops
    bytes: int  # their size on the server (encrypted: a little over the files' own)


@contextmanager
def opened(vault: Vault, case: Case) -> Iterator[SharedCase]:
    """The shared case with its keys, as the account the case's link names (the one
    that shared or joined it); :class:`ShareError` ``not_shared`` when it never was."""
    import httpx

    link = sync.link_of(vault, case)
    if link is None:
        raise ShareError("not_shared", str(case.id))
    client = httpx.Client(base_url=link.server, timeout=120)
    with closing(Api(client, sync.identity(vault), link.account)) as api:
        shared = SharedCase(api, link.case)
        shared.load_keys()
        yield shared


def server_of(vault: Vault, case: Case) -> str | None:
    link = sync.link_of(vault, case)
    return None if link is None else link.server


def rows(shared: SharedCase) -> list[GrantRow]:
    return [_row(found) for found in drops.grants(shared)]


def _row(found: dict[str, Any]) -> GrantRow:
    state = (GrantState.REVOKED if found["revoked"] else GrantState.ENDED
             if not found["active"] else GrantState.PAIRED if found["paired"]
             else GrantState.UNUSED)
    device = found.get("device")
    paired_at = found.get("paired_at")
    return GrantRow(
        uuid.UUID(str(found["grant"])), str(found["purpose"]),
        datetime.fromisoformat(str(found["expires_at"])), state,
        hashlib.sha256(unb64(str(device))).hexdigest()[:16] if device else None,
        datetime.fromisoformat(str(paired_at)) if paired_at else None,
        int(found.get("drops", 0)), int(found.get("bytes", 0)))
