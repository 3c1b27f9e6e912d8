"""Case operations: create, list, pick the current one, find items."""

from __future__ import annotations

import re

from spoorvast.errors import NoSuchCase, NoSuchItem, UserError
from spoorvast.i18n import LANGUAGES, _
from spoorvast.model import instant
from spoorvast.model.records import Case, Item
from spoorvast.storage.vault import Vault

CURRENT_CASE = "current_case"


def create_case(vault: Vault, title: str, language: str, zone: str,
                description: str = "") -> Case:
    title = title.strip()
    if not title:
        raise UserError(_("A case needs a title."))
    if language not in LANGUAGES:
        raise UserError(_("Unknown language {lang}: choose nl, fr, de or en.")
                        .format(lang=language))
    try:
        created = instant.now(zone)
    except ValueError as exc:
        raise UserError(_("Unknown time zone {zone} (for example: Europe/Brussels).")
                        .format(zone=zone)) from exc
    with vault.store.transaction() as tx:
        case = tx.add_case(Case(None, title, language, zone, created, description))
        tx.set_setting(CURRENT_CASE, str(case.id))
    return case


def use_case(vault: Vault, case_id: int) -> Case:
    case = get_case(vault, case_id)
    with vault.store.transaction() as tx:
        tx.set_setting(CURRENT_CASE, str(case.id))
    return case


def get_case(vault: Vault, case_id: int) -> Case:
    case = vault.store.case(case_id)
    if case is None:
        raise NoSuchCase(_("There is no case {case}. 'spoorvast case list' shows them.")
                         .format(case=case_id))
    return case


def current_case(vault: Vault, explicit: int | None = None) -> Case:
    if explicit is not None:
        return get_case(vault, explicit)
    stored = vault.store.setting(CURRENT_CASE)
    if stored is None:
        raise NoSuchCase(_("No case yet. Start one with: spoorvast case new \"title\""))
    return get_case(vault, int(stored))


_LABEL = re.compile(r"^(?:E-?)?0*(\d{1,9})$", re.IGNORECASE)


def parse_label(label: str) -> int:
    match = _LABEL.match(label.strip())
    if not match:
        raise NoSuchItem(_("{label} is not an item number (they look like E-0001).")
                         .format(label=label))
    return int(match.group(1))


def find_item(vault: Vault, case: Case, label: str) -> Item:
    assert case.id is not None
    item = vault.store.item(case.id, parse_label(label))
    if item is None:
        raise NoSuchItem(_("There is no item {label} in this case.").format(label=label))
    return item
