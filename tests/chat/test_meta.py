"""Instagram / Facebook downloads: mojibake, newest-first, zip layouts, fuzzing."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.meta.importer import MetaImporter, looks_like_meta
from spoorvast.importers.chat.meta.parse import repair
from tests.chat.helpers import closes, codes, counts, run
from tests.chat.meta_samples import EXPECTED, T0, dump, mojibake, thread
from tests.chat.test_whatsapp import make_zip, write


def test_message_json_expected_values(tmp_path: Path) -> None:
    draft, _ = run(MetaImporter(), write(tmp_path, "message_1.json", dump(thread(), bom=True)))
    c = counts(draft)
    assert (c["read"], c["events"], c["problems"]) == (
        EXPECTED["read"], EXPECTED["events"], EXPECTED["problems"])
    assert closes(draft)
    texts = [e.text for e in draft.events]
    assert texts == ["Waar is mijn géld", "€100 ÿ", "kijk", "", "Tot straks 🙂"]
    first = draft.events[0]
    assert dict(first.details)["original_text"] == mojibake("Waar is mijn géld")
    assert first.instant is not None and first.instant.source.value == "epoch"
    assert first.instant.isoformat() == "2026-03-04T22:15:07.000+01:00"
    assert first.location.field == "/messages/4"  # type: ignore[union-attr]
    assert draft.events[1].kind == "call" and dict(draft.events[1].details)["duration"] == "75"
    assert "original_text" not in dict(draft.events[1].details)
    assert dict(draft.events[4].details)["reaction"] == "❤ Anna Dé"
    repaired = next(p for p in draft.problems if p.code == "chat.mojibake-repaired")
    assert dict(repaired.params)["count"] == str(EXPECTED["repaired"])
    assert "chat.newest-first" in codes(draft)
    assert [i.value for i in draft.identifiers] == ["Jan Peeters", "Anna Dé"]


def test_repair_is_per_string_and_reversible() -> None:
    for text in ("géld", "Tot straks 🙂", "€ and é", "ascii", "café"):
        broken = mojibake(text)
        assert repair(broken) == text
        assert repair(text) == text or text == "ascii"


def test_accounts_center_zip_resolves_media(tmp_path: Path) -> None:
    prefix = "your_instagram_activity/messages/inbox/janpeeters_1234567890"
    document = thread(prefix)
    data = make_zip({f"{prefix}/message_1.json": dump(document),
                     f"{prefix}/photos/123_n.jpg": b"\xff\xd8photo",
                     "personal_information/personal_information.json": b"{}"})
    draft, sealed = run(MetaImporter(), write(tmp_path, "instagram-jan-2026.zip", data))
    assert set(sealed.files) == {"message_1.json", "123_n.jpg"}
    photo = draft.events[3]
    assert len(photo.attachments) == 1 and photo.actor == "name:instagram:Anna Dé"
    assert draft.events[0].location.artifact_sha256 == draft.artifacts[1].sha256  # type: ignore[union-attr]
    assert closes(draft)


def test_old_layout_zip_with_two_parts_in_time_order(tmp_path: Path) -> None:
    older = {"participants": [{"name": "Jan"}], "messages": [
        {"sender_name": "Jan", "timestamp_ms": T0 - 1000, "content": "ouder"}]}
    data = make_zip({"messages/inbox/jan_1/message_1.json": dump(thread()),
                     "messages/inbox/jan_1/message_2.json": dump(older)})
    draft, _ = run(MetaImporter(), write(tmp_path, "facebook-jan.zip", data))
    assert draft.events[0].text == "ouder" and closes(draft)
    assert "chat.attachment-missing" in codes(draft)  # the photo is not in this zip


def test_an_attachment_named_without_a_file_is_said(tmp_path: Path) -> None:
    """#24: a photo or sticker entry without a uri was skipped without a word."""
    document = thread()
    document["messages"] = [{"sender_name": "Jan Peeters", "timestamp_ms": 1772659000000,
                             "content": "kijk", "photos": [{"creation_timestamp": 1}],
                             "sticker": {"uri": ""}}]
    draft, _ = run(MetaImporter(), write(tmp_path, "message_1.json", dump(document)))
    missing = sorted(p.location.field for p in draft.problems  # type: ignore[union-attr]
                     if p.code == "chat.attachment-missing")
    assert missing == ["/messages/0/photos/0", "/messages/0/sticker"]
    assert closes(draft)


def test_detection() -> None:
    assert looks_like_meta(dump(thread(), bom=True))
    assert not looks_like_meta(b'{"name": "x", "messages": []}')


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
record = st.dictionaries(st.sampled_from(
    ["sender_name", "timestamp_ms", "content", "photos", "share", "reactions",
     "call_duration", "sticker"]), st.recursive(json_leaf, lambda i: st.one_of(
        st.lists(i, max_size=3), st.dictionaries(st.sampled_from(["uri", "link", "name"]), i,
                                                 max_size=2)), max_leaves=6), max_size=5)


@settings(max_examples=100, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(record, json_leaf), max_size=8))
def test_fuzzed_records_never_crash_and_account(tmp_path: Path, records: list[object]) -> None:
    document = {"participants": [{"name": "X"}], "messages": [
        {"sender_name": "X", "timestamp_ms": T0, "content": "start"}, *records]}
    draft, _ = run(MetaImporter(), write(tmp_path, "message_1.json", dump(document)))
    assert closes(draft) and counts(draft)["read"] == len(records) + 1
