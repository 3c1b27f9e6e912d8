"""Drafts of forms not yet sealed (a note being written), kept in the vault's settings
table (SQLCipher: encrypted with everything else) as the person types, sent along with
a quick exit, and put back in the form on the next visit, so neither a lock nor a
quick exit (Esc twice while typing) loses one silently. Sealing the form removes it."""

from __future__ import annotations

import json
import re

from spoorvast.web.session import VaultSession
from spoorvast.web.vault_settings import read_setting, write_settings

PREFIX = "web.draft."
MAX_CHARS = 200_000  # a draft larger than this is not kept (a note is far smaller)
_NAME = re.compile(r"[a-z]+-[0-9]{1,9}")


def valid_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name))


def parse(fields: str) -> dict[str, str] | None:
    """A draft's fields from the page (JSON of name -> text), or None if not one."""
    if len(fields) > MAX_CHARS:
        return None
    try:
        value = json.loads(fields)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return {str(k)[:50]: v for k, v in value.items() if isinstance(v, str)}


def keep(vault_session: VaultSession, name: str, fields: dict[str, str]) -> None:
    """Store the draft, or remove it when nothing was typed in it."""
    typed = any(value.strip() for key, value in fields.items() if key != "kind")
    write_settings(vault_session, {PREFIX + name: json.dumps(fields) if typed else None})


def kept(vault_session: VaultSession, name: str) -> dict[str, str]:
    text = read_setting(vault_session, PREFIX + name)
    return (parse(text) or {}) if text else {}


def drop(vault_session: VaultSession, name: str) -> None:
    write_settings(vault_session, {PREFIX + name: None})
