"""Where watches are kept: each watch's schedule and state in the vault's settings
(``watch.<case>.<id>``, JSON; encrypted with the vault), and everything that happened
to it — added, paused, resumed, removed, each run and what it found, with the hashes of
the capture's files — in the case's custody log under the subject ``watch-<id>``.

No new table is needed: the state is small and changes at each run (a setting), the
history is append-only and must be verifiable (the custody chain, which ``verify``
checks). A server backend keeps both the same way through the same store API.
"""

from __future__ import annotations

import json

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import CustodyEntry
from spoorvast.services.watch.model import ChangeKind, Watch
from spoorvast.storage.base import Transaction, case_chain
from spoorvast.storage.vault import Vault

PREFIX = "watch."
NEXT_ID = "watch-next-id"  # not under PREFIX: it is no watch


def _key(case_id: int, watch_id: int) -> str:
    return f"{PREFIX}{case_id}.{watch_id}"


def watches(vault: Vault, case_id: int | None = None) -> list[Watch]:
    """The watches of one case (or of every case), in the order they were added."""
    prefix = PREFIX if case_id is None else f"{PREFIX}{case_id}."
    found = []
    for _key_name, value in vault.store.settings_under(prefix):
        try:
            found.append(Watch.from_json(json.loads(value)))
        except (ValueError, TypeError):
            continue  # a setting spoorvast did not write: left alone
    return sorted(found, key=lambda w: w.id)


def watch(vault: Vault, case_id: int, watch_id: int) -> Watch:
    found = vault.store.setting(_key(case_id, watch_id))
    if found is None:
        raise UserError(_("There is no watch {number} in this case (see 'spoorvast watch "
                          "list').").format(number=watch_id))
    return Watch.from_json(json.loads(found))


def next_id(vault: Vault) -> int:
    return int(vault.store.setting(NEXT_ID) or "1")


def save(tx: Transaction, watch_: Watch) -> None:
    tx.set_setting(_key(watch_.case_id, watch_.id), json.dumps(watch_.to_json()))


def allocate(tx: Transaction, watch_id: int) -> None:
    tx.set_setting(NEXT_ID, str(watch_id + 1))


def forget(tx: Transaction, watch_: Watch) -> None:
    tx.set_setting(_key(watch_.case_id, watch_.id), None)


def history(vault: Vault, watch_: Watch) -> list[CustodyEntry]:
    """Every custody entry of the watch, oldest first."""
    return vault.store.custody_for(case_chain(watch_.case_id), watch_.subject)


def runs(vault: Vault, watch_: Watch) -> list[CustodyEntry]:
    return [e for e in history(vault, watch_) if e.action == "watch.run"]


def last_changes(vault: Vault, watch_: Watch) -> tuple[ChangeKind, ...]:
    """What the watch's last run found (nothing before its first run)."""
    found = runs(vault, watch_)[-1:]
    changes = found[0].payload.get("changes") if found else None
    known = {k.value for k in ChangeKind}
    return tuple(ChangeKind(c) for c in changes if isinstance(c, str) and c in known) \
        if isinstance(changes, list) else ()
