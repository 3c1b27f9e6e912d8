"""Discord's data package as the zip Discord sends: every channel's messages file and
its channel.json sealed and read, the channel's name from index.json; older (lowercase
``messages/``, CSV) and newer (``Messages/``, JSON) layouts; hostile entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.discord.package import DiscordPackageImporter, channel_entries
from tests.chat.helpers import closes, codes, counts, run
from tests.chat.test_whatsapp import make_zip, write
from tests.conftest import Cli

OTHER = "222222222222222222"  # synthetic account IDs
HOLDER = "111111111111111111"


def newer_package(**extra: bytes) -> bytes:
    dm = [{"ID": 1000 + n, "Timestamp": f"2026-03-04 21:1{n}:07", "Contents": f"laat me {n}",
           "Attachments": ""} for n in range(3)]
    guild = [{"ID": 2000, "Timestamp": "2026-03-05 08:00:00.123000", "Contents": "hallo",
              "Attachments": "https://cdn.discordapp.com/attachments/1/2/p.png"}]
    return make_zip({
        "README.txt": b"synthetic package",
        "Account/user.json": json.dumps({"id": HOLDER}).encode(),
        "Messages/index.json": json.dumps({"900": "Direct Message with janp_fake#0",
                                           "905": "algemeen in Klas 3B"}).encode(),
        "Messages/c900/channel.json": json.dumps({"id": "900", "type": "DM",
                                                  "recipients": [HOLDER, OTHER]}).encode(),
        "Messages/c900/messages.json": json.dumps(dm).encode(),
        "Messages/c905/channel.json": json.dumps({
            "id": "905", "type": "GUILD_TEXT", "name": "algemeen",
            "guild": {"id": "77", "name": "Klas 3B"}}).encode(),
        "Messages/c905/messages.json": json.dumps(guild).encode(),
        **extra})


def test_every_channel_is_sealed_and_read_with_its_context(tmp_path: Path) -> None:
    draft, sealed = run(DiscordPackageImporter(), write(tmp_path, "package.zip",
                                                        newer_package()))
    assert closes(draft) and counts(draft)["events"] == 4
    assert [e.text for e in draft.events] == ["laat me 0", "laat me 1", "laat me 2", "hallo"]
    dm, guild = dict(draft.events[0].details), dict(draft.events[3].details)
    assert dm["channel_id"] == "900" and dm["channel"] == "Direct Message with janp_fake#0"
    assert dm["recipients"] == f"{HOLDER} {OTHER}" and dm["channel_type"] == "DM"
    assert guild["server"] == "Klas 3B" and guild["channel"] == "algemeen in Klas 3B"
    assert guild["attachment"].startswith("https://cdn.discordapp.com/")
    assert sorted(sealed.files) == ["channel.json", "index.json", "messages.json"]
    names = [a.name for a in draft.artifacts]
    assert names.count("messages.json") == 2 and names.count("channel.json") == 2
    assert names.count("index.json") == 1  # sealed once for all channels
    # each event points into the sealed messages file of its own channel
    shas = {a.sha256 for a in draft.artifacts if a.name == "messages.json"}
    assert {e.location.artifact_sha256 for e in draft.events} == shas  # type: ignore[union-attr]
    assert "chat.own-messages-only" in codes(draft)
    # the person written to is a participant (the holder, from Account/user.json, is not)
    assert [(i.kind.value, i.platform, i.stable_id) for i in draft.identifiers] == [
        ("account", "discord", OTHER)]


def test_the_older_layout_with_csv_files(tmp_path: Path) -> None:
    data = make_zip({
        "messages/index.json": b'{"31": "Direct Message with anna_fake#1234"}',
        "messages/31/channel.json": b'{"id": "31", "type": 1, "recipients": ["5", "6"]}',
        "messages/31/messages.csv": b"ID,Timestamp,Contents,Attachments\r\n"
                                    b"1,2026-03-04 21:15:07.123000+00:00,stop,\r\n"
                                    b"2,,geen tijd,\r\n"})
    draft, _ = run(DiscordPackageImporter(), write(tmp_path, "package.zip", data))
    assert closes(draft) and counts(draft)["events"] == 1 and counts(draft)["problems"] == 1
    details = dict(draft.events[0].details)
    assert details["channel_type"] == "1" and details["recipients"] == "5 6"
    assert draft.events[0].location.line == 2  # type: ignore[union-attr]


def test_a_bomb_or_broken_channel_is_named_and_the_others_are_read(tmp_path: Path) -> None:
    data = newer_package(**{"Messages/c950/messages.json": b"[" + b" " * (300 << 20) + b"]",
                            "Messages/c960/messages.json": b'[{"ID": 1, "Timest',
                            "Messages/../../c970/messages.json": b"[]"})
    draft, _ = run(DiscordPackageImporter(), write(tmp_path, "package.zip", data))
    assert counts(draft)["events"] == 4 and closes(draft)
    too_big = [dict(p.params)["name"] for p in draft.problems if p.code == "chat.zip-too-big"]
    assert too_big == ["Messages/c950/messages.json"]
    assert "chat.json-truncated" in codes(draft) or "chat.json-invalid" in codes(draft)
    assert [dict(p.params)["name"] for p in draft.problems
            if p.code == "chat.zip-unsafe-entry"] == ["Messages/../../c970/messages.json"]


def test_side_files_that_are_not_what_they_claim_lose_nothing(tmp_path: Path) -> None:
    data = newer_package(**{"Messages/index.json": b"<html>not json</html>",
                            "Messages/c900/channel.json": b'["not", "an object"]'})
    draft, _ = run(DiscordPackageImporter(), write(tmp_path, "package.zip", data))
    assert counts(draft)["events"] == 4 and closes(draft)
    assert dict(draft.events[0].details)["channel_id"] == "900"
    assert "channel" not in dict(draft.events[0].details)
    assert "chat.json-invalid" in codes(draft)


def test_channel_entries_order_and_shapes() -> None:
    names = ["Messages/c10/messages.json", "Messages/c9/messages.json", "x/messages.json",
             "messages/c3/messages.csv", "messages/c3/messages.json", "Messages/cx/messages.json"]
    assert channel_entries(names) == [("3", "messages/c3/messages.json"),
                                      ("9", "Messages/c9/messages.json"),
                                      ("10", "Messages/c10/messages.json")]


@pytest.mark.usefixtures("case_vault")
def test_add_the_package_zip(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "package.zip"
    path.write_bytes(newer_package())
    added = json.loads(cli("add", "--json", str(path)).out)
    assert added[0]["kind"] == "conversation"
    shown = json.loads(cli("show", "E-0001", "--json").out)
    assert shown["importer"] == "discord-package"
    hits = json.loads(cli("search", "laat", "--json").out)["hits"]
    assert len(hits) == 3
    assert cli("participants", "E-0001", "--suspect", f"account:discord:{OTHER}",
               "--party", "X").code == 0
    listed = json.loads(cli("participants", "E-0001", "--json").out)
    assert [(p["value"], p["party"]) for p in listed] == [(OTHER, "X")]
    assert cli("verify").code == 0


def test_a_messages_file_of_an_unzipped_package_reads_its_side_files(tmp_path: Path) -> None:
    root = tmp_path / "package" / "Messages"
    (root / "c900").mkdir(parents=True)
    (root / "index.json").write_text('{"900": "Direct Message with janp_fake#0"}')
    (root / "c900" / "channel.json").write_text(
        json.dumps({"id": "900", "type": "DM", "recipients": [HOLDER, OTHER]}))
    path = root / "c900" / "messages.json"
    path.write_text(json.dumps([{"ID": 1, "Timestamp": "2026-03-04 21:15:07",
                                 "Contents": "stop", "Attachments": ""}]))
    draft, sealed = run(DiscordPackageImporter(), path)
    assert draft.title == "Direct Message with janp_fake#0 (messages.json)"
    details = dict(draft.events[0].details)
    assert details["recipients"] == f"{HOLDER} {OTHER}" and details["channel_id"] == "900"
    assert sorted(sealed.files) == ["channel.json", "index.json"]  # sealed with it
    assert closes(draft)


def test_side_files_that_leave_the_folder_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text('{"type": "DM", "recipients": ["999"]}')
    folder = tmp_path / "Messages" / "c900"
    folder.mkdir(parents=True)
    (folder / "channel.json").symlink_to(outside)
    path = folder / "messages.json"
    path.write_text("[]")
    draft, sealed = run(DiscordPackageImporter(), path)
    assert sealed.files == {} and draft.title == "messages.json"
    loose = tmp_path / "messages.json"  # not in a channel folder: nothing else is read
    loose.write_text("[]")
    assert run(DiscordPackageImporter(), loose)[1].files == {}
    elsewhere = tmp_path / "Downloads" / "2026"  # digits, but not a package's channel
    elsewhere.mkdir(parents=True)
    (elsewhere / "channel.json").write_text('{"recipients": ["999"]}')
    (elsewhere / "messages.json").write_text("[]")
    assert run(DiscordPackageImporter(), elsewhere / "messages.json")[1].files == {}


_KEYS = st.sampled_from(["900", "type", "recipients", "guild", "name", "ID", "Timestamp"])
_SCALAR = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_VALUE = _SCALAR | st.lists(_SCALAR, max_size=3) | st.dictionaries(_KEYS, _SCALAR, max_size=3)
json_like = st.one_of(
    st.binary(max_size=80),
    (_VALUE | st.lists(st.dictionaries(_KEYS, _VALUE, max_size=4), max_size=3)
     | st.dictionaries(_KEYS, _VALUE, max_size=4)).map(lambda v: json.dumps(v).encode()))


@settings(max_examples=80, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(json_like, json_like, json_like)
def test_fuzzed_package_never_crashes_and_accounts(tmp_path: Path, index: bytes,
                                                    channel: bytes, messages: bytes) -> None:
    data = make_zip({"Messages/index.json": index, "Messages/c900/channel.json": channel,
                     "Messages/c900/messages.json": messages})
    draft, _ = run(DiscordPackageImporter(), write(tmp_path, "package.zip", data))
    assert closes(draft)
    assert all(isinstance(value, str) for e in draft.events for _k, value in e.details)
