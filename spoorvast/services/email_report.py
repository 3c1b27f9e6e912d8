"""An e-mail item's analysis document: the sealed one, or rebuilt from the original.

A message of an mbox analysed from its bytes alone (no DKIM key given, no DNS look-up)
has no sealed analysis document: sealing one per message was a third of the time of
a large mbox (a blob, a row and a custody entry each, for 50,000 messages). Its
document is rebuilt here, when it is read, from the exact sealed bytes of the message,
the case's time zone (fixed at creation) and the message's place in the mbox (from
the container's sealed index): the same analysis, verdict and hops the import found,
since the import derived its findings, event and identifiers from the same call.
The rebuilt document names the tool and Public Suffix List that made it.

Every reader of an e-mail analysis (``show``, the web page, the dossier) comes here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import orjson

from spoorvast.model.records import Artifact, ArtifactRole, Item
from spoorvast.storage.vault import Vault

MAX_DOCUMENT = 32 << 20
INDEX_NAME = "mbox-index.json"


def email_report(vault: Vault, item: Item,
                 artifacts: tuple[Artifact, ...] | list[Artifact] | None = None,
                 name: str | None = None) -> Any:
    """The analysis document (parsed JSON) of ``item``: the stored JSON analysis (the
    one called ``name`` when given), else the rebuilt one of an mbox message, else
    None."""
    if artifacts is None:
        artifacts = vault.store.artifacts(item.id or 0)
    stored = next((a for a in artifacts if a.role is ArtifactRole.ANALYSIS
                   and a.name.endswith(".json") and name in (None, a.name)), None)
    if stored is not None:
        if stored.size > MAX_DOCUMENT:
            return None
        try:
            return orjson.loads(vault.blobs.read_bytes(stored.sha256))
        except orjson.JSONDecodeError:
            return None
    return rebuilt(vault, item, artifacts)


def rebuilt(vault: Vault, item: Item, artifacts: tuple[Artifact, ...] | list[Artifact]
            ) -> dict[str, Any] | None:
    """The document of an mbox message sealed without one; None for any other item."""
    message = _mbox_message(artifacts)
    if message is None or message.derived_from is None:
        return None
    place = _place(vault, item.case_id, message)
    case = vault.store.case(item.case_id)
    if place is None or case is None:
        return None
    # imported here: the analysis and the mbox reader load e-mail, DNS and picture
    # libraries (0.16 s), which a dossier without mbox messages never needs
    from spoorvast.analysis.email.analyse import Options, analyse
    from spoorvast.analysis.email.report import report
    from spoorvast.importers.email.mbox import message_extra

    data = vault.blobs.read_bytes(message.sha256)
    analysis = analyse(data, message.sha256, Options(case.time_zone))
    extra = message_extra(message.derived_from, int(place["number"]),
                          int(place["from_line_offset"]), int(place["byte_start"]),
                          int(place["byte_end"]), str(place.get("envelope") or ""))
    document: dict[str, Any] = orjson.loads(orjson.dumps(report(analysis, case.time_zone,
                                                                  extra)))
    return document


def _mbox_message(artifacts: tuple[Artifact, ...] | list[Artifact]) -> Artifact | None:
    """The message's exact bytes, when they were taken from an mbox (and parsed)."""
    from spoorvast.importers.email.common import MESSAGE_LIMIT

    return next((a for a in artifacts if a.role is ArtifactRole.ORIGINAL
                 and a.media_type == "message/rfc822" and a.derived_from is not None
                 and a.size <= MESSAGE_LIMIT), None)


def _place(vault: Vault, case_id: int, message: Artifact) -> dict[str, Any] | None:
    """The message's row in the index of the mbox it was taken from."""
    assert message.derived_from is not None
    container = vault.store.item_with_original(case_id, message.derived_from)
    if container is None or container.id is None:
        return None
    index = next((a for a in vault.store.artifacts(container.id)
                  if a.role is ArtifactRole.ANALYSIS and a.name == INDEX_NAME), None)
    if index is None:
        return None
    return _rows(vault, index.sha256).get(message.sha256)


# rows of the last few indexes read (a dossier reads one per message of the mbox): an
# index is named by its hash, so a kept copy cannot go stale; it holds byte offsets and
# hashes only, never message content
_INDEXES: OrderedDict[str, dict[str, dict[str, Any]]] = OrderedDict()
KEPT_INDEXES = 4
_LOCK = threading.Lock()


def _rows(vault: Vault, index_sha256: str) -> dict[str, dict[str, Any]]:
    """The first row of each message hash (a duplicate's row points at the first)."""
    with _LOCK:
        found = _INDEXES.get(index_sha256)
    if found is None:
        found = _read_rows(vault, index_sha256)
        with _LOCK:
            _INDEXES[index_sha256] = found
            while len(_INDEXES) > KEPT_INDEXES:
                _INDEXES.popitem(last=False)
    return found


def _read_rows(vault: Vault, index_sha256: str) -> dict[str, dict[str, Any]]:
    from spoorvast.importers.email.mbox import INDEX_FORMAT

    document = orjson.loads(vault.blobs.read_bytes(index_sha256))
    if not isinstance(document, dict) or document.get("format") != INDEX_FORMAT:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for row in document.get("index") or ():
        if isinstance(row, dict) and row.get("duplicate_of") is None:
            found.setdefault(str(row.get("sha256")), row)
    return found
