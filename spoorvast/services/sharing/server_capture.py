"""Captures on the organisation's server, as a member's app asks for them and receives them.

Asking (:func:`ask_capture`, :func:`add_watch`): the app makes a drop-box grant for the
job (signed by this member, so the custody log of every member names who allowed it),
seals the address with the grant's one-time pairing key to the server's capture key
(``storage/capture_requests.py``), and sends only that. :func:`capture_state` says where
a job stands (queued, running, retrying, done, failed with a code).

Receiving: a capture arrives as a drop at ``case sync`` like a phone's file, checked the
same way (grant, pairing proof, device signature, the SHA-256 taken before encryption);
:func:`seal_capture` then reads its one-file bundle (each file checked against the
SHA-256 in its manifest) and seals it as one capture item whose custody entry names the
server's capture job. A watch's run is then recorded by the watch service, which
classifies it against the run before, here, in the vault. A one-time capture's grant is
revoked by the owner's or advocate's app as soon as its capture has arrived
(:func:`end_grant`): the server holds its pairing key and could drop more through it.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from spoorvast.model import instant
from spoorvast.model.records import Case
from spoorvast.services.sharing.api import ServerRefused, b64, unb64
from spoorvast.services.sharing.case import SharedCase, ShareError
from spoorvast.storage.base import case_chain
from spoorvast.storage.capture_requests import seal_request
from spoorvast.storage.vault import Vault

CAPTURE_GRANT_DAYS = 2  # a one-time capture's grant (its retries fit in it)
WATCH_GRANT_DAYS = 366


def _capture_key(shared: SharedCase) -> bytes:
    answer = shared.api._call("GET", "/capture-key")
    if not answer.get("offered"):
        raise ShareError("captures_not_offered")
    return unb64(str(answer["key"]))


def _sealed(shared: SharedCase, subject: uuid.UUID, url: str, purpose: str,
            days: int) -> tuple[uuid.UUID, bytes]:
    from spoorvast.services.sharing.drops import new_grant

    key = _capture_key(shared)
    grant, pairing = new_grant(shared, purpose, datetime.now(UTC) + timedelta(days=days))
    return grant, seal_request(key, shared.case_id, subject, url, grant, pairing.seed)


def ask_capture(shared: SharedCase, url: str) -> uuid.UUID:
    """Queue a capture of ``url`` on the server; the capture's id."""
    capture = uuid.uuid4()
    grant, sealed = _sealed(shared, capture, url, "server capture", CAPTURE_GRANT_DAYS)
    shared.api._call("POST", f"/cases/{shared.case_id}/captures", json={
        "capture": str(capture), "grant": str(grant), "sealed": b64(sealed)})
    return capture


def capture_state(shared: SharedCase, capture: uuid.UUID) -> dict[str, Any]:
    return dict(shared.api._call("GET", f"/cases/{shared.case_id}/captures/{capture}"))


def captures(shared: SharedCase) -> list[dict[str, Any]]:
    return list(shared.api._call("GET", f"/cases/{shared.case_id}/captures"))


def add_watch(shared: SharedCase, url: str, every: int) -> uuid.UUID:
    """A watch of ``url`` run by the server's workers; its id on the server."""
    watch = uuid.uuid4()
    grant, sealed = _sealed(shared, watch, url, "server watch", WATCH_GRANT_DAYS)
    shared.api._call("POST", f"/cases/{shared.case_id}/watches", json={
        "watch": str(watch), "grant": str(grant), "sealed": b64(sealed), "every": every})
    return watch


def change_watch(shared: SharedCase, watch: uuid.UUID, paused: bool | None = None,
                 remove: bool = False) -> None:
    shared.api._call("POST", f"/cases/{shared.case_id}/watches/{watch}",
                     json={"paused": paused, "remove": remove})


def run_watch(shared: SharedCase, watch: uuid.UUID) -> None:
    shared.api._call("POST", f"/cases/{shared.case_id}/watches/{watch}/run")


# receiving ------------------------------------------------------------------------------

def seal_capture(vault: Vault, case: Case, path: Path, meta: dict[str, Any],
                 upload: str) -> str:
    """Seal the bundle at ``path`` (decrypted, checked whole) as one capture item."""
    from spoorvast.capture import portable
    from spoorvast.services.watch.locked_capture import Prepared, seal

    try:
        head, drafts = portable.read_bundle(path)
    except portable.BundleDamaged as exc:
        raise ShareError("capture_bundle_damaged", upload) from exc
    job = str(meta["capture_job"])
    if head.get("job") != job:
        raise ShareError("capture_bundle_differs", upload)
    started = head.get("started")
    if isinstance(started, dict):  # the server's clock, kept in UTC: shown in the case zone
        with contextlib.suppress(KeyError, TypeError, ValueError):
            head = {**head, "started": instant.shown_in(
                instant.Instant.from_json(started), case.time_zone).to_json()}
    item = seal(vault, case, Prepared(head, tuple(drafts)), "", (
        "share.server-capture", {"server_capture_job": job, "upload": upload,
                                 "server_watch": head.get("server_watch")}))
    from spoorvast.services.sharing.capture_share import item_key
    from spoorvast.services.sharing.sync import setting_key

    with vault.store.transaction() as tx:  # every member seals it: none sends it again
        tx.set_setting(setting_key(case, "have", item_key(vault, item)), "drop:" + upload)
    return item.label


def after_capture(vault: Vault, case: Case, label: str, meta: dict[str, Any]) -> None:
    """A watch's run that came from the server: classify it in this vault now."""
    watch = meta.get("server_watch")
    if isinstance(watch, str) and watch:
        from spoorvast.services.watch.server_mode import record_server_run

        record_server_run(vault, case, label, watch, int(meta.get("every") or 0))


def end_grant(vault: Vault, case: Case, shared: SharedCase, grant: uuid.UUID,
              label: str) -> None:
    """A one-time capture has arrived: its grant serves nothing more, and the server
    holds its pairing key; an owner's or advocate's app revokes it now rather than let
    it run out after CAPTURE_GRANT_DAYS (a reader's app cannot; a revocation the server
    refuses, e.g. by another member's app at the same moment, changes nothing here)."""
    from spoorvast.services.sharing.drops import revoke_grant
    from spoorvast.services.sharing.sync import link_of

    link = link_of(vault, case)
    if link is None or link.role not in ("owner", "advocate"):
        return
    try:
        revoke_grant(shared, grant)
    except ServerRefused:
        return
    with vault.store.transaction() as tx:
        tx.log(case_chain(case.id or 0), "share.capture-grant-ended", label,
               {"grant": str(grant)})
