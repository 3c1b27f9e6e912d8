"""Parties and their identifiers: typed, proposed, confirmed, rejected, merged, split.

Every identifier keeps where it came from: typed by the user (no item), or proposed by
an importer or analyser (item + place). Merging two parties moves every identifier to
the one kept and removes the other; splitting moves chosen identifiers to a new party.
Each step is one transaction with its custody entries, so the history stays readable.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from urllib.parse import urlsplit

import phonenumbers

from spoorvast.analysis.phones import zone_country
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import (
    Case,
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Party,
    PartyRole,
)
from spoorvast.storage.vault import Vault

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


region_for_zone = zone_country  # the default phone region of a case zone


def normalize(kind: IdentifierKind, value: str, zone_name: str) -> str:
    """The canonical form of a typed identifier, or a UserError saying what is wrong."""
    value = value.strip()
    if not value:
        raise UserError(_("An identifier cannot be empty."))
    if kind is IdentifierKind.PHONE:
        return _phone(value, zone_name)
    if kind is IdentifierKind.EMAIL:
        return _email(value)
    if kind is IdentifierKind.URL:
        return _url(value)
    if kind is IdentifierKind.IP:
        return _ip(value)
    return value


def _phone(value: str, zone_name: str) -> str:
    try:
        number = phonenumbers.parse(value, region_for_zone(zone_name))
    except phonenumbers.NumberParseException as exc:
        raise UserError(_("{value} is not a phone number.").format(value=value)) from exc
    if not phonenumbers.is_possible_number(number):
        raise UserError(_("{value} is not a phone number.").format(value=value))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise UserError(_("{value} is not an e-mail address.").format(value=value))
    local, _at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(_("{value} is not a web address (it should start with https://).")
                        .format(value=value))
    return value


def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError as exc:
        raise UserError(_("{value} is not an IP address.").format(value=value)) from exc


def find_party(vault: Vault, case: Case, name_or_id: str) -> Party:
    for party in vault.store.parties(case.id or 0):
        if name_or_id in (party.name, str(party.id)):
            return party
    raise UserError(_("There is no party {party} in this case.").format(party=name_or_id))


def find_identifier(vault: Vault, case: Case, identifier_id: int) -> Identifier:
    for identifier in vault.store.identifiers(case.id or 0):
        if identifier.id == identifier_id:
            return identifier
    raise UserError(_("There is no identifier {id} in this case.").format(id=identifier_id))


def add_party(vault: Vault, case: Case, role: PartyRole, name: str) -> Party:
    name = name.strip()
    if not name:
        raise UserError(_("A party needs a name (a nickname is fine)."))
    if any(p.name == name for p in vault.store.parties(case.id or 0)):
        raise UserError(_("There is already a party called {name}.").format(name=name))
    with vault.store.transaction() as tx:
        return tx.add_party(Party(None, case.id or 0, role, name))


def add_identifier(vault: Vault, case: Case, party: Party, kind: IdentifierKind, value: str,
                   platform: str | None = None, stable_id: str | None = None) -> Identifier:
    """An identifier the user typed: confirmed, provenance 'typed by you'."""
    normalized = normalize(kind, value, case.time_zone)
    with vault.store.transaction() as tx:
        return tx.add_identifier(Identifier(
            None, case.id or 0, kind, normalized, party.id, platform, stable_id,
            IdentifierStatus.CONFIRMED))


def set_status(vault: Vault, case: Case, identifier_id: int, status: IdentifierStatus,
               party: Party | None = None) -> Identifier:
    """Confirm (optionally assigning it to a party) or reject a proposed identifier."""
    identifier = find_identifier(vault, case, identifier_id)
    changed = replace(identifier, status=status,
                      party_id=party.id if party else identifier.party_id)
    with vault.store.transaction() as tx:
        return tx.update_identifier(changed)


def merge(vault: Vault, case: Case, keep: Party, absorb: Party) -> int:
    """Move every identifier of ``absorb`` to ``keep`` and remove ``absorb``."""
    if keep.id == absorb.id:
        raise UserError(_("A party cannot be merged with itself."))
    moving = [i for i in vault.store.identifiers(case.id or 0, with_corrected=True)
              if i.party_id == absorb.id]  # earlier versions too: none points at a gone party
    with vault.store.transaction() as tx:
        for identifier in moving:
            tx.update_identifier(replace(identifier, party_id=keep.id))
        tx.remove_party(absorb, f"merged into party-{keep.id}")
    return len(moving)


def split(vault: Vault, case: Case, source: Party, identifier_ids: list[int], name: str,
          role: PartyRole) -> Party:
    """Move chosen identifiers of ``source`` to a new party."""
    chosen = [find_identifier(vault, case, n) for n in identifier_ids]
    if any(i.party_id != source.id for i in chosen) or not chosen:
        raise UserError(_("Only identifiers of {party} can be split off it.")
                        .format(party=source.name))
    new = add_party(vault, case, role, name)
    with vault.store.transaction() as tx:
        for identifier in chosen:
            tx.update_identifier(replace(identifier, party_id=new.id))
    return new


def same_as(identifiers: list[Identifier]) -> dict[tuple[IdentifierKind, str], list[int]]:
    """Identifiers that name the same thing (same kind and value) — merge candidates."""
    groups: dict[tuple[IdentifierKind, str], list[int]] = {}
    for identifier in identifiers:
        if identifier.status is not IdentifierStatus.REJECTED:
            groups.setdefault((identifier.kind, identifier.value.lower()), []).append(
                identifier.id or 0)
    return {key: ids for key, ids in groups.items() if len(ids) > 1}
