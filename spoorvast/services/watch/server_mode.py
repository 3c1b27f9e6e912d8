"""Watches of a shared case run by the organisation's server (server mode).

The server's workers capture on the watch's schedule and drop each result to the case,
encrypted; nothing is compared there. Here, in each member's vault, a run arriving at
``case sync`` is recorded like a local run (:func:`service.record_run`: the same
classifier, findings, events, custody entries). A member who did not make the watch
gets its local record at the first run that arrives (the address is in the sealed
capture), so every member's vault holds the same history.

:class:`ServerRunner` is the :class:`Runner` of such a watch: asking for a run now
queues it on the server and returns "" (recorded when it lands).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from spoorvast.model.records import Case
from spoorvast.model.secrets import strip_url
from spoorvast.services import cases as case_service
from spoorvast.services.watch import service, store
from spoorvast.services.watch.model import Watch
from spoorvast.services.watch.runner import WatchRunFailed
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault

if TYPE_CHECKING:  # sharing loads httpx: only when a server is used
    from spoorvast.services.sharing.case import SharedCase


def add(vault: Vault, case: Case, shared: SharedCase, url: str, every: int) -> Watch:
    """Watch ``url`` on the server; its local record (runs are recorded here)."""
    from spoorvast.services.sharing.server_capture import add_watch

    url = url.strip()
    local = service.add(vault, case, url, every)  # checks the address, logs watch.added
    try:
        server_id = add_watch(shared, url, every)
    except BaseException:
        service.remove(vault, local)
        raise
    return _save(vault, replace(local, server=str(server_id)))


def _save(vault: Vault, watch: Watch) -> Watch:
    with vault.store.transaction() as tx:
        store.save(tx, watch)
        tx.log(case_chain(watch.case_id), "watch.on-server", watch.subject,
               {"watch": watch.id, "server_watch": watch.server})
    return watch


def of_server(vault: Vault, case: Case, server_id: str) -> Watch | None:
    return next((w for w in store.watches(vault, case.id or 0) if w.server == server_id),
                None)


def record_server_run(vault: Vault, case: Case, label: str, server_id: str,
                      every: int) -> None:
    item = case_service.find_item(vault, case, label)
    watch = of_server(vault, case, server_id) or _adopt(vault, case, item.title, label,
                                                         server_id, every)
    service.record_run(vault, case, watch, item, item.acquired_at.utc.timestamp())


def _adopt(vault: Vault, case: Case, title: str, label: str, server_id: str,
           every: int) -> Watch:
    """The local record of a watch another member made (from its first run here)."""
    url = _captured_url(vault, case, label) or title
    watch = Watch(store.next_id(vault), case.id or 0, url, every or 0,
                  time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                  next_due=time.time(), server=server_id)
    with vault.store.transaction() as tx:
        store.allocate(tx, watch.id)
        store.save(tx, watch)
        tx.log(case_chain(watch.case_id), "watch.added", watch.subject, {
            "watch": watch.id, "url": strip_url(url), "every_seconds": every,
            "server_watch": server_id, "first": None})
    return watch


def _captured_url(vault: Vault, case: Case, label: str) -> str | None:
    import json

    item = case_service.find_item(vault, case, label)
    for artifact in vault.store.artifacts(item.id or 0):
        if artifact.name == "capture.json":
            try:
                record = json.loads(vault.blobs.read_bytes(artifact.sha256))
            except ValueError:
                return None
            url = record.get("requested_url") or record.get("url")
            return url if isinstance(url, str) else None
    return None


class ServerRunner:
    """Runs a server watch now: asks the server, returns "" (recorded when it lands)."""

    def __init__(self, shared_of: Callable[[Case], SharedCase]) -> None:
        self.shared_of = shared_of

    def capture(self, case: Case, watch: Watch) -> str:
        from spoorvast.services.sharing.api import ServerRefused
        from spoorvast.services.sharing.server_capture import run_watch

        if watch.server is None:
            raise WatchRunFailed("not a watch of the server")
        try:
            run_watch(self.shared_of(case), uuid.UUID(watch.server))
        except ServerRefused as exc:
            raise WatchRunFailed(exc.code) from exc
        return ""

    def close(self) -> None:
        return None
