"""Telegram Desktop JSON: single chat, full export, zip, escapes, truncation, fuzzing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.shared.jsonload import load_json
from spoorvast.importers.chat.telegram.importer import TelegramImporter, looks_like_telegram
from spoorvast.model.records import ItemKind, Severity
from tests.chat.helpers import closes, codes, counts, run
from tests.chat.telegram_samples import (
    SINGLE_EXPECTED,
    dump,
    full_export,
    message,
    single_chat,
    stamp,
)
from tests.chat.test_whatsapp import make_zip, write

JAN_KEY = "account:telegram:user111111111"


def test_single_chat_expected_values(tmp_path: Path) -> None:
    draft, _ = run(TelegramImporter(), write(tmp_path, "result.json", dump(single_chat())))
    c = counts(draft)
    assert {k: c[k] for k in ("read", "events", "system", "problems")} == {
        k: SINGLE_EXPECTED[k] for k in ("read", "events", "system", "problems")}
    assert closes(draft)
    assert [e.kind for e in draft.events].count("call") == SINGLE_EXPECTED["calls"]
    call = draft.events[0]
    assert call.instant is not None and call.instant.isoformat() == "2026-03-04T22:15:07+01:00"
    assert call.instant.source.value == "epoch" and call.instant.raw == "2026-03-04T22:15:07"
    assert call.actor == JAN_KEY and dict(call.details)["duration"] == "75"
    assert draft.events[1].text == "Waar is mijn géld"
    assert draft.events[2].text == ("Kijk https://example.org/x en @janp_fake bel "
                                    "+32 470 12 34 56 🙂")
    assert dict(draft.events[2].details)["reply_to"] == "2"
    assert dict(draft.events[4].details)["edited"] == "2026-03-04T22:25:00+01:00"
    assert dict(draft.events[5].details)["file"] == "not-included"
    assert dict(draft.events[6].details)["system"] == "pin_message"
    assert dict(draft.events[7].details)["direction"] == "missed"
    assert [e.location.field for e in draft.events][:2] == [  # type: ignore[union-attr]
        "/messages/0", "/messages/1"]
    values = {(i.kind.value, i.value, i.stable_id) for i in draft.identifiers}
    assert values == {("account", "Jan Peeters", "user111111111"),
                      ("account", "Anna De Smet", "user222222222"),
                      ("url", "https://example.org/x", None),
                      ("account", "@janp_fake", None), ("phone", "+32470123456", None)}
    unreadable = [p.location.field for p in draft.problems  # type: ignore[union-attr]
                  if p.code == "chat.unreadable"]
    assert unreadable == ["/messages/8", "/messages/9"]


def test_full_export_holder_and_directions(tmp_path: Path) -> None:
    draft, _ = run(TelegramImporter(), write(tmp_path, "result.json", dump(full_export())))
    assert closes(draft) and counts(draft)["read"] == 11
    assert [dict(e.details).get("direction") for e in draft.events if e.kind == "call"] == [
        "in", "missed"]
    assert draft.events[-1].location.field == "/chats/list/1/messages/0"  # type: ignore[union-attr]
    assert dict(draft.events[-1].details)["chat"] == "Groep"
    assert ("phone", "+32471987654") in {(i.kind.value, i.value) for i in draft.identifiers}


def test_invalid_x_escapes_are_repaired_and_counted(tmp_path: Path) -> None:
    data = dump(single_chat([message(1, ("Jan", "user1"), stamp(2026, 3, 4, 21, 0),
                                     "a\u0001b")]))
    data = data.replace(b"\\u0001", b"\\x01") + b"\n"
    draft, sealed = run(TelegramImporter(), write(tmp_path, "result.json", data))
    assert draft.events[0].text == "a\x01b"
    assert dict(next(p for p in draft.problems if p.code == "chat.escapes-repaired").params
                ) == {"count": "2"}  # in "text" and in "text_entities"
    assert sealed.files == {}  # the original is the sealed input, unchanged


def test_escaped_backslash_before_x_is_not_touched() -> None:
    loaded = load_json(b'{"a": "\\\\x41", "b": "\\\\\\x41"}', "s")
    assert loaded.value == {"a": "\\x41", "b": "\\A"} and loaded.repaired == 1


def test_truncated_export_keeps_messages_before_the_cut(tmp_path: Path) -> None:
    data = dump(single_chat())
    cut = data.index(b'"Waar is mijn') + 5
    draft, _ = run(TelegramImporter(), write(tmp_path, "result.json", data[:cut]))
    problem = next(p for p in draft.problems if p.code == "chat.json-truncated")
    assert dict(problem.params)["offset"] == str(cut)
    assert len(draft.events) == 1 and closes(draft)
    broken = data.replace(b'"Waar is mijn g\xc3\xa9ld"', b'"Waar" x')
    draft, _ = run(TelegramImporter(), write(tmp_path, "b.json", broken))
    assert "chat.json-invalid" in codes(draft) and len(draft.events) == 1


def test_bom_surrogates_and_old_export_without_unixtime(tmp_path: Path) -> None:
    old = {"name": "Jan", "type": "personal_chat", "id": 1, "messages": [
        {"id": 1, "type": "message", "date": "2019-03-31T02:30:00", "from": "Jan",
         "from_id": "user1", "text": "oud \ud800"}]}
    data = b"\xef\xbb\xbf" + json.dumps(old, indent=1).encode()
    draft, _ = run(TelegramImporter(), write(tmp_path, "result.json", data))
    event = draft.events[0]
    assert event.text == "oud \ufffd" and event.instant is not None
    assert event.instant.source.value == "assumed-zone"
    assert {"chat.times-without-epoch", "chat.surrogates"} <= set(codes(draft))


def test_zip_export_resolves_photos(tmp_path: Path) -> None:
    data = make_zip({"ChatExport_2026-03-05/result.json": dump(single_chat()),
                     "ChatExport_2026-03-05/photos/photo_1@04-03-2026_22-18-00.jpg": b"\xff\xd8x"})
    draft, sealed = run(TelegramImporter(), write(tmp_path, "ChatExport.zip", data))
    assert set(sealed.files) == {"result.json", "photo_1@04-03-2026_22-18-00.jpg"}
    assert len(draft.events[3].attachments) == 1
    json_sha = draft.artifacts[1].sha256
    assert draft.events[0].location.artifact_sha256 == json_sha  # type: ignore[union-attr]
    assert closes(draft)


@pytest.mark.slow  # 5-10 s: in the full run only
def test_a_result_json_that_is_a_zip_bomb_keeps_the_archive_as_a_file(tmp_path: Path) -> None:
    head = b'{\n "name": "X",\n "type": "personal_chat",\n "id": 1,\n "messages": ['
    data = make_zip({"ChatExport_2026-03-05/result.json": head + b" " * (300 << 20) + b"]}"})
    draft, sealed = run(TelegramImporter(), write(tmp_path, "ChatExport.zip", data))
    assert draft.kind is ItemKind.FILE and not draft.events and sealed.files == {}
    assert [(p.severity, p.code, dict(p.params)["name"]) for p in draft.problems] == [
        (Severity.ERROR, "chat.zip-too-big", "ChatExport_2026-03-05/result.json")]


def test_detection() -> None:
    assert looks_like_telegram(dump(single_chat())[:65536])
    assert looks_like_telegram(dump(full_export()))
    assert not looks_like_telegram(b'{"participants": [], "messages": []}')
    assert not looks_like_telegram(b"04/03/2026, 22:15 - Jan: hi\n")


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(
        ["text", "date", "date_unixtime", "from_id", "type", "action", "photo", "id"]),
        inner, max_size=4)), max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(json_value, max_size=8), st.integers(min_value=0, max_value=600))
def test_fuzzed_records_never_crash_and_account(tmp_path: Path, records: list[object],
                                                cut: int) -> None:
    first = message(1, ("Jan", "user1"), stamp(2026, 3, 4, 21, 0), "start")
    data = dump({"name": "X", "type": "personal_chat", "id": 1, "messages": [first, *records]})
    draft, _ = run(TelegramImporter(), write(tmp_path, "f.json", data))
    assert closes(draft) and counts(draft)["read"] == len(records) + 1
    truncated = data[:cut] if cut < len(data) else data
    if looks_like_telegram(truncated):
        draft, _ = run(TelegramImporter(), write(tmp_path, "g.json", truncated))
        assert closes(draft)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=4_102_444_800),
       st.sampled_from(["Europe/Brussels", "America/New_York", "Australia/Lord_Howe",
                        "Asia/Kathmandu", "UTC"]))
def test_epoch_clock_equals_from_epoch(seconds: int, zone: str) -> None:
    from spoorvast.model.instant import EpochClock, from_epoch
    clock = EpochClock(zone)
    for moment in (seconds, seconds - seconds % 3600, seconds - seconds % 3600 + 3599):
        assert clock.resolve(moment, raw="r") == from_epoch(moment, zone, raw="r")


@pytest.mark.parametrize("zone", ["Europe/Brussels", "Australia/Lord_Howe",
                                  "America/St_Johns", "Asia/Kathmandu"])
def test_epoch_clock_offsets_equal_from_epoch_through_a_year(zone: str) -> None:
    """The offsets of many Unix times at once (a MessageRun's), every 7 minutes and 13
    seconds of 2026 (each change of offset, also the half-hour ones, falls among them)."""
    from spoorvast.model.instant import EpochClock, from_epoch
    stamps = list(range(1_767_225_600, 1_798_761_600, 433))
    expected = [from_epoch(s, zone).offset_seconds for s in stamps]
    assert len(set(expected)) == (1 if zone == "Asia/Kathmandu" else 2)
    assert EpochClock(zone).offsets(stamps) == expected
    clock = EpochClock(zone)  # hours already known from single look-ups
    clock.resolve(stamps[500])
    assert clock.offsets(stamps[::-1]) == expected[::-1]


def test_desktop_folder_export_seals_the_files_next_to_result_json(tmp_path: Path) -> None:
    """Telegram Desktop's usual export is a folder: result.json with photos/ beside it."""
    folder = tmp_path / "ChatExport_2026-03-05"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "photo_1@04-03-2026_22-18-00.jpg").write_bytes(b"\xff\xd8photo")
    (tmp_path / "secret.txt").write_bytes(b"outside the export")
    chat = single_chat()
    chat["messages"].append({**chat["messages"][3], "id": 99,  # type: ignore[index]
                             "photo": "../secret.txt"})
    draft, sealed = run(TelegramImporter(), write(folder, "result.json", dump(chat)))
    assert sealed.files == {"photo_1@04-03-2026_22-18-00.jpg": b"\xff\xd8photo"}
    with_photo = [e for e in draft.events if e.attachments]
    assert len(with_photo) == 1
    assert with_photo[0].attachments[0] in {a.sha256 for a in draft.artifacts}
    assert codes(draft).count("chat.attachment-refused") == 1  # ../secret.txt
    assert codes(draft).count("chat.attachments-read") == 1
    assert closes(draft)


def test_iso_dates_with_an_offset_and_no_unixtime_are_read(tmp_path: Path) -> None:
    """Exports (and converters) that write ``date`` as ISO with ``Z`` or an offset and no
    ``date_unixtime``: the instant is explicit, shown in the case's zone."""
    records = [{"id": n, "type": "message", "date": date, "from": "Jan",
                "from_id": "user1", "text": f"m{n}"}
               for n, date in enumerate(["2024-02-09T19:01:15Z", "2024-07-14T11:00:59+00:00",
                                         "2024-02-09T20:05:00+01:00"], 1)]
    data = json.dumps({"name": "Jan", "type": "personal_chat", "id": 1,
                       "messages": records}, indent=1).encode()
    draft, _ = run(TelegramImporter(), write(tmp_path, "result.json", data))
    assert closes(draft) and len(draft.events) == 3
    shown = [e.instant.isoformat() for e in draft.events]  # type: ignore[union-attr]
    assert shown == ["2024-02-09T20:01:15+01:00", "2024-07-14T13:00:59+02:00",
                     "2024-02-09T20:05:00+01:00"]
    assert {e.instant.source.value for e in draft.events} == {"explicit"}  # type: ignore[union-attr]
    assert "chat.times-without-epoch" not in codes(draft)
