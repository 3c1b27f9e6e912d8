"""Attachments next to a loose export (DiscordChatExporter ``--media``, an unzipped
Facebook / Instagram download): read from disk inside the export's folder only, sealed
once, missing and hostile paths reported; real folder layouts built in tmp_path."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.discord.importer import DiscordExporterImporter
from spoorvast.importers.chat.meta.importer import MetaImporter
from tests.chat.helpers import closes, run
from tests.chat.meta_samples import T0, dump, thread
from tests.chat.test_discord import ANNA, JAN, dce_message
from tests.conftest import Cli, png_bytes

PHOTO = png_bytes(color="blue")
VOICE = b"OggS\x00voice note of a synthetic person"
SECRET = b"outside the export: must never be read"


def dce_document(attachments: list[list[str]]) -> bytes:
    """A DCE export whose message i has attachments with the given urls."""
    messages = [dce_message(str(i + 1), f"2026-03-04T21:{i // 60:02d}:{i % 60:02d}+00:00", f"m{i}",
                            JAN if i % 2 else ANNA,
                            attachments=[{"id": f"9{i}{j}", "url": url, "fileName": "f",
                                          "fileSizeBytes": 1}
                                         for j, url in enumerate(urls)])
                for i, urls in enumerate(attachments)]
    return json.dumps({"guild": {"id": "0", "name": "Direct Messages"},
                       "channel": {"id": "5", "type": "DirectTextChat", "name": "dm"},
                       "messages": messages, "messageCount": len(messages)}).encode()


def media_export(tmp_path: Path, attachments: list[list[str]]) -> Path:
    """``export/dm.json`` with its ``dm.json_Files`` folder, as ``--media`` writes."""
    folder = tmp_path / "export"
    media = folder / "dm.json_Files"
    media.mkdir(parents=True)
    (media / "photo-5F2A1.png").write_bytes(PHOTO)
    (media / "voice-77AB0.ogg").write_bytes(VOICE)
    path = folder / "dm.json"
    path.write_bytes(dce_document(attachments))
    return path


def findings(draft: object, code: str) -> list[dict[str, str]]:
    return [dict(p.params) for p in draft.problems if p.code == code]  # type: ignore[attr-defined]


def test_dce_media_folder_is_sealed_once_per_file(tmp_path: Path) -> None:
    path = media_export(tmp_path, [
        ["dm.json_Files/photo-5F2A1.png"],
        ["dm.json_Files\\photo-5F2A1.png", "./dm.json_Files/voice-77AB0.ogg"],  # Windows
        ["https://cdn.discordapp.com/attachments/1/2/p.png"],
        ["dm.json_Files/gone.png"],
    ])
    draft, sealed = run(DiscordExporterImporter(), path)
    assert closes(draft)
    photo, voice = hashlib.sha256(PHOTO).hexdigest(), hashlib.sha256(VOICE).hexdigest()
    assert [e.attachments for e in draft.events] == [(photo,), (photo, voice), (), ()]
    assert sealed.files == {"photo-5F2A1.png": PHOTO, "voice-77AB0.ogg": VOICE}
    attached = [a for a in draft.artifacts if a.role.value == "attachment"]
    assert [(a.sha256, a.media_type) for a in attached] == [(photo, "image/png"),
                                                            (voice, "audio/ogg")]
    assert all(a.derived_from == draft.artifacts[0].sha256 for a in attached)
    assert dict(draft.events[2].details)["attachment"].startswith("https://cdn.")
    assert findings(draft, "chat.attachment-missing") == [{"where": "/messages/3/attachments/0"}]
    assert findings(draft, "chat.attachments-read") == [{"count": "2"}]
    assert not findings(draft, "chat.attachment-refused")


def test_dce_avatars_are_sealed_once_and_missing_ones_reported(tmp_path: Path) -> None:
    """--media also downloads avatars (profile data): each file is sealed once; a CDN
    url is left alone; an avatar the folder lacks is a finding."""
    path = media_export(tmp_path, [[], [], []])
    avatar = png_bytes(color="red")
    (path.parent / "dm.json_Files" / "avatar-1A2B.png").write_bytes(avatar)
    document = json.loads(path.read_bytes())
    people = ["dm.json_Files/avatar-1A2B.png", "dm.json_Files/avatar-1A2B.png",
              "dm.json_Files/gone-avatar.png"]
    for message, url in zip(document["messages"], people, strict=True):
        message["author"] = {**message["author"], "avatarUrl": url}
    document["messages"][0]["mentions"] = [{**ANNA, "avatarUrl": "https://cdn.x/a.png"}]
    path.write_text(json.dumps(document))
    draft, sealed = run(DiscordExporterImporter(), path)
    assert closes(draft)
    assert sealed.files == {"avatar-1A2B.png": avatar}
    assert [a.sha256 for a in draft.artifacts[1:]] == [hashlib.sha256(avatar).hexdigest()]
    assert all(e.attachments == () for e in draft.events)
    assert findings(draft, "chat.attachment-missing") == [
        {"where": "/messages/2/author/avatarUrl"}]
    assert findings(draft, "chat.attachments-read") == [{"count": "1"}]


def hostile_tree(tmp_path: Path) -> list[str]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    media = tmp_path / "export" / "dm.json_Files"
    media.mkdir(parents=True)
    (media / "link.png").symlink_to(outside / "secret.txt")
    (media / "dirlink").symlink_to(outside, target_is_directory=True)
    (media / "dangling.png").symlink_to(outside / "nothing.png")
    os.mkfifo(media / "pipe.png")
    return ["../../outside/secret.txt", "../outside/secret.txt",
            str(outside / "secret.txt"), "C:\\Users\\x\\secret.txt",
            "dm.json_Files/link.png", "dm.json_Files/dirlink/secret.txt",
            "dm.json_Files/dangling.png", "dm.json_Files/pipe.png",
            "dm.json_Files/../../outside/secret.txt", "dm.json_Files"]


def test_hostile_paths_are_refused_and_nothing_outside_is_read(tmp_path: Path) -> None:
    urls = hostile_tree(tmp_path)
    path = tmp_path / "export" / "dm.json"
    path.write_bytes(dce_document([[u] for u in urls]))
    draft, sealed = run(DiscordExporterImporter(), path)  # a FIFO would hang if opened
    assert closes(draft) and sealed.files == {}
    assert all(e.attachments == () for e in draft.events)
    reasons = [f["reason"] for f in findings(draft, "chat.attachment-refused")]
    assert reasons == ["absolute path or '..'"] * 4 + [
        "outside the export folder", "outside the export folder",
        "symlink outside the export folder", "not a regular file",
        "absolute path or '..'", "not a regular file"]
    assert draft.artifacts == [draft.artifacts[0]]


def test_missing_attachments_are_counted_beyond_one_hundred(tmp_path: Path) -> None:
    path = media_export(tmp_path, [[f"dm.json_Files/gone-{i}.png"] for i in range(130)])
    draft, _ = run(DiscordExporterImporter(), path)
    assert len(findings(draft, "chat.attachment-missing")) == 100
    assert findings(draft, "chat.attachments-more") == [
        {"count": "30", "where": "/messages/100/attachments/0"}]
    assert closes(draft)


def dyi_tree(root: Path, prefix: str) -> Path:
    """An unzipped download: the thread's JSON and its photo, plus a sticker that lives
    outside the thread folder (``messages/stickers_used``)."""
    thread_dir = root / prefix
    (thread_dir / "photos").mkdir(parents=True)
    (thread_dir / "photos" / "123_n.jpg").write_bytes(b"\xff\xd8jpeg of a cat")
    top = prefix.split("/messages/")[0] + "/messages" if "/messages/" in prefix else "messages"
    (root / top / "stickers_used").mkdir(parents=True)
    (root / top / "stickers_used" / "s.png").write_bytes(PHOTO)
    document = thread(prefix)
    messages = document["messages"]
    assert isinstance(messages, list)
    messages.insert(0, {"sender_name": "Jan Peeters", "timestamp_ms": T0 + 300_000,
                        "sticker": {"uri": f"{top}/stickers_used/s.png"},
                        "videos": [{"uri": f"{prefix}/videos/gone.mp4"}],
                        "photos": [{"uri": f"{prefix}/photos/123_n.jpg"}]})
    path = thread_dir / "message_1.json"
    path.write_bytes(dump(document))
    return path


@pytest.mark.parametrize("prefix", [
    "messages/inbox/janpeeters_1234567890",
    "your_instagram_activity/messages/inbox/janpeeters_1234567890",
    "your_activity_across_facebook/messages/inbox/janpeeters_1234567890"])
def test_unzipped_download_media_are_found_from_the_root(tmp_path: Path, prefix: str) -> None:
    path = dyi_tree(tmp_path / "download", prefix)
    draft, sealed = run(MetaImporter(), path)
    assert closes(draft)
    jpeg = hashlib.sha256(b"\xff\xd8jpeg of a cat").hexdigest()
    assert sealed.files == {"123_n.jpg": b"\xff\xd8jpeg of a cat", "s.png": PHOTO}
    photo = next(e for e in draft.events if (e.actor or "").endswith(":Anna Dé"))
    assert photo.attachments == (jpeg,)
    last = draft.events[-1]
    assert last.attachments == (jpeg, hashlib.sha256(PHOTO).hexdigest())
    assert findings(draft, "chat.attachment-missing") == [{"where": "/messages/0/videos/0"}]


def test_thread_folder_copied_alone(tmp_path: Path) -> None:
    prefix = "messages/inbox/janpeeters_1234567890"
    path = dyi_tree(tmp_path / "download", prefix)
    alone = tmp_path / "desktop" / "janpeeters_1234567890"
    alone.parent.mkdir()
    path.parent.rename(alone)
    draft, sealed = run(MetaImporter(), alone / "message_1.json")
    assert set(sealed.files) == {"123_n.jpg"}  # the sticker stayed in the download
    assert len(findings(draft, "chat.attachment-missing")) == 2 and closes(draft)


def test_meta_uri_cannot_reach_outside_the_download(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_bytes(SECRET)
    folder = tmp_path / "dl" / "messages" / "inbox" / "x_1"
    folder.mkdir(parents=True)
    (folder / "photos").mkdir()
    (folder / "photos" / "evil.jpg").symlink_to(tmp_path / "etc" / "passwd")
    document = {"participants": [{"name": "X"}], "messages": [
        {"sender_name": "X", "timestamp_ms": T0 + n, "photos": [{"uri": uri}]}
        for n, uri in enumerate(["etc/passwd", "../../../../etc/passwd",
                                 str(tmp_path / "etc" / "passwd"),
                                 "messages/inbox/x_1/photos/evil.jpg"])]}
    (folder / "message_1.json").write_bytes(dump(document))
    draft, sealed = run(MetaImporter(), folder / "message_1.json")
    assert sealed.files == {} and closes(draft)
    assert [f["reason"] for f in findings(draft, "chat.attachment-refused")] == [
        "absolute path or '..'", "absolute path or '..'", "outside the export folder"]
    assert findings(draft, "chat.attachment-missing") == [{"where": "/messages/0/photos/0"}]


def test_dce_export_with_media_end_to_end(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    path = media_export(tmp_path, [["dm.json_Files/photo-5F2A1.png"],
                                   ["dm.json_Files/photo-5F2A1.png",
                                    "dm.json_Files/voice-77AB0.ogg"],
                                   ["dm.json_Files/gone.png"]])
    result = cli("add", "--json", str(path))
    assert result.code == 0, result.err
    shown = json.loads(cli("show", "E-0001", "--json").out)
    attached = sorted((a["name"], a["sha256"]) for a in shown["artifacts"]
                      if a["role"] == "attachment")
    assert attached == sorted([("photo-5F2A1.png", hashlib.sha256(PHOTO).hexdigest()),
                               ("voice-77AB0.ogg", hashlib.sha256(VOICE).hexdigest())])
    assert cli("verify").code == 0


def test_adding_the_export_folder_adds_its_media_once(case_vault: Path, cli: Cli,
                                                     tmp_path: Path) -> None:
    """``add export/``: the files the export's messages name are sealed with the
    conversation and not added again as items of their own; a file no message names is
    still added (nothing in the folder is lost)."""
    path = media_export(tmp_path, [["dm.json_Files/photo-5F2A1.png"]])
    (path.parent / "dm.json_Files" / "notes.txt").write_bytes(b"a synthetic note")
    (path.parent / "dm.json_Files" / "same-photo.png").write_bytes(PHOTO)  # the same bytes
    result = cli("add", "--json", str(path.parent))
    assert result.code == 0, result.err
    by_name = {Path(r["path"]).name: (r["status"], r["items"]) for r in json.loads(result.out)}
    assert by_name == {"dm.json": ("added", ["E-0001"]),
                       "photo-5F2A1.png": ("duplicate", ["E-0001"]),
                       "same-photo.png": ("duplicate", ["E-0001"]),
                       "notes.txt": ("added", ["E-0002"]),
                       "voice-77AB0.ogg": ("added", ["E-0003"])}
    listed = json.loads(cli("items", "--json").out)
    assert [i["title"] for i in listed] == ["dm.json", "notes.txt", "voice-77AB0.ogg"]
    assert cli("verify").code == 0


path_piece = st.sampled_from(["..", ".", "", "dm.json_Files", "link.png", "dirlink",
                              "secret.txt", "outside", "/", "\\", "C:", "pipe.png", "%2e%2e"])


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(path_piece, min_size=1, max_size=6).map("/".join), max_size=6))
def test_fuzzed_paths_never_read_outside(tmp_path: Path, urls: list[str]) -> None:
    if not (tmp_path / "outside").exists():
        hostile_tree(tmp_path)
    path = tmp_path / "export" / "dm.json"
    path.write_bytes(dce_document([[u] for u in urls]))
    draft, sealed = run(DiscordExporterImporter(), path)
    assert SECRET not in sealed.files.values() and closes(draft)


def test_a_folder_swapped_for_a_symlink_after_the_check_is_not_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race the check alone leaves open: the path is located (a real folder inside
    the export), then a folder on the way becomes a symlink to the outside before the
    file is opened. The file is opened a folder at a time without following symlinks,
    so the swap is refused and nothing outside is read."""
    from spoorvast.importers.chat.shared import localfiles

    outside = tmp_path / "outside"
    (outside / "photos").mkdir(parents=True)
    (outside / "photos" / "p.png").write_bytes(SECRET)
    media = tmp_path / "export" / "dm.json_Files"
    (media / "photos").mkdir(parents=True)
    (media / "photos" / "p.png").write_bytes(PHOTO)
    path = tmp_path / "export" / "dm.json"
    path.write_bytes(dce_document([["dm.json_Files/photos/p.png"]]))
    located = localfiles.locate

    def locate_then_swap(folder: Path, parts: list[str]) -> object:
        found = located(folder, parts)
        (media / "photos").rename(media / "was-photos")
        (media / "photos").symlink_to(outside / "photos", target_is_directory=True)
        return found

    monkeypatch.setattr(localfiles, "locate", locate_then_swap)
    draft, sealed = run(DiscordExporterImporter(), path)
    assert SECRET not in sealed.files.values() and sealed.files == {}
    assert [f["reason"] for f in findings(draft, "chat.attachment-refused")] == [
        "cannot be opened"]
    assert closes(draft)


def test_a_file_in_a_subfolder_is_read_from_the_folder_down(tmp_path: Path) -> None:
    from spoorvast.importers.chat.shared.localfiles import open_beneath

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "c.txt").write_bytes(b"synthetic")
    handle = open_beneath(tmp_path, tmp_path / "a" / "b" / "c.txt")
    try:
        assert os.read(handle, 100) == b"synthetic"
    finally:
        os.close(handle)
    (tmp_path / "a" / "link").symlink_to(tmp_path / "a" / "b", target_is_directory=True)
    with pytest.raises(OSError):
        open_beneath(tmp_path, tmp_path / "a" / "link" / "c.txt")
