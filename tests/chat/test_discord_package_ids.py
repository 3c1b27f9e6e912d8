"""Discord's data package with message IDs read twice, across channels and files: each
is a finding with its place; a copy (same ID, time, text, attachments) is not stored a
second time, a record that differs is kept as its own event; the accounting closes."""

from __future__ import annotations

import json
from pathlib import Path

from spoorvast.importers.chat.discord.package import DiscordPackageImporter
from tests.chat.helpers import closes, codes, counts, run
from tests.chat.test_discord_package_zip import newer_package
from tests.chat.test_whatsapp import make_zip, write


def record(message_id: int, text: str, minute: int = 10) -> dict[str, object]:
    return {"ID": message_id, "Timestamp": f"2026-03-04 21:{minute}:07", "Contents": text,
            "Attachments": ""}


def test_ids_read_twice_across_channels_lose_and_double_nothing(tmp_path: Path) -> None:
    copied = record(1001, "laat me 1", 11)  # the DM's second message, copied
    altered = record(1000, "iets anders")  # the DM's first ID, other text
    data = newer_package(**{
        "Messages/c906/channel.json": json.dumps({"id": "906", "type": "DM"}).encode(),
        "Messages/c906/messages.json": json.dumps([copied, altered, record(3000, "nieuw"),
                                                   record(3000, "nieuw")]).encode()})
    draft, _ = run(DiscordPackageImporter(), write(tmp_path, "package.zip", data))
    texts = [e.text for e in draft.events]
    assert texts == ["laat me 0", "laat me 1", "laat me 2", "hallo", "iets anders", "nieuw"]
    assert closes(draft) and counts(draft)["read"] == 8 and counts(draft)["problems"] == 2
    copies = [p for p in draft.problems if p.code == "chat.duplicate-copy"]
    differing = [p for p in draft.problems if p.code == "chat.duplicate-id"]
    assert [dict(p.params) for p in copies] == [{"where": "/0", "id": "1001"},
                                                {"where": "/3", "id": "3000"}]
    assert [dict(p.params) for p in differing] == [{"where": "/1", "id": "1000"}]
    c906 = {e.location.artifact_sha256 for e in draft.events  # type: ignore[union-attr]
            if dict(e.details)["channel_id"] == "906"}
    assert {p.location.artifact_sha256 for p in copies} == c906  # type: ignore[union-attr]


def test_a_csv_file_with_a_row_twice(tmp_path: Path) -> None:
    data = make_zip({"messages/31/messages.csv": b"ID,Timestamp,Contents,Attachments\r\n"
                     b"1,2026-03-04 21:15:07+00:00,stop,\r\n"
                     b"1,2026-03-04 21:15:07+00:00,stop,\r\n"
                     b"2,2026-03-04 21:16:07+00:00,nee,\r\n"})
    draft, _ = run(DiscordPackageImporter(), write(tmp_path, "package.zip", data))
    assert [e.text for e in draft.events] == ["stop", "nee"] and closes(draft)
    assert codes(draft).count("chat.duplicate-copy") == 1
    where = next(p for p in draft.problems if p.code == "chat.duplicate-copy")
    assert dict(where.params)["where"] == "line 3"


def test_many_copies_are_summed_after_the_first_hundred(tmp_path: Path) -> None:
    rows = [record(5, "zelfde")] * 150
    data = make_zip({"Messages/c1/messages.json": json.dumps(rows).encode()})
    draft, _ = run(DiscordPackageImporter(), write(tmp_path, "package.zip", data))
    assert len(draft.events) == 1 and closes(draft) and counts(draft)["problems"] == 149
    assert codes(draft).count("chat.duplicate-copy") == 100
    more = next(p for p in draft.problems if p.code == "chat.duplicate-copy-more")
    assert dict(more.params) == {"count": "49"}
