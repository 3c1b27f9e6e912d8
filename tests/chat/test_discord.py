"""Discord: DiscordChatExporter JSON and Discord's own data package (CSV and JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.discord.importer import DiscordExporterImporter, looks_like_dce
from spoorvast.importers.chat.discord.package import DiscordPackageImporter, looks_like_package
from tests.chat.helpers import closes, codes, counts, run
from tests.chat.test_whatsapp import write

JAN: dict[str, object] = {"id": "111111111111111111", "name": "janp_fake", "discriminator": "0000",
       "nickname": "Jan", "color": None, "isBot": False, "roles": [],
       "avatarUrl": "https://cdn.discordapp.com/avatars/111111111111111111/a1.png"}
ANNA: dict[str, object] = {"id": "222222222222222222", "name": "anna_fake", "discriminator": "0000",
        "nickname": "Anna", "isBot": False}


def dce_message(mid: str, when: str, content: str, author: dict[str, object],
                **extra: object) -> dict[str, object]:
    return {"id": mid, "type": "Default", "timestamp": when, "timestampEdited": None,
            "callEndedTimestamp": None, "isPinned": False, "content": content,
            "author": author, "attachments": [], "embeds": [], "stickers": [],
            "reactions": [], "mentions": [], **extra}


def dce_export(count: int = 5) -> bytes:
    messages = [
        dce_message("1", "2026-03-04T22:15:07.123+01:00", "Waar is mijn géld <@222>", JAN,
                    mentions=[ANNA]),
        dce_message("2", "2026-03-04T16:16:00-05:00", "stop", ANNA,
                    attachments=[{"id": "9", "url": "https://cdn.discordapp.com/a/9/p.png",
                                  "fileName": "p.png", "fileSizeBytes": 10}],
                    timestampEdited="2026-03-04T16:20:00-05:00",
                    reference={"messageId": "1", "channelId": "5", "guildId": None}),
        {**dce_message("3", "2026-03-04T21:30:00+00:00", "", JAN), "type": "Call",
         "callEndedTimestamp": "2026-03-04T21:31:15+00:00"},
        {**dce_message("4", "2026-03-04T21:40:00+00:00", "Pinned a message.", JAN),
         "type": "ChannelPinnedMessage"},
        dce_message("5", "2026-03-04 21:50:00", "no offset", JAN),
    ]
    return json.dumps({
        "guild": {"id": "0", "name": "Direct Messages", "iconUrl": "x"},
        "channel": {"id": "5", "type": "DirectTextChat", "categoryId": "0",
                    "category": "Private", "name": "janp_fake", "topic": None},
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2026-03-05T10:00:00.000+01:00",
        "messages": messages, "messageCount": count}, indent=2).encode()


def test_dce_expected_values(tmp_path: Path) -> None:
    draft, _ = run(DiscordExporterImporter(), write(tmp_path, "dm.json", dce_export(6)))
    c = counts(draft)
    assert (c["read"], c["events"], c["system"], c["problems"]) == (5, 4, 1, 1)
    assert closes(draft)
    first, second, call, pin = draft.events
    assert first.instant is not None and first.instant.source.value == "explicit"
    assert first.instant.isoformat() == "2026-03-04T22:15:07.123+01:00"
    assert second.instant is not None and second.instant.offset_seconds == -5 * 3600
    assert first.actor == "account:discord:111111111111111111"
    assert dict(second.details)["attachment"] == "https://cdn.discordapp.com/a/9/p.png"
    assert dict(second.details)["reply_to"] == "1"
    assert dict(second.details)["edited"] == "2026-03-04T16:20:00-05:00"
    assert call.kind == "call" and dict(call.details)["duration"] == "75"
    assert pin.kind == "system"
    assert {i.stable_id for i in draft.identifiers} == {"111111111111111111",
                                                        "222222222222222222"}
    mismatch = next(p for p in draft.problems if p.code == "chat.count-mismatch")
    assert dict(mismatch.params) == {"expected": "6", "found": "5"}


PACKAGE_CSV = ("ID,Timestamp,Contents,Attachments\r\n"
               "1149,2026-03-04 21:15:07.123000+00:00,\"Laat me\r\nmet rust\",\r\n"
               "1150,2026-03-04 21:16:00.000000+00:00,kijk,https://cdn.discordapp.com/a/1.png\r\n"
               "1151,gisteren,kapot,\r\n")


def test_package_csv_own_messages_only(tmp_path: Path) -> None:
    draft, _ = run(DiscordPackageImporter(), write(tmp_path, "messages.csv",
                                                   PACKAGE_CSV.encode()))
    assert closes(draft) and counts(draft)["events"] == 2 and counts(draft)["problems"] == 1
    assert draft.events[0].text == "Laat me\r\nmet rust" and draft.events[0].actor is None
    assert draft.events[0].location.line == 2  # type: ignore[union-attr]
    assert draft.events[1].location.line == 4  # type: ignore[union-attr]
    assert "chat.own-messages-only" in codes(draft)
    unreadable = next(p for p in draft.problems if p.code == "chat.unreadable")
    assert dict(unreadable.params)["where"] == "line 5"


def test_package_json_reads_times_as_utc(tmp_path: Path) -> None:
    data = json.dumps([{"ID": 1149, "Timestamp": "2026-03-04 21:15:07", "Contents": "hoi",
                        "Attachments": ""}, 5]).encode()
    draft, _ = run(DiscordPackageImporter(), write(tmp_path, "messages.json", data))
    assert closes(draft) and counts(draft)["events"] == 1
    moment = draft.events[0].instant
    assert moment is not None and moment.zone == "UTC" and moment.isoformat() == (
        "2026-03-04T21:15:07+00:00")
    assert {"chat.utc-assumed", "chat.own-messages-only"} <= set(codes(draft))


def test_detection() -> None:
    assert looks_like_dce(dce_export()) and not looks_like_dce(b'{"messages": []}')
    assert looks_like_package(PACKAGE_CSV.encode()) and looks_like_package(b'[{"ID": 1}]')
    assert not looks_like_package(b"number,datetime\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.text(max_size=12), max_size=6), max_size=8))
def test_fuzzed_csv_never_crashes_and_accounts(tmp_path: Path, rows: list[list[str]]) -> None:
    import csv
    import io
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["ID", "Timestamp", "Contents", "Attachments"])
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8", "surrogatepass")
    draft, _ = run(DiscordPackageImporter(), write(tmp_path, "m.csv", data))
    assert closes(draft)


def test_a_message_id_read_twice_is_kept_and_reported(tmp_path: Path) -> None:
    messages = [dce_message("1", "2026-03-04T22:15:07+01:00", "first", JAN),
                dce_message("2", "2026-03-04T22:16:07+01:00", "second", ANNA),
                dce_message("1", "2026-03-04T22:15:07+01:00", "first, edited copy", JAN)]
    data = json.dumps({"guild": {"id": "0", "name": "Direct Messages"},
                       "channel": {"id": "5", "type": "DirectTextChat", "name": "x"},
                       "messages": messages, "messageCount": 3}, indent=2).encode()
    for importer in (DiscordExporterImporter(), DiscordExporterImporter(whole=True)):
        draft, _ = run(importer, write(tmp_path, "dm.json", data))
        assert closes(draft) and [e.text for e in draft.events] == [
            "first", "second", "first, edited copy"]
        found = [dict(p.params) for p in draft.problems if p.code == "chat.duplicate-id"]
        assert found == [{"where": "/messages/2", "id": "1"}]
