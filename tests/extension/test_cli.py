"""The CLI and the inbox: a read-only command says captures wait; a command that opens
the vault for writing seals them and says as which items."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoorvast.storage import inbox
from spoorvast.storage import vault as vaultlib
from tests.conftest import PASSPHRASE, Cli
from tests.extension.pages import SECRET
from tests.extension.test_inbox import send_capture


def test_commands_say_and_seal_what_waits(case_vault: Path, cli: Cli) -> None:
    with vaultlib.open_vault(case_vault, PASSPHRASE) as vault:
        inbox.ensure_keys(vault.root, vault.keyring)
    send_capture(case_vault)
    listed = cli("case", "list")
    assert listed.code == 0 and "1 capture made in your browser waits" in listed.err
    used = cli("case", "use", "1")
    assert used.code == 0, used.err
    assert "1 capture made in your browser was sealed from the inbox: E-0001." in used.err
    assert inbox.entries(case_vault) == []
    assert cli("verify").code == 0


def test_show_gives_the_browser_capture_record(case_vault: Path, cli: Cli) -> None:
    with vaultlib.open_vault(case_vault, PASSPHRASE) as vault:
        inbox.ensure_keys(vault.root, vault.keyring)
    send_capture(case_vault)
    assert cli("case", "use", "1").code == 0
    shown = cli("show", "E-0001")
    assert shown.code == 0, shown.err
    assert "spoorvast browser extension 0.1.0" in shown.out
    assert "http://127.0.0.1:8765/bram.subject/" in shown.out
    assert "4815162342" in shown.out  # the account captured (Bram), not the viewer's


@pytest.mark.slow
def test_dossier_has_the_browser_capture_without_the_session_cookie(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    with vaultlib.open_vault(case_vault, PASSPHRASE) as vault:
        inbox.ensure_keys(vault.root, vault.keyring)
    send_capture(case_vault)
    done = cli("dossier", "--out", str(tmp_path / "out"))
    assert done.code == 0, done.err
    [folder] = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".wacz") for p in files)
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".wacz":
            data = _warc_of(data)
        assert SECRET.encode() not in data, path.name


def _warc_of(wacz: bytes) -> bytes:
    import gzip
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(wacz)) as archive:
        return gzip.decompress(archive.read("archive/data.warc.gz"))


def test_a_changed_inbox_key_is_named_and_the_command_still_runs(
        case_vault: Path, cli: Cli) -> None:
    import base64
    import json

    with vaultlib.open_vault(case_vault, PASSPHRASE) as vault:
        inbox.ensure_keys(vault.root, vault.keyring)
    send_capture(case_vault)
    content = json.loads((case_vault / inbox.KEY_FILE).read_bytes())
    content["public_key"] = base64.b64encode(bytes(32)).decode()
    (case_vault / inbox.KEY_FILE).write_text(json.dumps(content))
    used = cli("case", "use", "1")
    assert used.code == 0 and "inbox" in used.err
    assert len(inbox.entries(case_vault)) == 1  # kept, unread
