"""Extra sections of ``spoorvast show``, per importer: the result computed by
:mod:`spoorvast.services.show`, printed in the reader's language and put in
``show --json``. One printer per service section in :data:`PRINTERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from spoorvast.model.records import Item
from spoorvast.services import show
from spoorvast.storage.vault import Vault

# service section -> "module:function"; the function is
#   (result, item) -> (json_value, print_function_or_None)
PRINTERS: dict[str, str] = {
    "spoorvast.services.email_headers:analysis": "spoorvast.cli.cmd_email:render",
    "spoorvast.services.notes:read_note": "spoorvast.cli.cmd_workspace:render_note",
    "spoorvast.capture.show:record_of": "spoorvast.cli.capture_show:render",
    "spoorvast.services.picture_text:section": "spoorvast.cli.cmd_ocr:render",
    show.CONVERSATION: "spoorvast.cli.chat_show:render",
}

Printer = Callable[[], None]
Section = Callable[[Vault, Item], tuple[Any, Printer | None]]
Render = Callable[[Any, Item], tuple[Any, Printer | None]]


def section_for(item: Item) -> Section | None:
    target = show.target(item)
    if target is None:
        return None
    module, _, function = PRINTERS[target].partition(":")
    render: Render = getattr(import_module(module), function)  # registers its codes

    def section(vault: Vault, item: Item) -> tuple[Any, Printer | None]:
        result = show.section(vault, item)
        return (None, None) if result is None else render(result, item)
    return section
