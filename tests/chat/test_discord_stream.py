"""DiscordChatExporter JSON read in blocks: written the way .NET's Utf8JsonWriter writes
it (two spaces per level, CRLF on Windows, LF elsewhere); the same events as the
whole-document path, truncation, other layouts, and flat memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.base import ImportContext, ItemDraft
from spoorvast.importers.chat.discord.importer import DiscordExporterImporter
from spoorvast.model import instant
from tests.chat.helpers import ZONE, Sealed, closes, codes, counts, peak_memory, source_for
from tests.chat.test_discord import ANNA, JAN, dce_message

READ_WHOLE = "chat.json-read-whole"

HEADER: dict[str, object] = {
    "guild": {"id": "0", "name": "Direct Messages", "iconUrl": "x"},
    "channel": {"id": "5", "type": "DirectTextChat", "categoryId": "0",
                "category": "Private", "name": "janp_fake", "topic": None},
    "dateRange": {"after": None, "before": None},
    "exportedAt": "2026-03-05T10:00:00.000+01:00"}


def dce_dump(document: object, newline: str = "\r\n", ascii_only: bool = False) -> bytes:
    """As Utf8JsonWriter (Indented) writes it: ``"key": value``, two spaces per level,
    ``[]`` and ``{}`` when empty, Environment.NewLine between lines (a JSON string never
    holds a raw newline, so replacing them all is exact)."""
    text = json.dumps(document, indent=2, ensure_ascii=ascii_only).replace("\n", newline)
    return text.encode("utf-8", "surrogatepass")


def dce_document(messages: list[object], count: int | None = None) -> dict[str, object]:
    return {**HEADER, "messages": messages,
            "messageCount": len(messages) if count is None else count}


def numbered(n: int) -> dict[str, object]:
    return dce_message(str(1000 + n), f"2026-03-04T21:{n % 60:02d}:07.123+01:00",
                       f"bericht {n} " + "tekst " * 20, (JAN, ANNA)[n % 2])


def write_large(path: Path, count: int, newline: str = "\r\n") -> None:
    """A channel of ``count`` messages, written in pieces (never whole in memory)."""
    head = dce_dump({**HEADER, "messages": [0]}, newline)
    head = head[:head.index(b"[") + 1]
    with path.open("wb") as out:
        out.write(head)
        for n in range(count):
            element = dce_dump(numbered(n), newline).replace(
                newline.encode(), (newline + "    ").encode())
            out.write((b"," if n else b"") + (newline + "    ").encode() + element)
        out.write(f'{newline}  ],{newline}  "messageCount": {count}{newline}}}'.encode())


def read(path: Path, whole: bool = False, block: int = 1 << 20) -> ItemDraft:
    """The importer on a file (detected first); lazy events materialised."""
    context = ImportContext(1, ZONE, instant.now(ZONE), Sealed())
    source = source_for(path)
    importer = DiscordExporterImporter(whole=whole, block=block)
    assert importer.detect(source)
    draft = next(importer.read(context, source))
    draft.events = list(draft.events)
    return draft


def same(streamed: ItemDraft, whole: ItemDraft) -> bool:
    return (streamed.events == whole.events and streamed.identifiers == whole.identifiers
            and streamed.problems == whole.problems)


def write(tmp_path: Path, data: bytes, name: str = "dm.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# content with non-BMP characters, quotes, backslashes, newlines, CR and U+2028
contents = st.lists(st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from(["🙂", "é", "\\", '"', "\n", "\r\n", "\u2028", "<@222>", "  ]", ","])),
    max_size=10).map("".join)
records = st.one_of(
    st.builds(lambda n, text, kind, who: {**dce_message(str(n), f"2026-03-04T21:{n % 60:02d}"
                                                        ":07+01:00", text, who), "type": kind},
              st.integers(0, 10**6), contents,
              st.sampled_from(["Default", "Reply", "Call", "ChannelPinnedMessage"]),
              st.sampled_from([JAN, ANNA])),
    st.builds(lambda text: dce_message("9", "2026-03-04 21:50:00", text, JAN), contents),
    st.sampled_from([None, 7, "x", [], {}]))


@settings(max_examples=120, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(st.lists(records, max_size=12), st.sampled_from(["\r\n", "\n"]), st.booleans(),
       st.integers(min_value=8, max_value=600), st.one_of(st.none(), st.integers(0, 20)))
def test_streamed_and_whole_paths_give_the_same_events(
        tmp_path: Path, messages: list[object], newline: str, ascii_only: bool, block: int,
        count: int | None) -> None:
    path = write(tmp_path, dce_dump(dce_document(messages, count), newline, ascii_only))
    streamed, whole = read(path, block=block), read(path, whole=True)
    assert READ_WHOLE not in codes(streamed)
    assert same(streamed, whole) and closes(streamed)
    assert counts(streamed)["read"] == len(messages)


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_windows_and_unix_exports_are_read_in_blocks(tmp_path: Path, newline: str) -> None:
    document = dce_document([numbered(n) for n in range(30)])
    data = b"\xef\xbb\xbf" + dce_dump(document, newline)
    assert (b"\r\n" in data) == (newline == "\r\n")
    draft = read(write(tmp_path, data), block=128)
    assert READ_WHOLE not in codes(draft) and closes(draft)
    assert [e.location.field for e in draft.events] == [  # type: ignore[union-attr]
        f"/messages/{n}" for n in range(30)]
    assert [e.text for e in draft.events] == [dict(numbered(n))["content"] for n in range(30)]
    assert draft.events[0].actor == "account:discord:111111111111111111"
    assert "chat.count-mismatch" not in codes(draft)


def test_message_count_is_reconciled_after_the_array(tmp_path: Path) -> None:
    path = write(tmp_path, dce_dump(dce_document([numbered(n) for n in range(5)], count=8)))
    draft = read(path, block=64)
    mismatch = next(p for p in draft.problems if p.code == "chat.count-mismatch")
    assert dict(mismatch.params) == {"expected": "8", "found": "5"}
    assert same(draft, read(path, whole=True))


def test_export_cut_in_a_message_keeps_the_messages_before(tmp_path: Path) -> None:
    data = dce_dump(dce_document([numbered(n) for n in range(40)]))
    cut = data.index(b'"bericht 30 ') - 30
    draft = read(write(tmp_path, data[:cut]), block=100)
    assert [e.text for e in draft.events] == [dict(numbered(n))["content"] for n in range(30)]
    truncated = [p for p in draft.problems if p.code == "chat.json-truncated"]
    assert [dict(p.params)["offset"] for p in truncated] == [str(cut)]
    assert truncated[0].location is not None and truncated[0].location.byte_start == cut
    assert closes(draft) and READ_WHOLE not in codes(draft)
    assert "chat.count-mismatch" not in codes(draft)  # the count was never written


def test_broken_message_stops_there_and_names_the_offset(tmp_path: Path) -> None:
    data = dce_dump(dce_document([numbered(n) for n in range(20)]))
    start = data.index(b'"bericht 12 ')
    broken = data[:start] + b'"bericht" 12 "' + data[start + len(b'"bericht 12 '):]
    draft = read(write(tmp_path, broken), block=200)
    assert [e.text for e in draft.events] == [dict(numbered(n))["content"] for n in range(12)]
    invalid = next(p for p in draft.problems if p.code == "chat.json-invalid")
    assert start < int(dict(invalid.params)["offset"]) <= start + 12
    assert closes(draft)


def test_bad_utf8_and_surrogates_in_a_block(tmp_path: Path) -> None:
    messages = [numbered(n) for n in range(12)]
    messages[4]["content"] = "stop \ud800"
    data = dce_dump(dce_document(messages), ascii_only=True).replace(b"bericht 9 ",
                                                                     b"bericht \xff ")
    path = write(tmp_path, data)
    draft = read(path, block=150)
    assert draft.events[4].text == "stop \ufffd" and draft.events[9].text.startswith(
        "bericht \ufffd ")
    encoding = next(p for p in draft.problems if p.code == "chat.encoding")
    assert encoding.location is not None and encoding.location.byte_start == data.index(b"\xff")
    assert same(draft, read(path, whole=True)) and closes(draft)


@pytest.mark.parametrize("layout", ["minified", "four-spaces", "tabs", "one-space"])
def test_other_layouts_are_read_whole_and_say_so(tmp_path: Path, layout: str) -> None:
    document = dce_document([numbered(n) for n in range(6)])
    data = {"minified": json.dumps(document).encode(),
            "four-spaces": json.dumps(document, indent=4).encode(),
            "tabs": json.dumps(document, indent="\t").encode(),
            "one-space": json.dumps(document, indent=1).encode()}[layout]
    path = write(tmp_path, data)
    draft = read(path)
    found = next(p for p in draft.problems if p.code == READ_WHOLE)
    assert dict(found.params) == {"program": "DiscordChatExporter"}
    assert len(draft.events) == 6 and closes(draft)
    assert draft.events == read(path, whole=True).events


def test_messages_indented_unlike_the_root_are_read_whole(tmp_path: Path) -> None:
    data = dce_dump(dce_document([numbered(1)])).replace(b'\r\n  "messages": [',
                                                         b'\r\n    "messages": [')
    draft = read(write(tmp_path, data))
    assert READ_WHOLE in codes(draft) and len(draft.events) == 1


def test_a_channel_without_messages_is_not_an_export(tmp_path: Path) -> None:
    for whole in (False, True):
        draft = read(write(tmp_path, dce_dump(HEADER)), whole=whole)
        problem = next(p for p in draft.problems if p.code == "chat.not-an-export")
        assert dict(problem.params) == {"format": "DiscordChatExporter",
                                        "reason": "no messages"}
        assert draft.events == [] and closes(draft)


IMPORTER = "spoorvast.importers.chat.discord.importer:DiscordExporterImporter"


@pytest.mark.slow
def test_peak_memory_stays_flat(tmp_path: Path) -> None:
    path = tmp_path / "dm.json"
    write_large(path, 40_000)
    assert path.stat().st_size > 25_000_000  # 29 MB
    count, streamed = peak_memory(path, IMPORTER, "streamed")
    whole_count, whole = peak_memory(path, IMPORTER, "whole")
    assert count == whole_count == 40_000
    bound = 120  # MB: the interpreter with spoorvast (≈ 55), one block and its events
    assert streamed < bound < whole, (streamed, whole)
