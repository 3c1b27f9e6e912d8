"""The JSON, XML and CSV conversation formats end to end on a real vault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.chat.telegram_samples import dump, full_export
from tests.conftest import Cli


def add(cli: Cli, path: Path, kind: str = "conversation") -> dict[str, object]:
    result = cli("add", "--json", str(path))
    assert result.code == 0, result.err
    added: dict[str, object] = json.loads(result.out)[0]
    assert added["kind"] == kind, added
    return added


def test_telegram_export_end_to_end(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(dump(full_export()))
    add(cli, path)
    found = json.loads(cli("search", "geld", "--json").out)
    assert [h["text"] for h in found["hits"]] == ["Waar is mijn géld"]
    calls = json.loads(cli("calls", "--json").out)
    assert [(c["direction"], c["duration_seconds"], c["source"]) for c in calls] == [
        ("in", 75, "telegram"), ("missed", None, "telegram")]
    listed = json.loads(cli("participants", "E-0001", "--json").out)
    assert {p["key"] for p in listed} >= {"account:telegram:user111111111"}
    assert cli("verify").code == 0


@pytest.mark.slow
def test_phone_backup_meta_discord_and_csv_end_to_end(case_vault: Path, cli: Cli,
                                                      tmp_path: Path) -> None:
    from tests.chat.meta_samples import dump as meta_dump
    from tests.chat.meta_samples import thread
    from tests.chat.sms_samples import CALLS_FILE, SMS_FILE
    from tests.chat.test_calllog_csv import EXAMPLE
    from tests.chat.test_discord import PACKAGE_CSV, dce_export

    files = {"sms-20260305.xml": (SMS_FILE.encode(), "conversation"),
             "calls-20260305.xml": (CALLS_FILE.encode(), "call-log"),
             "message_1.json": (meta_dump(thread(), bom=True), "conversation"),
             "dm.json": (dce_export(), "conversation"),
             "messages.csv": (PACKAGE_CSV.encode(), "conversation"),
             "oproepen.csv": (EXAMPLE.encode(), "call-log")}
    importers: list[str] = []
    for name, (data, kind) in files.items():
        (tmp_path / name).write_bytes(data)
        add(cli, tmp_path / name, kind)
        shown = json.loads(cli("show", f"E-{len(importers) + 1:04d}", "--json").out)
        importers.append(shown["importer"])
    assert importers == ["sms-backup-restore", "sms-backup-restore", "meta-messages",
                         "discord-chat-exporter", "discord-package", "call-log-csv"]
    found = json.loads(cli("search", "geld", "--json").out)
    assert found["total"] == 3  # sms, instagram, discord (diacritics folded)
    calls = json.loads(cli("calls", "--json").out)
    assert len(calls) == 4 + 1 + 1 + 3
    assert {c["source"] for c in calls} == {"sms-backup-restore", "meta-messages",
                                            "discord-chat-exporter", "call-log-csv"}
    assert cli("mark", "E-0001:m1").code == 0
    assert cli("verify").code == 0
