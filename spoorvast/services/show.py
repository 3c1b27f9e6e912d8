"""What ``show`` adds to an item, per importer, as data: the e-mail header analysis, a
note as typed, a capture's record, the text read from a picture, a conversation's
summary. The CLI prints these results and the web shows them; neither computes them.

One line per feature in :data:`SECTIONS`; an importer not listed has no section.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from spoorvast.model.records import Item
from spoorvast.model.serialize import to_json
from spoorvast.storage.vault import Vault

CONVERSATION = "spoorvast.services.conversation:section"

# importer name -> "module:function"; the function is (vault, item) -> result or None
SECTIONS: dict[str, str] = {
    "email": "spoorvast.services.email_headers:analysis",
    "email-headers": "spoorvast.services.email_headers:analysis",
    "mbox": "spoorvast.services.email_headers:analysis",
    "outlook-msg": "spoorvast.services.email_headers:analysis",
    "note": "spoorvast.services.notes:read_note",
    "capture": "spoorvast.capture.show:record_of",
    "file": "spoorvast.services.picture_text:section",
    "whatsapp": CONVERSATION,
    "telegram": CONVERSATION,
    "sms-backup-restore": CONVERSATION,
    "meta-messages": CONVERSATION,
    "discord-chat-exporter": CONVERSATION,
    "discord-package": CONVERSATION,
    "call-log-csv": CONVERSATION,
    "messenger-e2ee": CONVERSATION,
}


def target(item: Item) -> str | None:
    """The item's section function ("module:function"), or None when it has none."""
    return SECTIONS.get(item.importer)


def section(vault: Vault, item: Item) -> Any:
    """The item's section result (typed), or None."""
    name = target(item)
    if name is None:
        return None
    module, _, function = name.partition(":")
    compute: Callable[[Vault, Item], Any] = getattr(import_module(module), function)
    return compute(vault, item)


def as_json(result: Any) -> Any:
    return to_json(result)
