"""Correct an identifier (a typo in a number, an OCR misreading confirmed by mistake):
never in place (#24).

The correction is a new identifier record (its own number, ``identifier.added`` in the
custody log, status confirmed) on the same party, of the same kind, pointing at the same
evidence; the earlier one keeps its row with status ``corrected`` (``identifier.updated``)
and an ``identifier.corrected`` entry, whose subject is the new identifier, names the one
it replaces and the reason. All three are written in one transaction. Listings read
``store.identifiers`` and so show only the latest version; ``verify`` checks that each
correction links an earlier version of the same kind in the same case, and that every
earlier version has exactly one correction (:func:`problems`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import Case, CustodyEntry, Identifier, IdentifierStatus
from spoorvast.services.identities import normalize
from spoorvast.services.withdrawals import clean_reason
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault

ACTION = "identifier.corrected"


@dataclass(frozen=True, slots=True)
class IdentifierCorrection:
    """Identifier ``new`` corrects ``old`` (ids), for ``reason``."""

    new: int
    old: int
    reason: str


def _find(vault: Vault, case: Case, identifier_id: int) -> Identifier:
    for identifier in vault.store.identifiers(case.id or 0, with_corrected=True):
        if identifier.id == identifier_id:
            return identifier
    raise UserError(_("There is no identifier {id} in this case.").format(id=identifier_id))


def _correctable(vault: Vault, case: Case, old: Identifier) -> None:
    if old.status is IdentifierStatus.CORRECTED:
        newer = latest(vault, case, old.id or 0)
        raise UserError(_("I-{id} was already corrected by I-{newer}: correct I-{newer}.")
                        .format(id=old.id, newer=newer))
    if old.status is not IdentifierStatus.CONFIRMED:
        raise UserError(_("I-{id} is not confirmed: confirm or reject it instead of "
                          "correcting it.").format(id=old.id))


def correct(vault: Vault, case: Case, identifier_id: int, value: str, reason: str,
            platform: str | None = None, stable_id: str | None = None) -> Identifier:
    """Seal the corrected identifier; the earlier one stays, marked ``corrected``."""
    cleaned = clean_reason(reason)
    old = _find(vault, case, identifier_id)
    _correctable(vault, case, old)
    normalized = normalize(old.kind, value, case.time_zone)
    fresh = replace(old, id=None, value=normalized, status=IdentifierStatus.CONFIRMED,
                    platform=old.platform if platform is None else platform.strip() or None,
                    stable_id=old.stable_id if stable_id is None
                    else stable_id.strip() or None)
    if (fresh.value, fresh.platform, fresh.stable_id) == (old.value, old.platform,
                                                          old.stable_id):
        raise UserError(_("The corrected identifier is the same as I-{id}: nothing to "
                          "correct.").format(id=old.id))
    with vault.store.transaction() as tx:
        new = tx.add_identifier(fresh)
        tx.update_identifier(replace(old, status=IdentifierStatus.CORRECTED))
        tx.log(case_chain(case.id or 0), ACTION, f"identifier-{new.id}",
               {"supersedes": old.id, "reason": cleaned})
    return new


def _entries(vault: Vault, case: Case) -> list[CustodyEntry]:
    return [e for e in vault.store.custody(case_chain(case.id or 0)) if e.action == ACTION]


def corrections(vault: Vault, case: Case) -> list[IdentifierCorrection]:
    """Every identifier correction of the case, oldest first (none: no custody read)."""
    listed = {i.id for i in vault.store.identifiers(case.id or 0)}
    if all(i.id in listed for i in vault.store.identifiers(case.id or 0,
                                                           with_corrected=True)):
        return []
    return [found for e in _entries(vault, case) if (found := _of_entry(e)) is not None]


def _of_entry(entry: CustodyEntry) -> IdentifierCorrection | None:
    new = entry.subject.removeprefix("identifier-")
    old, reason = entry.payload.get("supersedes"), entry.payload.get("reason")
    if not new.isdigit() or not isinstance(old, int):
        return None
    return IdentifierCorrection(int(new), old, reason if isinstance(reason, str) else "")


def latest(vault: Vault, case: Case, identifier_id: int) -> int:
    """The id of the newest version of ``identifier_id`` (itself when not corrected)."""
    newer = {c.old: c.new for c in corrections(vault, case)}
    seen = {identifier_id}
    while identifier_id in newer and newer[identifier_id] not in seen:
        identifier_id = newer[identifier_id]
        seen.add(identifier_id)
    return identifier_id


def problems(vault: Vault, case: Case) -> list[str]:
    """For ``verify``: the subjects of corrections that do not hold together."""
    every = {i.id: i for i in vault.store.identifiers(case.id or 0, with_corrected=True)}
    found: list[str] = []
    named: dict[int, int] = {}
    for entry in _entries(vault, case):
        link = _of_entry(entry)
        new, old = (every.get(link.new), every.get(link.old)) if link else (None, None)
        if (link is None or new is None or old is None or old.kind != new.kind
                or (new.id or 0) <= (old.id or 0)
                or old.status is not IdentifierStatus.CORRECTED):
            found.append(entry.subject)
            continue
        named[link.old] = named.get(link.old, 0) + 1
    for identifier in every.values():
        if identifier.status is IdentifierStatus.CORRECTED and named.get(
                identifier.id or 0) != 1:
            found.append(f"identifier-{identifier.id}")
    return found
