"""Text helpers for ``data.json``: break points in long words, shortened lines, rows."""

from __future__ import annotations

import re

from spoorvast.dossier.model import EventView, InfoSection
from spoorvast.dossier.when import instant_text
from spoorvast.i18n import _

_LONG_WORD = re.compile(r"\S{40,}")
ZWSP = "\u200b"


def breakable(text: str) -> str:
    """Long unbroken runs (URLs, tokens) get invisible break points every 30 characters."""
    return _LONG_WORD.sub(lambda m: ZWSP.join(m.group(0)[i:i + 30]
                                              for i in range(0, len(m.group(0)), 30)), text)


def short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def section_json(section: InfoSection) -> dict[str, object]:
    return {"title": section.title, "rows": [[k, breakable(v)] for k, v in section.rows],
            "lines": [breakable(x) for x in section.lines]}


def event_row(view: EventView, limit: int | None = None,
              language: str = "en") -> dict[str, object]:
    moment = view.event.instant
    text = short(view.text, limit) if limit else view.text
    return {"when": instant_text(moment, language, _("time not known")), "ref": view.ref,
            "anchor": _anchor(view.item_label), "who": breakable(view.actor or ""),
            "kind": view.event.kind, "text": breakable(text), "marked": view.event.marked}


def _anchor(label: str | None) -> str | None:
    return f"item-{label}" if label else None


