"""``spoorvast show`` on conversations and call logs, end to end on a real vault: the
counts per kind, the time range with its offset and how it is known, the participants
and their party, the import accounting and the decisive findings, printed and in JSON."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from spoorvast.model.records import Finding, Severity
from spoorvast.services.conversation_facts import read_facts
from spoorvast.storage.sqlite import SqliteStore
from spoorvast.storage.vault import open_vault
from tests.chat.sms_samples import CALLS_FILE, SMS_FILE
from tests.chat.telegram_samples import dump, full_export
from tests.chat.test_discord import PACKAGE_CSV
from tests.chat.whatsapp_samples import SAMPLES
from tests.conftest import PASSPHRASE, Cli


def add(cli: Cli, path: Path, data: bytes) -> str:
    path.write_bytes(data)
    result = cli("add", "--json", str(path))
    assert result.code == 0, result.err
    label: str = json.loads(result.out)[0]["items"][0]
    return label


def analysis(cli: Cli, label: str) -> dict[str, Any]:
    result = cli("show", label, "--json")
    assert result.code == 0, result.err
    found: dict[str, Any] = json.loads(result.out)["analysis"]
    return found


def shown(cli: Cli, label: str, *options: str) -> str:
    result = cli(*options, "show", label)
    assert result.code == 0, result.err
    return result.out


def people(data: dict[str, Any]) -> list[tuple[str | None, int, str | None]]:
    return [(p["key"], p["events"], p["party"]) for p in data["participants"]]


def whatsapp(cli: Cli, tmp_path: Path, sample: int = 1) -> str:
    return add(cli, tmp_path / "WhatsApp-chat met Jan.txt", SAMPLES[sample].text.encode())


def test_whatsapp_json_counts_time_range_participants_accounting(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    data = analysis(cli, whatsapp(cli, tmp_path))
    assert data["events"] == 4
    assert data["kinds"] == [{"kind": "message", "count": 3}, {"kind": "system", "count": 1}]
    first, last = data["time_range"]["first"], data["time_range"]["last"]
    assert (first["ref"], first["local"], first["utc"]) == (
        "E-0001:m1", "2026-03-04T22:15+01:00", "2026-03-04T21:15:00+00:00")
    assert (first["offset"], first["offset_source"], first["zone"]) == (
        "+01:00", "assumed-zone", "Europe/Brussels")
    assert (last["ref"], last["local"]) == ("E-0001:m4", "2026-03-05T08:00+01:00")
    assert data["time_range"]["undated"] == 0
    assert people(data) == [("name:whatsapp:Jan Peeters", 2, None),
                            ("name:whatsapp:Anna", 1, None), (None, 1, None)]
    assert [p["weak"] for p in data["participants"]] == [True, True, False]
    assert data["accounting"] == {"read": 5, "events": 4, "system": 1, "continued": 1,
                                  "problems": 0, "closes": True, "stored": 4}
    facts = data["facts"]
    assert facts["date_order"] == {"order": "day/month/year", "rule": "separator",
                                   "ambiguous": False}
    assert facts["time_zone"] == {"zone": "Europe/Brussels", "events": None}
    assert facts["attachments"] == {"missing": 1, "refused": 0, "unreferenced": 0,
                                     "undecodable": 0}
    assert facts["truncated"] is None and facts["stopped"] is None and facts["other"] == []
    assert [h["step"] for h in data["next_steps"]] == ["assign", "search", "mark"]
    assert data["next_steps"][0]["command"] == (
        'spoorvast participants E-0001 --suspect "<name>"')


def test_whatsapp_printed_before_and_after_a_party_is_assigned(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    label = whatsapp(cli, tmp_path)
    text = shown(cli, label)
    for fact in ("Conversation", "4 (3 messages, 1 system line)",
                 "2026-03-04T22:15+01:00 (UTC+01:00, zone Europe/Brussels assumed), E-0001:m1",
                 "read 5 = events 4 + continuation lines 1 + not read 0: the accounting closes",
                 "day/month/year (separator)", "local times read in Europe/Brussels",
                 "1 missing from the export", "name only (weak identity)",
                 'spoorvast participants E-0001 --suspect "<name>"',
                 'spoorvast search --item E-0001 "<words>"', "spoorvast mark E-0001:m2"):
        assert fact in text, fact
    assert text.index("Custody log") < text.index("Conversation")  # after the generic part
    assert cli("participants", label, "--suspect", "Jan Peeters", "--party", "X").code == 0
    data = analysis(cli, label)
    assert people(data)[0] == ("name:whatsapp:Jan Peeters", 2, "X")
    assert data["participants"][0]["role"] == "suspect"
    assert [h["step"] for h in data["next_steps"]] == ["search", "mark"]
    text = shown(cli, label)
    assert "X (suspect)" in text and "--suspect" not in text


def test_ambiguous_date_order_is_shown_with_the_way_to_read_again(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    label = add(cli, tmp_path / "WhatsApp Chat with Jan.txt", (
        b"[04/03/2026, 22:15:07] Jan Peeters: hello\n"
        b"[05/03/2026, 08:00:01] Jan Peeters: again\n"))
    data = analysis(cli, label)
    assert data["facts"]["date_order"] == {"order": "day/month/year", "rule": None,
                                           "ambiguous": True}
    text = shown(cli, label)
    assert "day/month/year, assumed" in text
    from spoorvast.cli.app import COMMAND_MODULES

    if "spoorvast.cli.cmd_reread" in COMMAND_MODULES:
        assert data["next_steps"][-1] == {
            "step": "reread", "command": f"spoorvast reread {label} --date-order month-first"}
        assert cli("reread", "--help").code == 0  # the hint names a real command


def test_telegram_counts_epoch_times_and_accounts(case_vault: Path, cli: Cli,
                                                  tmp_path: Path) -> None:
    data = analysis(cli, add(cli, tmp_path / "result.json", dump(full_export())))
    assert data["events"] == 9
    assert data["kinds"] == [{"kind": "message", "count": 6}, {"kind": "call", "count": 2},
                             {"kind": "system", "count": 1}]
    first, last = data["time_range"]["first"], data["time_range"]["last"]
    assert (first["local"], first["offset_source"]) == ("2026-03-04T22:15:07+01:00", "epoch")
    assert (last["ref"], last["utc"]) == ("E-0001:m9", "2026-03-06T10:00:00+00:00")
    assert people(data)[:2] == [("account:telegram:user111111111", 6, None),
                                ("account:telegram:user222222222", 3, None)]
    assert data["participants"][0]["shown"] == "Jan Peeters (user111111111)"
    assert not data["participants"][0]["weak"]
    assert data["accounting"] == {"read": 11, "events": 9, "system": 1, "continued": 0,
                                  "problems": 2, "closes": True, "stored": 9}
    assert data["facts"]["time_zone"] is None
    assert data["facts"]["other"] == [{"code": "chat.unreadable", "count": 2}]
    text = shown(cli, "E-0001")
    assert "9 (6 messages, 2 calls, 1 system line)" in text
    assert "(UTC+01:00, from a UTC clock)" in text and "2 other findings, listed above" in text
    assert {p["kind"] for p in data["participants"]} == {"account", "phone"}  # no URLs
    quiet = sum(1 for p in data["participants"] if not p["events"])
    assert quiet == 3 and "@janp_fake" not in text
    assert "3 more identifiers without events of their own: spoorvast participants E-0001" in text


def test_sms_and_call_backups(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    sms = analysis(cli, add(cli, tmp_path / "sms-20260305.xml", SMS_FILE.encode()))
    assert sms["kinds"] == [{"kind": "message", "count": 4}]
    assert people(sms) == [("phone:+32470123456", 3, None), (None, 1, None),
                           ("name:sms:Jan", 0, None), ("phone:+32471987654", 0, None)]
    assert sms["time_range"]["first"]["local"] == "2026-03-04T22:15:07.000+01:00"
    assert sms["time_range"]["first"]["offset_source"] == "epoch"
    assert sms["accounting"]["closes"] and sms["accounting"]["problems"] == 1
    calls = analysis(cli, add(cli, tmp_path / "calls-20260305.xml", CALLS_FILE.encode()))
    assert calls["events"] == 4 and calls["kinds"] == [{"kind": "call", "count": 4}]
    assert (calls["time_range"]["first"]["ref"], calls["time_range"]["last"]["ref"]) == (
        "E-0002:m1", "E-0002:m4")
    assert calls["accounting"] == {"read": 4, "events": 4, "system": 0, "continued": 0,
                                   "problems": 0, "closes": True, "stored": 4}
    text = shown(cli, "E-0002")
    assert "4 (4 calls)" in text and "+32471987654" in text and "phone number" in text
    assert "1 more identifier without events of its own" in text  # the contact name


def test_discord_package_holds_one_side_only(case_vault: Path, cli: Cli,
                                            tmp_path: Path) -> None:
    data = analysis(cli, add(cli, tmp_path / "messages.csv", PACKAGE_CSV.encode()))
    assert data["facts"]["own_messages_only"] is True
    assert data["facts"]["time_zone"] is None  # the timestamps carry +00:00
    assert data["time_range"]["first"]["offset_source"] == "explicit"
    assert people(data) == [(None, 2, None)]
    assert [h["step"] for h in data["next_steps"]] == ["search", "mark"]  # nobody to assign
    assert "the other side is not in this export" in shown(cli, "E-0001")


def test_shown_in_the_readers_language(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    text = shown(cli, whatsapp(cli, tmp_path), "--lang", "nl")
    assert "Gesprek" in text and "Deelnemers" in text and "de telling klopt" in text
    assert "alleen een naam (zwakke identiteit)" in text
    assert "4 (3 berichten, 1 systeemregel)" in text and "dag/maand/jaar" in text


def test_a_file_that_did_not_read_as_an_export_has_no_section(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    label = add(cli, tmp_path / "WhatsApp Chat with Jan.txt", b"no chat here\nat all\n")
    result = json.loads(cli("show", label, "--json").out)
    assert (result["kind"], result["importer"], result["analysis"]) == ("file", "whatsapp",
                                                                        None)


def big_export(messages: int) -> bytes:
    start, lines = datetime(2026, 1, 14, 8, 0), []
    for n in range(messages):
        at = start + timedelta(minutes=n)
        who = "Jan Peeters" if n % 3 else "+32 470 12 34 56"
        lines.append(f"{at:%d/%m/%Y, %H:%M} - {who}: bericht {n}\n")
    lines.append(f"{at:%d/%m/%Y, %H:%M} - Jan Peeters: IMG-20260305-WA0001.jpg "
                 "(file attached)\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("WhatsApp Chat with Jan Peeters.txt", "".join(lines))
        archive.writestr("IMG-20260305-WA0001.jpg", b"\xff\xd8\xff synthetic")
        archive.writestr("PTT-20260305-WA0002.opus", b"OggS synthetic")
    return buffer.getvalue()


def test_a_20000_message_export_is_summarised_from_counts(
        case_vault: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    label = add(cli, tmp_path / "WhatsApp Chat with Jan Peeters.zip", big_export(20_000))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("show must not load every event of the item")

    monkeypatch.setattr(SqliteStore, "events", refuse)
    with open_vault(case_vault, PASSPHRASE) as vault, pytest.raises(AssertionError):
        vault.store.events(1, 1)  # the guard is in place
    data = analysis(cli, label)
    assert data["events"] == 20_001 and data["kinds"] == [{"kind": "message", "count": 20_001}]
    assert [(p["shown"], p["events"]) for p in data["participants"]] == [
        ("Jan Peeters", 13_334), ("+32470123456", 6_667)]
    assert data["accounting"]["closes"] and data["accounting"]["stored"] == 20_001
    assert data["facts"]["truncated"] == {"count": 20_001, "limit": 10_000,
                                          "media": "with media"}
    assert data["facts"]["attachments"] == {"missing": 0, "refused": 0,
                                            "unreferenced": 1, "undecodable": 0}
    assert data["time_range"]["first"]["local"] == "2026-01-14T08:00+01:00"
    assert data["time_range"]["last"]["ref"] == f"{label}:m20000"
    text = shown(cli, label)
    assert "older messages may be missing" in text and "0 missing from the export" in text


def finding(code: str, **params: str) -> Finding:
    return Finding(None, 1, 1, Severity.WARNING, code, tuple(params.items()))


def test_facts_count_places_and_read_a_stopped_import() -> None:
    facts = read_facts([
        finding("chat.encoding", where="line 3", encoding="Windows-1252"),
        finding("chat.encoding", where="37 more lines", encoding="Windows-1252"),
        finding("chat.mojibake-repaired", count="6"),
        finding("chat.escapes-repaired", count="2"),
        finding("chat.surrogates", where="4 texts"),
        finding("chat.times-without-epoch", count="3", zone="Europe/Brussels"),
        finding("import.stopped", importer="telegram", count="812", error="MemoryError"),
        finding("chat.attachment-missing", where="line 4"),
        finding("chat.attachments-more", count="12", where="line 40"),
        finding("chat.attachment-refused", where="line 5", reason="a link"),
        finding("chat.dst-gap", where="line 9", time="02:30", zone="Europe/Brussels"),
        finding("chat.dst-gap", where="line 10", time="02:31", zone="Europe/Brussels"),
    ])
    assert (facts.repairs.not_utf8, facts.repairs.mojibake, facts.repairs.escapes,
            facts.repairs.surrogates) == (38, 6, 2, 4)
    assert (facts.time_zone.zone, facts.time_zone.events) == (  # type: ignore[union-attr]
        "Europe/Brussels", 3)
    assert facts.stopped is not None and (facts.stopped.importer, facts.stopped.after,
                                          facts.stopped.error) == ("telegram", 812,
                                                                   "MemoryError")
    assert [(c.code, c.count) for c in facts.other] == [("chat.dst-gap", 2)]
    assert (facts.attachments.missing, facts.attachments.refused) == (13, 1)
    assert facts.date_order is None and facts.truncated is None
