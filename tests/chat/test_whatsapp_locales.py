"""Every locale the issue lists, Android and iOS, the locale's own clock and the 12-hour
one, read from files made with CLDR (``whatsapp_locales``): every message read, with its
sender, its text and its instant; detection does not look at the file name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.whatsapp.importer import WhatsAppImporter
from spoorvast.model.records import ItemKind
from tests.chat.helpers import closes, counts, run
from tests.chat.whatsapp_locales import ZONE, Expected, Fixture, all_fixtures

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


MARKS = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
         "\u2067", "\u2068", "\u2069", "\ufeff", "\u061c"]


def _boundaries(head: str) -> list[int]:
    """Where a mark may sit in a header: between two tokens (a run of digits and what
    is next to it, a space, a separator, a bracket)."""
    return [i for i in range(len(head) + 1)
            if i in (0, len(head)) or head[i - 1].isdigit() != head[i].isdigit()
            or not head[i - 1].isalnum() or not head[i].isalnum()]


def _marked(fixture: Fixture, draw: st.DrawFn) -> str:
    lines = []
    for line in fixture.text.splitlines(keepends=True):
        end = line.find("] ") + 1 if line.lstrip("\u200f").startswith("[") else line.find(
            " - ")
        if end <= 0:  # a continuation line
            lines.append(line)
            continue
        head = line[:end]
        spots = sorted(set(draw(st.lists(st.sampled_from(_boundaries(head)), max_size=4))),
                       reverse=True)
        for spot in spots:
            head = head[:spot] + draw(st.sampled_from(MARKS)) + head[spot:]
        lines.append(head + line[end:])
    return "".join(lines)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_marks_anywhere_between_the_tokens_of_a_header_change_nothing(
        tmp_path: Path, data: st.DataObject) -> None:
    fixture = data.draw(st.sampled_from(FIXTURES))
    marked = Fixture(fixture.name, _marked(fixture, data.draw), fixture.messages,
                     fixture.lines)
    n = len(fixture.messages)
    assert score(marked, tmp_path) == {"expected": n, "read": n, "sender": n, "text": n,
                                       "time": n}, marked.text


def _stored() -> list[Fixture]:
    """The fixtures as generated once and kept (``tests/data/whatsapp/locales.json``): a
    later Babel with other CLDR words must still read the files older phones wrote."""
    path = Path(__file__).parents[1] / "data" / "whatsapp" / "locales.json"
    kept = json.loads(path.read_text(encoding="utf-8"))
    return [Fixture(f["name"], f["text"], tuple(Expected(**m) for m in f["messages"]),
                    f["lines"]) for f in kept["fixtures"]]


def test_the_kept_locale_fixtures_are_read_right(tmp_path: Path) -> None:
    stored = _stored()
    assert len(stored) == len(FIXTURES) == 90
    for fixture in stored:
        n = len(fixture.messages)
        assert score(fixture, tmp_path) == {"expected": n, "read": n, "sender": n, "text": n,
                                            "time": n}, fixture.name
