"""``spoorvast add`` reads the text of the pictures it added (as the web app does after
an upload, through the same service), unless ``--no-read`` or the vault setting
``ocr.after-add`` says not to; in-process CLI runs on a tiny synthetic picture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spoorvast.services import read_added
from spoorvast.storage import vault as vaultlib
from tests.conftest import PASSPHRASE, Cli
from tests.ocr.test_bad_input import encoded, text_picture


def _picture(folder: Path) -> Path:
    picture = folder / "kort.png"
    picture.write_bytes(encoded(text_picture("Mail ik@example.be"), "PNG"))
    return picture


def _note(folder: Path) -> Path:
    note = folder / "notitie.txt"
    note.write_text("Geen afbeelding.\n", encoding="utf-8")
    return note


@pytest.mark.slow  # one Tesseract run
def test_add_reads_the_pictures_it_added(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    added = cli("--lang", "nl", "add", str(_picture(tmp_path)), str(_note(tmp_path)))
    assert added.code == 0, added.err
    assert "E-0001: 1 bericht en 1 identificatie voorgesteld." in added.out
    assert "Tekst gelezen uit 1 afbeelding." in added.err
    assert "E-0002" not in added.out.split("voorgesteld.")[-1]  # the note is no picture
    assert "Mail ik@example.be" in cli("ocr-text", "E-0001").out
    again = cli("--lang", "nl", "ocr")
    assert again.code == 0 and "al gelezen" in again.err


@pytest.mark.slow  # one Tesseract run
def test_add_json_reads_quietly(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    added = cli("add", str(_picture(tmp_path)), "--json")
    assert added.code == 0
    assert [r["status"] for r in json.loads(added.out)] == ["added"]  # the same JSON
    assert cli("ocr", "--json").out.strip() == "[]"  # already read


@pytest.mark.slow  # a vault and CLI runs (seconds here)
def test_no_read_leaves_the_pictures_for_ocr(case_vault: Path, cli: Cli,
                                             tmp_path: Path) -> None:
    added = cli("add", str(_picture(tmp_path)), "--no-read")
    assert added.code == 0 and "proposed" not in added.out and "read" not in added.err
    assert cli("ocr-text", "E-0001").code == 2  # not read yet


@pytest.mark.slow  # a vault and CLI runs (seconds here)
def test_the_vault_setting_turns_it_off(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    vault = vaultlib.open_vault(case_vault, PASSPHRASE)
    try:
        assert read_added.enabled(vault)  # on unless turned off
        with vault.store.transaction() as tx:
            tx.set_setting(read_added.SETTING, "0")
    finally:
        vault.close()
    added = cli("add", str(_picture(tmp_path)))
    assert added.code == 0 and "proposed" not in added.out
    assert cli("ocr-text", "E-0001").code == 2
