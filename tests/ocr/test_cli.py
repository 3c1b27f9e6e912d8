"""Quick CLI checks on a tiny picture: messages in Dutch, missing language data."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli
from tests.ocr.test_bad_input import encoded, text_picture


def test_small_picture_in_dutch(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    picture = tmp_path / "kort.png"
    picture.write_bytes(encoded(text_picture("Mail ik@example.be"), "PNG"))
    assert cli("add", str(picture), "--no-read").code == 0
    read = cli("--lang", "nl", "ocr")
    assert read.code == 0
    assert read.out.strip() == "E-0001: 1 bericht en 1 identificatie voorgesteld."
    again = cli("--lang", "nl", "ocr")
    assert again.code == 0 and "al gelezen" in again.err
    listed = cli("--lang", "nl", "proposals")
    assert "Voorstel" in listed.out and "gelezen e-mailadres" in listed.out
    assert "ik@example.be" in listed.out
    shown = cli("--lang", "nl", "show", "E-0001")
    assert "Mail ik@example.be" in shown.out and "spoorvast proposals E-0001" in shown.out
    assert cli("confirm", "E-0001", "--day", "12-03-2024").code == 2


def test_missing_language_data_is_named(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    picture = tmp_path / "kort.png"
    picture.write_bytes(encoded(text_picture("Hallo"), "PNG"))
    assert cli("add", str(picture), "--no-read").code == 0
    result = cli("ocr", "--languages", "nld+xyz")
    assert result.code == 2 and "tesseract-ocr-xyz" in result.err
    assert cli("ocr-text", "E-0001").code == 2


def test_text_read_from_pictures_is_searchable(case_vault: Path, cli: Cli,
                                               tmp_path: Path) -> None:
    picture = tmp_path / "dreiging.png"
    picture.write_bytes(encoded(text_picture("Betaal of ik kom langs"), "PNG"))
    assert cli("add", str(picture), "--no-read").code == 0
    assert cli("ocr").code == 0
    import json

    found = json.loads(cli("search", "betaal langs", "--json").out)
    assert [p["item"] for p in found["pictures"]] == ["E-0001"]
    assert "Betaal" in found["pictures"][0]["snippet"]
    assert json.loads(cli("search", "nowhere", "--json").out)["pictures"] == []
    shown = cli("search", "BETAAL")
    assert "E-0001" in shown.out
