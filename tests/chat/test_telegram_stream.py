"""Telegram Desktop JSON read in blocks: the same events as the whole-document path,
several chats, truncation and breaks, other layouts, and flat memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.base import ImportContext, ItemDraft
from spoorvast.importers.chat.telegram.importer import TelegramImporter
from spoorvast.model import instant
from spoorvast.model.message_run import each_event
from tests.chat.helpers import ZONE, Sealed, closes, codes, counts, peak_memory, source_for
from tests.chat.telegram_gen import PEOPLE, chat, exports, full, telegram_dump, write_large
from tests.chat.telegram_samples import message, single_chat, stamp

READ_WHOLE = "chat.json-read-whole"


def read(path: Path, whole: bool = False, block: int = 1 << 20) -> ItemDraft:
    """The importer on a file, without detection; lazy events materialised."""
    context = ImportContext(1, ZONE, instant.now(ZONE), Sealed())
    draft = next(TelegramImporter(whole=whole, block=block).read(context, source_for(path)))
    draft.events = list(each_event(draft.events))
    return draft


def same(streamed: ItemDraft, whole: ItemDraft) -> bool:
    return (streamed.events == whole.events and streamed.identifiers == whole.identifiers
            and streamed.problems == whole.problems)


@settings(max_examples=120, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(exports(), st.integers(min_value=8, max_value=600))
def test_streamed_and_whole_paths_give_the_same_events(tmp_path: Path, document: object,
                                                       block: int) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(telegram_dump(document))
    streamed, whole = read(path, block=block), read(path, whole=True)
    assert READ_WHOLE not in codes(streamed)
    assert same(streamed, whole) and closes(streamed)


def test_full_export_with_several_chats(tmp_path: Path) -> None:
    when = stamp(2026, 3, 6, 10, 0)
    chats = [chat("Jan Peeters", 111, [message(1, PEOPLE[0], when, "een"),
                                       message(2, PEOPLE[1], when, "twee")]),
             chat("Leeg", 222, []),
             chat("Groep", 333, [message(1, PEOPLE[2], when, [
                 "zie ", {"type": "link", "text": "https://example.org/g"}])])]
    left = [chat("Weg", 444, [message(7, PEOPLE[0], when, "oud")])]
    data = telegram_dump(full(chats, left))
    assert b'"messages": [\n    ]' in data  # an empty chat, as Telegram writes it
    path = tmp_path / "result.json"
    path.write_bytes(data)
    draft = read(path, block=64)
    assert [(e.location.field, dict(e.details)["chat"], e.text)  # type: ignore[union-attr]
            for e in draft.events] == [
        ("/chats/list/0/messages/0", "Jan Peeters", "een"),
        ("/chats/list/0/messages/1", "Jan Peeters", "twee"),
        ("/chats/list/2/messages/0", "Groep", "zie https://example.org/g"),
        ("/left_chats/list/0/messages/0", "Weg", "oud")]
    assert dict(draft.events[2].details)["chat_id"] == "333"
    assert counts(draft)["read"] == 4 and closes(draft) and codes(draft) == ["chat.counts"]
    found = {(i.kind.value, i.value) for i in draft.identifiers}
    assert {("phone", "+32471987654"), ("url", "https://example.org/g")} <= found
    assert same(draft, read(path, whole=True))


def test_a_chat_list_entry_that_is_no_chat_is_said_on_both_paths(tmp_path: Path) -> None:
    """#24: a number or a string where a chat should be (a hand-edited or damaged full
    export) is named with its place, streamed and whole alike — not skipped silently."""
    when = stamp(2026, 3, 6, 10, 0)
    chats = [chat("Jan Peeters", 111, [message(1, PEOPLE[0], when, "een")]), 17,
             "geen chat"]
    path = tmp_path / "result.json"
    path.write_bytes(telegram_dump(full(chats, [None])))
    streamed, whole = read(path, block=64), read(path, whole=True)
    for draft in (streamed, whole):
        said = sorted(p.location.field for p in draft.problems  # type: ignore[union-attr]
                      if p.code == "chat.unreadable")
        assert said == ["/chats/list/1", "/chats/list/2", "/left_chats/list/0"], draft.problems
        assert [e.text for e in draft.events] == ["een"] and closes(draft)
    assert same(streamed, whole)


def _numbered(count: int) -> bytes:
    return telegram_dump({"name": "Jan", "type": "personal_chat", "id": 1, "messages": [
        message(n, PEOPLE[n % 2], stamp(2026, 3, 4, 10, n % 60), f"bericht {n}")
        for n in range(count)]})


def test_export_cut_in_a_message_keeps_the_messages_before(tmp_path: Path) -> None:
    data = _numbered(40)
    cut = data.index(b'"bericht 30"') - 20
    path = tmp_path / "result.json"
    path.write_bytes(data[:cut])
    draft = read(path, block=100)
    assert [e.text for e in draft.events] == [f"bericht {n}" for n in range(30)]
    truncated = [p for p in draft.problems if p.code == "chat.json-truncated"]
    assert [dict(p.params)["offset"] for p in truncated] == [str(cut)]
    assert truncated[0].location is not None and truncated[0].location.byte_start == cut
    assert closes(draft) and READ_WHOLE not in codes(draft)


def test_export_cut_between_chats_keeps_every_chat_before(tmp_path: Path) -> None:
    when = stamp(2026, 3, 6, 10, 0)
    data = telegram_dump(full([chat("A", 1, [message(1, PEOPLE[0], when, "a")]),
                               chat("B", 2, [message(1, PEOPLE[1], when, "b")])], []))
    cut = data.index(b'"name": "B"')
    path = tmp_path / "result.json"
    path.write_bytes(data[:cut])
    draft = read(path, block=32)
    assert [e.text for e in draft.events] == ["a"]
    assert dict(next(p for p in draft.problems if p.code == "chat.json-truncated").params
                ) == {"offset": str(cut)}


def test_broken_message_stops_there_and_names_the_offset(tmp_path: Path) -> None:
    data = _numbered(20)
    start = data.index(b'"bericht 12"')
    broken = data[:start] + b'"bericht" 12' + data[start + len(b'"bericht 12"'):]
    path = tmp_path / "result.json"
    path.write_bytes(broken)
    draft = read(path, block=200)
    assert [e.text for e in draft.events] == [f"bericht {n}" for n in range(12)]
    invalid = next(p for p in draft.problems if p.code == "chat.json-invalid")
    assert start < int(dict(invalid.params)["offset"]) <= start + 12
    assert closes(draft)


def test_escapes_surrogates_and_bad_utf8_per_block(tmp_path: Path) -> None:
    data = _numbered(30).replace(b"bericht 5", b"bericht\\x015").replace(
        b"bericht 17", b"bericht \\ud800").replace(b"bericht 25", b"bericht \xff")
    path = tmp_path / "result.json"
    path.write_bytes(data)
    draft = read(path, block=150)
    texts = [e.text for e in draft.events]
    assert texts[5] == "bericht\x015" and texts[17] == "bericht \ufffd"
    assert texts[25] == "bericht \ufffd" and len(texts) == 30
    assert set(codes(draft)) >= {"chat.escapes-repaired", "chat.encoding", "chat.surrogates"}
    encoding = next(p for p in draft.problems if p.code == "chat.encoding")
    assert encoding.location is not None and encoding.location.byte_start == data.index(b"\xff")
    assert same(draft, read(path, whole=True))


@pytest.mark.parametrize("layout", ["minified", "two-spaces", "tabs"])
def test_other_layouts_are_read_whole_and_say_so(tmp_path: Path, layout: str) -> None:
    document = single_chat()
    data = {"minified": json.dumps(document).encode(),
            "two-spaces": json.dumps(document, indent=2).encode(),
            "tabs": json.dumps(document, indent="\t").encode()}[layout]
    path = tmp_path / "result.json"
    path.write_bytes(data)
    draft = read(path)
    assert READ_WHOLE in codes(draft) and len(draft.events) == 8 and closes(draft)
    assert draft.events == read(path, whole=True).events


def test_mixed_indentation_is_read_whole_before_any_message(tmp_path: Path) -> None:
    data = telegram_dump(single_chat()).replace(b'\n "messages": [', b'\n  "messages": [')
    path = tmp_path / "result.json"
    path.write_bytes(data)
    draft = read(path)
    assert READ_WHOLE in codes(draft) and len(draft.events) == 8


IMPORTER = "spoorvast.importers.chat.telegram.importer:TelegramImporter"


@pytest.mark.slow
def test_peak_memory_stays_flat(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    write_large(path, 60_000)  # 24 MB
    count, streamed = peak_memory(path, IMPORTER, "streamed")
    whole_count, whole = peak_memory(path, IMPORTER, "whole")
    assert count == whole_count == 60_000
    bound = 120  # MB: the interpreter with spoorvast (≈ 55), one block and its events
    assert streamed < bound < whole, (streamed, whole)
