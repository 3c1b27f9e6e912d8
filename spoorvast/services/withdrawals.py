"""Withdraw and correct, never delete.

A withdrawn item keeps its sealed original, its events and its custody history; it only
drops out of the checklist, timeline, search, patterns and dossier (``restore`` brings it
back). A correction is a new sealed item that supersedes an older one (a note, a typed
call record); listings show the latest version and say that an earlier one exists.
Every step is a custody entry (``item.withdrawn``, ``item.restored``, ``item.corrected``),
written by the storage layer in the same transaction as the change.

Listings go through :func:`current_items` (items) and the store's case-wide event reads,
which leave out the events of hidden items themselves (see ``storage/base.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model import instant
from spoorvast.model.records import Case, Correction, Identifier, Item, Withdrawal
from spoorvast.storage.vault import Vault

REASON_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Standing:
    """Which items of a case are withdrawn, and how corrections link them."""

    withdrawn: dict[int, Withdrawal]
    superseded_by: dict[int, int]  # older item id -> the item that corrects it
    supersedes: dict[int, Correction]  # newer item id -> its correction record

    @property
    def hidden(self) -> set[int]:
        return set(self.withdrawn) | set(self.superseded_by)

    def latest(self, item_id: int) -> int:
        seen = {item_id}
        while item_id in self.superseded_by:
            item_id = self.superseded_by[item_id]
            if item_id in seen:  # a loop: verify reports it; never spin here
                break
            seen.add(item_id)
        return item_id

    def earlier(self, item_id: int) -> list[int]:
        """The ids of the versions ``item_id`` replaces, newest first."""
        found: list[int] = []
        while item_id in self.supersedes and len(found) <= len(self.supersedes):
            item_id = self.supersedes[item_id].supersedes
            found.append(item_id)
        return found


def standing(vault: Vault, case: Case) -> Standing:
    cid = case.id or 0
    corrections = vault.store.corrections(cid)
    return Standing({w.item_id: w for w in vault.store.withdrawals(cid)},
                    {c.supersedes: c.item_id for c in corrections},
                    {c.item_id: c for c in corrections})


def current_items(vault: Vault, case: Case) -> list[Item]:
    """The items every listing shows: neither withdrawn nor superseded."""
    hidden = set(vault.store.hidden_item_ids(case.id or 0))
    return [i for i in vault.store.items(case.id or 0) if i.id not in hidden]


def listed_identifiers(vault: Vault, case: Case) -> list[Identifier]:
    """The identifiers listings show: typed ones, and those found in a current item."""
    hidden = set(vault.store.hidden_item_ids(case.id or 0))
    return [i for i in vault.store.identifiers(case.id or 0) if i.item_id not in hidden]


def clean_reason(reason: str) -> str:
    cleaned = reason.strip()
    if not cleaned:
        raise UserError(_("Say why (a reason is kept in the custody log)."))
    if len(cleaned) > REASON_LIMIT:
        raise UserError(_("The reason is too long (at most {limit} characters).")
                        .format(limit=REASON_LIMIT))
    return cleaned


def withdraw(vault: Vault, case: Case, item: Item, reason: str) -> Withdrawal:
    """Take ``item`` out of every listing and the dossier; the sealed original stays."""
    cleaned = clean_reason(reason)
    state = standing(vault, case)
    assert item.id is not None
    if item.id in state.withdrawn:
        raise UserError(_("{label} is already withdrawn.").format(label=item.label))
    if item.id in state.superseded_by:
        newer = vault.store.item_by_id(state.latest(item.id))
        raise UserError(_("{label} was corrected by {newer}: withdraw {newer} instead.")
                        .format(label=item.label, newer=newer.label if newer else "?"))
    with vault.store.transaction() as tx:
        return tx.withdraw_item(item, cleaned, instant.now(case.time_zone))


def restore(vault: Vault, case: Case, item: Item, reason: str = "") -> None:
    """Undo a withdrawal."""
    assert item.id is not None
    if item.id not in standing(vault, case).withdrawn:
        raise UserError(_("{label} is not withdrawn.").format(label=item.label))
    with vault.store.transaction() as tx:
        tx.restore_item(item, reason.strip()[:REASON_LIMIT])


def correctable(vault: Vault, case: Case, item: Item, reason: str) -> str:
    """Check that ``item`` can be corrected now; return the cleaned reason."""
    cleaned = clean_reason(reason)
    state = standing(vault, case)
    assert item.id is not None
    if item.id in state.superseded_by:
        newer = vault.store.item_by_id(state.latest(item.id))
        raise UserError(_("{label} was already corrected by {newer}: correct {newer}.")
                        .format(label=item.label, newer=newer.label if newer else "?"))
    if item.id in state.withdrawn:
        raise UserError(_("{label} is withdrawn: restore it before correcting it.")
                        .format(label=item.label))
    return cleaned
