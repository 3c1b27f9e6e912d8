"""Which items go into the dossier: ``--only`` / ``--leave-out`` in the CLI, checkboxes
(all ticked) on the web form, both through ``DossierOptions.left_out``; a left-out item
is absent from the PDF and the bundle, named as left out at the user's request, and
stays sealed in the vault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spoorvast.errors import UserError
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.base import case_chain
from spoorvast.web import dossier_options
from tests.conftest import PASSPHRASE, Cli
from tests.dossier.test_pdf import flat, text_of

NOTES = {"eerste.txt": "Eerste bericht: hij stond aan de deur.\n",
         "tweede.txt": "Tweede bericht: GEHEIM-UIT-DOSSIER.\n",
         "derde.txt": "Derde bericht: weer een oproep.\n"}


@pytest.fixture
def three(case_vault: Path, cli: Cli, tmp_path: Path) -> Path:
    for name, text in NOTES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert cli("add", str(tmp_path / name), "--no-read").code == 0
    return case_vault


def _dossier(cli: Cli, out: Path, *argv: str) -> dict[str, object]:
    result = cli("dossier", "--out", str(out), "--no-zip", "--json", *argv)
    assert result.code == 0, result.err
    made: dict[str, object] = json.loads(result.out)
    return made


@pytest.mark.slow  # builds a PDF
def test_leave_out_in_the_cli(three: Path, cli: Cli, tmp_path: Path) -> None:
    made = _dossier(cli, tmp_path / "out", "--leave-out", "E-0002")
    text = flat(text_of(Path(str(made["pdf"]))))
    assert "GEHEIM-UIT-DOSSIER" not in text and "tweede.txt" not in text
    assert "eerste.txt" in text and "derde.txt" in text
    assert "Op verzoek van de gebruiker weggelaten: E-0002 (1 bewijsstuk)" in text
    manifest = (Path(str(made["folder"])) / "manifest.json").read_text(encoding="utf-8")
    assert "tweede.txt" not in manifest and "eerste.txt" in manifest
    originals = [p.name for p in (Path(str(made["folder"])) / "originals").rglob("*")]
    assert not any("tweede" in name for name in originals)
    with vaultlib.open_vault(three, PASSPHRASE, writable=False) as vault:
        assert [i.label for i in vault.store.items(1)] == ["E-0001", "E-0002", "E-0003"]
        assert vault.store.hidden_item_ids(1) == ()  # nothing changed in the vault
        logged = [e for e in vault.store.custody(case_chain(1)) if e.action == "dossier.created"]
        assert logged[-1].payload["left_out"] == ["E-0002"]


@pytest.mark.slow  # a vault and three CLI adds (seconds here)
def test_only_and_leave_out_name_the_same_items(three: Path, cli: Cli) -> None:
    from spoorvast.cli.cmd_dossier import _left_out
    from spoorvast.services import cases as case_service

    with vaultlib.open_vault(three, PASSPHRASE, writable=False) as vault:
        case = case_service.current_case(vault, None)
        assert _left_out(vault, case, "E-0001,3", None) == ("E-0002",)
        assert _left_out(vault, case, None, "E-0002") == ("E-0002",)
        assert _left_out(vault, case, "E-0001", "E-0001") == ("E-0001", "E-0002", "E-0003")
        assert _left_out(vault, case, None, None) == ()
        with pytest.raises(UserError):
            _left_out(vault, case, "E-0009", None)
        assert dossier_options.left_out(vault, case, "1", ["E-0001", "E-0003"]) == ("E-0002",)
        assert dossier_options.left_out(vault, case, "", []) == ()  # no boxes: all in
        with pytest.raises(UserError):
            dossier_options.left_out(vault, case, "1", [])  # nothing ticked
        items = dossier_options.choices(case, vault)["items"]
        assert [label for label, _title, _kind in items] == ["E-0001", "E-0002", "E-0003"]
