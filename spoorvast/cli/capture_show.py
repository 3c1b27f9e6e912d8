"""The ``show`` section of a capture, printed: the provenance record (from
:mod:`spoorvast.capture.show`) and what the capture proves and does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spoorvast.capture.show import rows
from spoorvast.cli import output
from spoorvast.i18n import _
from spoorvast.model.records import Item


def render(record: dict[str, Any], item: Item) -> tuple[Any, Callable[[], None] | None]:
    return record, lambda: print_record(record)


def print_record(record: dict[str, Any]) -> None:
    table = output.facts(title=_("Capture record"))
    for key, value in rows(record):
        table.add_row(key, value)
    output.stdout_console().print(table)
    output.line(_("What this capture proves, and what it does not:"), style="bold")
    statement = record.get("statement") or {}
    for line in statement.get("proves", []):
        output.line(f"  + {_(line)}")
    for line in statement.get("does_not_prove", []):
        output.line(f"  − {_(line)}")
