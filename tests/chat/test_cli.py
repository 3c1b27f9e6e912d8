"""The conversation commands end to end on a real vault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spoorvast.storage.vault import open_vault
from tests.chat.whatsapp_samples import SAMPLES
from tests.conftest import PASSPHRASE, Cli


def add_chat(cli: Cli, tmp_path: Path) -> Path:
    path = tmp_path / "WhatsApp-chat met Jan.txt"
    path.write_bytes(SAMPLES[1].text.encode())
    result = cli("add", "--json", str(path))
    assert result.code == 0, result.err
    assert json.loads(result.out)[0]["kind"] == "conversation"
    return path


def test_search_folds_diacritics_and_filters(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    add_chat(cli, tmp_path)
    found = json.loads(cli("search", "geld", "--json").out)
    assert [h["text"] for h in found["hits"]] == ["Waar is mijn géld"]
    assert found["hits"][0]["ref"] == "E-0001:m2"
    assert json.loads(cli("search", "GÉLD", "--json").out)["total"] == 1
    assert json.loads(cli("search", "--from", "2026-03-05", "--json").out)["total"] == 1
    assert json.loads(cli("search", "ge*", "--json").out)["total"] == 1
    assert json.loads(cli("search", '"geld" OR', "--json").out)["total"] == 0
    assert cli("search", "x", "--party", "Nobody").code == 2


def test_participants_assign_and_party_filter(case_vault: Path, cli: Cli,
                                              tmp_path: Path) -> None:
    add_chat(cli, tmp_path)
    listed = json.loads(cli("participants", "E-0001", "--json").out)
    assert [(p["value"], p["events"]) for p in listed] == [("Jan Peeters", 2), ("Anna", 1)]
    result = cli("participants", "E-0001", "--suspect", "Jan Peeters", "--party", "X",
                 "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)[0]["party"] == "X"
    hits = json.loads(cli("search", "--party", "X", "--json").out)["hits"]
    assert {h["actor"] for h in hits} == {"name:whatsapp:Jan Peeters"}
    assert cli("verify").code == 0


def test_mark_and_unmark_go_through_custody(case_vault: Path, cli: Cli,
                                            tmp_path: Path) -> None:
    add_chat(cli, tmp_path)
    assert cli("mark", "E-0001:m2", "E-0001:m3").code == 0
    assert json.loads(cli("search", "--marked", "--json").out)["total"] == 2
    assert cli("unmark", "E-0001:m3").code == 0
    assert json.loads(cli("search", "--marked", "--json").out)["total"] == 1
    assert cli("mark", "E-0001:m99").code == 6
    shown = json.loads(cli("show", "E-0001", "--json").out)
    assert [e["action"] for e in shown["custody"]].count("event.marked") == 0  # per message
    with open_vault(case_vault, PASSPHRASE) as vault:
        actions = [e.action for e in vault.store.custody("case-1")]
    assert actions.count("event.marked") == 2 and actions.count("event.unmarked") == 1
    assert cli("verify").code == 0


def test_tampering_with_events_or_marks_is_found(case_vault: Path, cli: Cli,
                                                 tmp_path: Path) -> None:
    add_chat(cli, tmp_path)
    cli("mark", "E-0001:m2")
    with open_vault(case_vault, PASSPHRASE) as vault:
        vault.store.conn.execute("UPDATE event_rows SET marked = NULL WHERE seq = 2")
        vault.store.conn.execute("UPDATE event_rows SET marked = 1 WHERE seq = 4")
        vault.store.conn.execute("UPDATE event_rows SET text = 'changed' WHERE seq = 3")
    result = cli("verify", "--json")
    assert result.code == 9
    problems = {(p["code"], p["subject"]) for p in json.loads(result.out)["problems"]}
    assert ("row-missing", "event-mark #2") in problems
    assert ("row-without-custody", "event-mark #4") in problems
    assert ("row-changed", "events #1") in problems


def test_same_export_twice_is_a_duplicate(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    path = add_chat(cli, tmp_path)
    again = json.loads(cli("add", "--json", str(path)).out)
    assert again[0]["status"] == "duplicate"
    assert json.loads(cli("search", "geld", "--json").out)["total"] == 1


def test_typed_call_and_calls(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    result = cli("call", "add", "--number", "0470 12 34 56", "--at", "2026-03-04 22:15",
                 "--direction", "in", "--duration", "75")
    assert result.code == 0, result.err
    add_chat(cli, tmp_path)
    calls = json.loads(cli("calls", "--json").out)
    assert calls == [{"ref": "E-0001:m1", "at": "2026-03-04T22:15+01:00",
                      "number": "+32470123456", "actor": "phone:+32470123456",
                      "direction": "in", "duration_seconds": 75, "media": None,
                      "source": "typed-call"}]
    assert cli("call", "add", "--number", "hello", "--at", "2026-03-04 22:15",
               "--direction", "in").code == 2
    assert cli("verify").code == 0


def test_typed_call_with_a_hidden_number_and_the_own_number(case_vault: Path,
                                                            cli: Cli) -> None:
    assert cli("party", "add", "victim", "Me").code == 0
    result = cli("call", "add", "--hidden", "--called", "0499 11 22 33", "--at",
                 "2026-03-04 22:15", "--direction", "missed")
    assert result.code == 0, result.err
    calls = json.loads(cli("calls", "--json").out)
    assert [(c["number"], c["actor"], c["direction"]) for c in calls] == [
        (None, None, "missed")]
    own = json.loads(cli("party", "show", "Me", "--json").out)
    assert "+32499112233" in json.dumps(own)
    rows = {r["element"]: r for r in json.loads(cli("checklist", "--json").out)}
    assert rows["called-number"]["status"] == "present"
    assert cli("call", "add", "--at", "2026-03-04 22:15", "--direction", "in").code == 2
    assert cli("call", "add", "--hidden", "--number", "0470 12 34 56", "--at",
               "2026-03-04 22:15", "--direction", "in").code == 2
    assert cli("verify").code == 0


@pytest.mark.slow
def test_narrow_tables_keep_references_times_and_numbers_whole(
        case_vault: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # piped output is 80 columns wide (or COLUMNS): what a user reads out to the police
    # is not cut with an ellipsis; the other columns fold
    assert cli("call", "add", "--number", "0470 12 34 56", "--at", "2026-03-04 22:15",
               "--direction", "missed").code == 0
    add_chat(cli, tmp_path)
    for width in ("80", "64"):
        monkeypatch.setenv("COLUMNS", width)
        calls = cli("calls").out
        assert "E-0001:m1" in calls and "2026-03-04T22:15+01:00" in calls
        assert "+32470123456" in calls and "…" not in calls
        found = cli("search", "geld").out
        hit = json.loads(cli("search", "geld", "--json").out)["hits"][0]
        assert hit["ref"] in found and hit["at"] in found
        items = cli("items").out
        assert "E-0001" in items and "E-0002" in items
        acquired = json.loads(cli("items", "--json").out)[0]["acquired_at"]["local"]
        assert acquired.split(".")[0] + acquired[-6:] in items  # to the second, one line
        assert all(len(line) <= int(width) for line in calls.splitlines() + found.splitlines())
        sha = json.loads(cli("items", "--json").out)[1]["sha256"]
        assert len(sha) == 64 and sha in "".join(cli("show", "E-0002").out.split())


def test_add_tells_errors_and_warnings_at_once(case_vault: Path, cli: Cli,
                                               tmp_path: Path) -> None:
    messages = [{"id": n, "type": "message", "date": f"2026-03-04T10:{n:02d}:00",
                 "date_unixtime": str(1772614800 + n * 60), "from": "Jan Peeters",
                 "from_id": "user111", "text": f"bericht {n}"} for n in range(10)]
    whole = json.dumps({"name": "Jan Peeters", "type": "personal_chat", "id": 111,
                        "messages": messages}, indent=1)
    cut = tmp_path / "result.json"
    cut.write_text(whole[:len(whole) // 2], encoding="utf-8")
    out = cli("add", str(cut)).out
    assert f"E-0001: The JSON ends early (at byte {len(whole) // 2})" in out
    # more findings than are shown: errors first, then where to read the rest
    calls = tmp_path / "calls.csv"
    calls.write_text("number,datetime,direction\n" + "".join(
        f"0470 12 34 5{n},not a time,in\n" for n in range(5)), encoding="utf-8")
    out = cli("add", str(calls)).out
    lines = [line for line in out.splitlines() if line.startswith("E-0002: ")]
    assert len(lines) == 4 and lines[-1] == "E-0002: 2 more findings: spoorvast show E-0002"
    shown = json.loads(cli("show", "E-0002", "--json").out)["findings"]
    assert len([f for f in shown if f["severity"] != "info"]) == 5
    assert json.loads(cli("add", "--json", str(tmp_path / "result.json")).out)[0][
        "status"] == "duplicate"  # --json prints only the JSON
