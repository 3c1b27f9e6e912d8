"""Ambiguous day/month order: the user is told (and asked on a terminal), can choose the
order at ``add`` or read the export again from its sealed original with ``reread``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spoorvast.storage.vault import open_vault
from tests.chat.test_whatsapp import make_zip
from tests.conftest import PASSPHRASE, Cli

# every date has both numbers <= 12 and only one date: nothing in the file decides
AMBIGUOUS = ("03/04/2026, 10:15 - Jan Peeters: waar is mijn geld\n"
             "03/04/2026, 10:16 - Anna: morgen\n"
             "doorlopende regel\n"
             "03/04/2026, 10:17 - Jan Peeters: <Media weggelaten>\n")


def add(cli: Cli, path: Path, *options: str) -> tuple[str, str]:
    result = cli("add", *options, str(path))
    assert result.code == 0, result.err
    return result.out, result.err


def instants(cli: Cli) -> list[str]:
    hits = json.loads(cli("search", "--json").out)["hits"]
    return [h["at"] for h in hits]


def test_add_names_the_ambiguity_and_reread_fixes_it(case_vault: Path, cli: Cli,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Jan.txt"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    out, _err = add(cli, path)
    assert "spoorvast reread E-0001 --date-order month-first" in out
    assert "03/04/2026, 10:15" in out and "April 3, 2026" in out and "March 4, 2026" in out
    assert instants(cli)[0].startswith("2026-04-03T10:15")  # day-first: 3 April
    assert cli("mark", "E-0001:m2").code == 0
    path.unlink()  # the file on disk is gone: reading again uses the sealed original
    result = cli("reread", "E-0001", "--date-order", "month-first")
    assert result.code == 0, result.err
    assert instants(cli)[0].startswith("2026-03-04T10:15")  # month-first: 4 March
    marked = json.loads(cli("search", "--marked", "--json").out)["hits"]
    assert [(h["ref"], h["text"]) for h in marked] == [("E-0001:m2", "morgen\ndoorlopende regel")]
    shown = json.loads(cli("show", "E-0001", "--json").out)
    orders = [f["message"] for f in shown["findings"] if f["code"].startswith("chat.date-order")]
    assert len(orders) == 2 and "(chosen)" in orders[1]  # the assumption, then the choice
    assert cli("verify").code == 0
    with open_vault(case_vault, PASSPHRASE) as vault:
        actions = [e.action for e in vault.store.custody("case-1")]
    assert actions.count("events.replaced") == 1
    assert actions.count("event.mark-removed") == 1 and actions.count("event.marked") == 2


def test_the_example_is_a_message_whose_date_reads_two_ways(case_vault: Path, cli: Cli,
                                                            tmp_path: Path) -> None:
    # 03/03 is 3 March either way: the user is pointed to the first message it tells
    path = tmp_path / "WhatsApp Chat with Jan.txt"
    path.write_text("03/03/2026, 21:14 - Jan Peeters: ik weet waar je woont\n"
                    "03/03/2026, 21:15 - Anna: laat me\n"
                    "04/03/2026, 08:02 - Jan Peeters: stuur geld\n", encoding="utf-8")
    out, _err = add(cli, path)
    assert "04/03/2026, 08:02" in out and "03/03/2026, 21:14" not in out
    assert "March 4, 2026" in out and "April 3, 2026" in out
    page_text = "\n".join(line for line in out.splitlines() if "reads as" in line)
    assert page_text.count("2026") == 3, out  # the example and its two readings


def test_an_export_of_one_day_and_month_shows_its_first_message(case_vault: Path, cli: Cli,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Jan.txt"
    path.write_text("03/03/2026, 21:14 - Jan Peeters: ik weet waar je woont\n"
                    "03/03/2026, 21:15 - Anna: laat me\n", encoding="utf-8")
    out, _err = add(cli, path)
    assert "03/03/2026, 21:14" in out and "March 3, 2026" in out


def test_the_order_can_be_given_at_add(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Jan.txt"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    out, _err = add(cli, path, "--date-order", "month-first")
    assert "reread" not in out
    assert instants(cli)[0].startswith("2026-03-04T10:15")
    assert cli("add", "--date-order", "sideways", str(path)).code == 2


def test_a_zipped_export_is_read_again_from_its_sealed_parts(case_vault: Path, cli: Cli,
                                                            tmp_path: Path) -> None:
    chat = ("[03/04/2026, 10:15:07] Jan: \u200e<attached: 00000012-PHOTO-2026-04-03.jpg>\n"
            "[03/04/2026, 10:16:00] Jan: hallo\n")
    path = tmp_path / "WhatsApp Chat - Jan.zip"
    path.write_bytes(make_zip({"_chat.txt": chat.encode(),
                               "00000012-PHOTO-2026-04-03.jpg": b"\xff\xd8photo"}))
    add(cli, path)
    before = json.loads(cli("search", "--json").out)["hits"]
    assert cli("reread", "E-0001", "--date-order", "month-first").code == 0
    after = json.loads(cli("search", "--json").out)["hits"]
    assert [h["at"][:10] for h in after] == ["2026-03-04", "2026-03-04"]
    assert [h["text"] for h in after] == [h["text"] for h in before]
    with open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        events = vault.store.events(case.id or 0)
        assert len(events[0].attachments) == 1  # still the sealed photo
    assert cli("verify").code == 0


def test_only_whatsapp_exports_can_be_read_again(case_vault: Path, cli: Cli,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("just a note\n", encoding="utf-8")
    add(cli, path)
    result = cli("reread", "E-0001", "--date-order", "month-first")
    assert result.code == 2 and "WhatsApp" in result.err
    chat = tmp_path / "WhatsApp Chat with Jan.txt"
    chat.write_text(AMBIGUOUS, encoding="utf-8")
    add(cli, chat)
    assert cli("reread", "E-0002", "--date-order", "sideways").code == 2


def test_show_tells_the_chosen_order_after_reread(case_vault: Path, cli: Cli,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Jan.txt"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    add(cli, path)
    before = json.loads(cli("show", "E-0001", "--json").out)["analysis"]
    assert any(h["step"] == "reread" for h in before["next_steps"])
    assert cli("reread", "E-0001", "--date-order", "month-first").code == 0
    after = json.loads(cli("show", "E-0001", "--json").out)["analysis"]
    assert not any(h["step"] == "reread" for h in after["next_steps"])
    assert after["facts"]["date_order"]["ambiguous"] is False
    assert after["accounting"]["closes"] and after["accounting"]["read"] == 4


def test_on_a_terminal_add_asks_and_reads_again(case_vault: Path, cli: Cli, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from spoorvast.cli import cmd_reread

    asked: list[str] = []

    def answer(text: str, **options: object) -> str:
        asked.append(text)
        return "month-first"

    monkeypatch.setattr(cmd_reread, "_interactive", lambda: True)
    monkeypatch.setattr(cmd_reread.typer, "prompt", answer)
    path = tmp_path / "WhatsApp Chat with Jan.txt"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    out, _err = add(cli, path)
    assert asked == ["Which order is right for E-0001?"]
    assert "E-0001 read again as month-first" in out
    assert instants(cli)[0].startswith("2026-03-04T10:15")


def test_a_korean_two_digit_year_first_file_asks_with_its_year_first_reading(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    """``24. 1. 30. 오후 …``: the Korean AM/PM word says year-first (CLDR ``yy. M. d.``),
    still an assumption: the user is told, with the year-first reading of the example."""
    path = tmp_path / "export.txt"
    path.write_text("24. 1. 30. 오후 8:01 - 김민준: 안녕\n24. 1. 30. 오후 8:02 - 이서연: 응\n",
                    encoding="utf-8")
    out, _err = add(cli, path)
    assert instants(cli)[0].startswith("2024-01-30T20:01")
    assert "year-first" in out and "January 30, 2024" in out
    assert "spoorvast reread E-0001 --date-order day-first" in out
    result = cli("reread", "E-0001", "--date-order", "day-first")
    assert result.code == 0, result.err
    assert instants(cli)[0].startswith("2030-01-24T20:01")
