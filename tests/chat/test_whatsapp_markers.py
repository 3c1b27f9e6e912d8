"""WhatsApp's markers in every language of the table are stored as markers (media
omitted, deleted, edited), not as text the sender wrote: one test per language, Android
and iOS."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoorvast.importers.chat.whatsapp import markers as tables
from spoorvast.importers.chat.whatsapp.importer import WhatsAppImporter
from tests.chat.helpers import closes, run


@pytest.mark.parametrize("language", tables.LANGUAGES)
def test_markers_of_each_language_are_markers(language: str, tmp_path: Path) -> None:
    media, deleted, edited = tables.markers_of(language)
    lines = [f"{13 + n}/03/2026, 22:{n:02d} - Dave: {m}" for n, m in enumerate(media)]
    lines += [f"[14/03/2026, 23:{n:02d}:00] Dave: \u200e{m}." for n, m in enumerate(deleted)]
    lines += [f"15/03/2026, 08:{n:02d} - Dave: ok {m}" for n, m in enumerate(edited)]
    for layout in ("android", "ios"):
        chosen = [line for line in lines if line.startswith("[") == (layout == "ios")]
        path = tmp_path / f"{language}-{layout}.txt"
        path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
        draft, _ = run(WhatsAppImporter(), path)
        assert closes(draft) and len(draft.events) == len(chosen)
        for event in draft.events:
            details = dict(event.details)
            assert event.kind == "message" and event.actor == "name:whatsapp:Dave"
            assert details.get("media") == "omitted" or details.get("deleted") == "1" or (
                details.get("edited") == "1"), (language, event.text)
