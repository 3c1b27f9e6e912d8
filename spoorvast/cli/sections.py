"""Extra sections of ``spoorvast show``, per importer.

An importer that stores an analysis (e-mail header analysis, capture record,
conversation summary…) registers here how to print it and how to put it in
``show --json``: one line per feature in :data:`SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from spoorvast.model.records import Item
from spoorvast.storage.vault import Vault

# importer name -> "module:function"; the function is
#   (vault, item) -> (json_value, print_function_or_None)
SECTIONS: dict[str, str] = {
    "email": "spoorvast.cli.cmd_email:section",
    "email-headers": "spoorvast.cli.cmd_email:section",
    "mbox": "spoorvast.cli.cmd_email:section",
    "outlook-msg": "spoorvast.cli.cmd_email:section",
    "note": "spoorvast.cli.cmd_workspace:note_section",
    "capture": "spoorvast.cli.capture_show:section",
    "file": "spoorvast.cli.cmd_ocr:section",
    "whatsapp": "spoorvast.cli.chat_show:section",
    "telegram": "spoorvast.cli.chat_show:section",
    "sms-backup-restore": "spoorvast.cli.chat_show:section",
    "meta-messages": "spoorvast.cli.chat_show:section",
    "discord-chat-exporter": "spoorvast.cli.chat_show:section",
    "discord-package": "spoorvast.cli.chat_show:section",
    "call-log-csv": "spoorvast.cli.chat_show:section",
    "messenger-e2ee": "spoorvast.cli.chat_show:section",
}

Section = Callable[[Vault, Item], tuple[Any, Callable[[], None] | None]]


def section_for(item: Item) -> Section | None:
    target = SECTIONS.get(item.importer)
    if target is None:
        return None
    module, _, function = target.partition(":")
    found: Section = getattr(import_module(module), function)
    return found
