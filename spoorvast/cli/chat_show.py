"""The ``show`` section of a conversation or call log: the service's summary
(:mod:`spoorvast.services.conversation`), printed or as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spoorvast.model.records import Item
from spoorvast.services.conversation import ChatSummary


def render(summary: ChatSummary, item: Item) -> tuple[Any, Callable[[], None] | None]:
    from spoorvast.cli.chat_show_text import print_summary, summary_json

    return summary_json(summary), lambda: print_summary(summary)
