"""Every locale the issue lists, Android and iOS, the locale's own clock and the 12-hour
one, read from files made with CLDR (``whatsapp_locales``): every message read, with its
sender, its text and its instant; detection does not look at the file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoorvast.importers.chat.whatsapp import WhatsAppImporter
from spoorvast.model.records import ItemKind
from tests.chat.helpers import closes, counts, run
from tests.chat.whatsapp_locales import ZONE, Fixture, all_fixtures

FIXTURES = all_fixtures()


def score(fixture: Fixture, tmp_path: Path) -> dict[str, int]:
    """Messages read, and how many have the right sender, text and time."""
    path = tmp_path / "export.bin"  # a name that says nothing
    path.write_text(fixture.text, encoding="utf-8")
    draft, _ = run(WhatsAppImporter(), path, ZONE)
    assert draft.kind is ItemKind.CONVERSATION and closes(draft)
    assert counts(draft)["read"] == fixture.lines
    events = [e for e in draft.events if e.kind == "message"]
    pairs = list(zip(events, fixture.messages, strict=False))
    return {
        "expected": len(fixture.messages), "read": len(events),
        "sender": sum(e.actor == x.actor for e, x in pairs),
        "text": sum(e.text == x.text for e, x in pairs),
        "time": sum(e.instant is not None and e.instant.utc.isoformat() == x.utc
                    for e, x in pairs)}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.name)
def test_every_locale_reads_every_message_right(fixture: Fixture, tmp_path: Path) -> None:
    got = score(fixture, tmp_path)
    n = got["expected"]
    assert got == {"expected": n, "read": n, "sender": n, "text": n, "time": n}, (
        fixture.text)
