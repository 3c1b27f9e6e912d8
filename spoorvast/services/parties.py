"""Parties (victim, suspect, witness) and which identifiers belong to them.

Kept small on purpose: create a party, and assign an identifier to one. Both go through
the storage transaction, which writes the custody entry.
"""

from __future__ import annotations

from dataclasses import replace

from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import Case, Identifier, IdentifierStatus, Party, PartyRole
from spoorvast.storage.vault import Vault


def party_role(text: str) -> PartyRole:
    try:
        return PartyRole(text.strip().lower())
    except ValueError as exc:
        raise UserError(_("Unknown role {role}: choose victim, suspect, witness or other.")
                        .format(role=text)) from exc


def create_party(vault: Vault, case: Case, role: PartyRole, name: str) -> Party:
    name = name.strip()
    if not name:
        raise UserError(_("A party needs a name."))
    with vault.store.transaction() as tx:
        return tx.add_party(Party(None, case.id or 0, role, name))


def party_named(vault: Vault, case: Case, name: str) -> Party | None:
    wanted = name.strip().casefold()
    return next((p for p in vault.store.parties(case.id or 0)
                 if p.name.casefold() == wanted), None)


def party_for(vault: Vault, case: Case, role: PartyRole, name: str) -> Party:
    """The party with this name (created with ``role`` if there is none yet)."""
    return party_named(vault, case, name) or create_party(vault, case, role, name)


def assign(vault: Vault, identifier: Identifier, party: Party) -> Identifier:
    """The identifier now belongs to the party (and is confirmed by the user)."""
    changed = replace(identifier, party_id=party.id, status=IdentifierStatus.CONFIRMED)
    with vault.store.transaction() as tx:
        return tx.update_identifier(changed)


def identifiers_of(vault: Vault, case: Case, party: Party) -> list[Identifier]:
    return [i for i in vault.store.identifiers(case.id or 0) if i.party_id == party.id]
