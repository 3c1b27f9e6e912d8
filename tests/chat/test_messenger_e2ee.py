"""Messenger's end-to-end-encrypted download: one thread JSON with its media folder, the
zip, detection against the other JSON formats, hostile uris, fuzzing, end to end."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.meta.e2ee import MessengerE2eeImporter, looks_like_e2ee
from spoorvast.importers.registry import builtin_registry
from tests.chat.e2ee_samples import EXPECTED, PHOTO_URI, T0, VOICE_URI, dump, e2ee_thread
from tests.chat.helpers import closes, codes, counts, run, source_for
from tests.chat.meta_samples import dump as meta_dump
from tests.chat.meta_samples import thread
from tests.chat.test_discord import dce_export
from tests.chat.test_whatsapp import make_zip
from tests.conftest import Cli

PHOTO = b"\xff\xd8jpeg of a synthetic cat"
VOICE = b"OggS\x00synthetic voice note"


def download(tmp_path: Path) -> Path:
    folder = tmp_path / "data_messenger_e2e"
    (folder / "media").mkdir(parents=True)
    (folder / PHOTO_URI).write_bytes(PHOTO)
    (folder / VOICE_URI).write_bytes(VOICE)
    path = folder / "Anna Dé_40.json"
    path.write_bytes(dump(e2ee_thread()))
    return path


def test_thread_expected_values(tmp_path: Path) -> None:
    draft, sealed = run(MessengerE2eeImporter(), download(tmp_path))
    c = counts(draft)
    assert (c["read"], c["events"], c["problems"]) == (
        EXPECTED["read"], EXPECTED["events"], EXPECTED["problems"])
    assert closes(draft)
    first, photo, failed, link, unsent, voice = draft.events
    assert first.text == "Waar is mijn géld" and first.actor == "name:facebook:Anna Dé"
    assert first.instant is not None and first.instant.source.value == "epoch"
    assert first.instant.isoformat() == "2026-03-04T22:15:07.000+01:00"
    assert first.location.field == "/messages/0"  # type: ignore[union-attr]
    assert dict(first.details) == {"thread": "Anna Dé_40", "reaction": "❤ Jan Peeters"}
    jpeg, ogg = hashlib.sha256(PHOTO).hexdigest(), hashlib.sha256(VOICE).hexdigest()
    assert photo.attachments == (jpeg,) and voice.attachments == (ogg, jpeg)
    assert sealed.files == {PHOTO_URI.rsplit("/", 1)[1]: PHOTO,
                            VOICE_URI.rsplit("/", 1)[1]: VOICE}
    assert failed.attachments == () and dict(failed.details)["type"] == "media"
    missing = [dict(p.params) for p in draft.problems if p.code == "chat.attachment-missing"]
    assert missing == [{"where": "/messages/2/media/0"}]
    assert dict(link.details)["type"] == "link"
    assert dict(unsent.details)["deleted"] == "1"
    assert {i.value for i in draft.identifiers} == {"Jan Peeters", "Anna Dé"}
    assert all(i.kind.value == "name" for i in draft.identifiers)
    assert "chat.e2ee-no-ids" in codes(draft)
    assert "chat.newest-first" not in codes(draft)


def test_ascii_escaped_and_newest_first_file(tmp_path: Path) -> None:
    document = e2ee_thread()
    records = document["messages"]
    assert isinstance(records, list)
    document["messages"] = [r for r in reversed(records[:6])]
    path = tmp_path / "Anna Dé_40.json"
    path.write_bytes(json.dumps(document).encode())  # \\u escapes
    draft, _ = run(MessengerE2eeImporter(), path)
    assert [e.text for e in draft.events][:1] == ["Waar is mijn géld"]
    assert "chat.newest-first" in codes(draft) and closes(draft)
    assert len([p for p in draft.problems if p.code == "chat.attachment-missing"]) == 4


def test_zip_download_with_two_threads(tmp_path: Path) -> None:
    other = {"participants": ["Jan Peeters", "Piet Fake"], "threadName": "Piet Fake_7",
             "messages": [{"isUnsent": False, "media": [{"uri": PHOTO_URI}],
                           "reactions": [], "senderName": "Piet Fake", "text": "kijk",
                           "timestamp": T0 - 1000, "type": "media"}]}
    data = make_zip({"data_messenger_e2e/Anna Dé_40.json": dump(e2ee_thread()),
                     "data_messenger_e2e/Piet Fake_7.json": dump(other),
                     "data_messenger_e2e/" + PHOTO_URI[2:]: PHOTO,
                     "data_messenger_e2e/notes.json": b'{"x": 1}'})
    path = tmp_path / "messenger-secure-storage.zip"
    path.write_bytes(data)
    draft, sealed = run(MessengerE2eeImporter(), path)
    assert closes(draft) and counts(draft)["read"] == EXPECTED["read"] + 1
    assert draft.events[0].text == "kijk"
    assert set(sealed.files) == {"Anna Dé_40.json", "Piet Fake_7.json",
                                 PHOTO_URI.rsplit("/", 1)[1]}
    assert draft.events[0].attachments == (hashlib.sha256(PHOTO).hexdigest(),)
    assert draft.events[1].location.artifact_sha256 == hashlib.sha256(  # type: ignore[union-attr]
        dump(e2ee_thread())).hexdigest()
    assert len([p for p in draft.problems if p.code == "chat.attachment-missing"]) == 2
    unread = [p for p in draft.problems if p.code == "chat.e2ee-entry-not-read"]
    assert [dict(p.params)["entry"] for p in unread] == ["data_messenger_e2e/notes.json"]


def test_detection_by_shape(tmp_path: Path) -> None:
    registry = builtin_registry()
    samples = {"a.json": (dump(e2ee_thread()), "messenger-e2ee"),
               "b.json": (dump({"participants": [], "threadName": "X_1", "messages": []}),
                          "messenger-e2ee"),
               "message_1.json": (meta_dump(thread()), "meta-messages"),
               "dm.json": (dce_export(), "discord-chat-exporter")}
    for name, (data, expected) in samples.items():
        (tmp_path / name).write_bytes(data)
        assert registry.detect(source_for(tmp_path / name)).name == expected, name
    assert not looks_like_e2ee(b'{"threadName": "x"}')


def test_hostile_uris_are_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_bytes(b"must not be read")
    folder = tmp_path / "dl"
    folder.mkdir()
    document = {"participants": ["X"], "threadName": "X_1", "messages": [
        {"senderName": "X", "timestamp": T0 + n, "text": "", "type": "media",
         "media": [{"uri": uri}]}
        for n, uri in enumerate(["../secret.txt", str(tmp_path / "secret.txt"),
                                 "./media/../../secret.txt"])]}
    (folder / "X_1.json").write_bytes(dump(document))
    draft, sealed = run(MessengerE2eeImporter(), folder / "X_1.json")
    assert sealed.files == {} and closes(draft)
    assert codes(draft).count("chat.attachment-refused") == 3


def test_an_attachment_named_without_a_file_is_said(tmp_path: Path) -> None:
    """#24: a media entry with no (or an empty) uri was skipped without a word."""
    folder = tmp_path / "dl"
    folder.mkdir()
    document = {"participants": ["X"], "threadName": "X_1", "messages": [
        {"senderName": "X", "timestamp": T0, "text": "kijk", "type": "media",
         "media": [{"uri": ""}, {"creation": 1}]}]}
    (folder / "X_1.json").write_bytes(dump(document))
    draft, _ = run(MessengerE2eeImporter(), folder / "X_1.json")
    missing = [p for p in draft.problems if p.code == "chat.attachment-missing"]
    assert sorted(p.location.field for p in missing) == [  # type: ignore[union-attr]
        "/messages/0/media/0", "/messages/0/media/1"]
    assert closes(draft) and [e.text for e in draft.events] == ["kijk"]


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
record = st.dictionaries(st.sampled_from(
    ["senderName", "timestamp", "text", "type", "media", "reactions", "isUnsent"]),
    st.recursive(json_leaf, lambda i: st.one_of(
        st.lists(i, max_size=3), st.dictionaries(st.sampled_from(["uri", "actor", "reaction"]),
                                                 i, max_size=2)), max_leaves=6), max_size=6)


@settings(max_examples=100, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(record, json_leaf), max_size=8))
def test_fuzzed_records_never_crash_and_account(tmp_path: Path, records: list[object]) -> None:
    document = {"participants": ["X"], "threadName": "X_1", "messages": [
        {"senderName": "X", "timestamp": T0, "text": "start"}, *records]}
    (tmp_path / "X_1.json").write_bytes(dump(document))
    draft, sealed = run(MessengerE2eeImporter(), tmp_path / "X_1.json")
    assert closes(draft) and counts(draft)["read"] == len(records) + 1
    assert set(sealed.files) <= {"X_1.json"}


def test_end_to_end(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    path = download(tmp_path)
    result = cli("add", "--json", str(path))
    assert result.code == 0, result.err
    shown = json.loads(cli("show", "E-0001", "--json").out)
    assert shown["importer"] == "messenger-e2ee"
    assert shown["analysis"]["accounting"]["closes"]  # the conversation section of show
    attached = sorted(a["sha256"] for a in shown["artifacts"] if a["role"] == "attachment")
    assert attached == sorted([hashlib.sha256(PHOTO).hexdigest(),
                               hashlib.sha256(VOICE).hexdigest()])
    found = json.loads(cli("search", "geld", "--json").out)
    assert [h["text"] for h in found["hits"]] == ["Waar is mijn géld"]
    assert cli("verify").code == 0
