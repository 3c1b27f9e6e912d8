"""Argon2id started ahead of the unlock (``crypto.derive_ahead``, started by the CLI in
``cli/ahead.py``): the unlock takes the result only for the same passphrase, salt and
parameters, and reports a wrong passphrase, a damaged file or unreasonable settings
exactly as before."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from spoorvast.errors import UserError, WrongPassphrase
from spoorvast.storage import crypto
from tests.conftest import Cli

FAST = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The thread of each Argon2id derivation made."""
    made: list[str] = []
    real: Callable[[str, bytes, crypto.KdfParams], bytes] = crypto._derive_now

    def counted(passphrase: str, salt: bytes, params: crypto.KdfParams) -> bytes:
        made.append(threading.current_thread().name)
        return real(passphrase, salt, params)

    monkeypatch.setattr(crypto, "_derive_now", counted)
    return made


def test_the_unlock_takes_the_result_derived_ahead(tmp_path: Path,
                                                   derivations: list[str]) -> None:
    path = tmp_path / "vault.key.json"
    keyring = crypto.create_keyfile(path, "correct horse battery", FAST)
    derivations.clear()
    crypto.derive_ahead(path, "correct horse battery")
    assert crypto.unlock_keyfile(path, "correct horse battery") == keyring
    assert derivations == ["argon2id-ahead"]
    assert crypto.unlock_keyfile(path, "correct horse battery") == keyring  # taken once
    assert derivations == ["argon2id-ahead", "MainThread"]


def test_another_passphrase_ahead_is_not_used(tmp_path: Path,
                                              derivations: list[str]) -> None:
    path = tmp_path / "vault.key.json"
    keyring = crypto.create_keyfile(path, "correct horse battery", FAST)
    crypto.derive_ahead(path, "wrong horse battery")
    with pytest.raises(WrongPassphrase):
        crypto.unlock_keyfile(path, "wrong horse battery")
    crypto.derive_ahead(path, "wrong horse battery")
    assert crypto.unlock_keyfile(path, "correct horse battery") == keyring


def test_unreadable_or_unreasonable_files_are_left_to_the_unlock(
        tmp_path: Path, derivations: list[str]) -> None:
    path = tmp_path / "vault.key.json"
    crypto.derive_ahead(path, "correct horse battery")  # no file
    path.write_text("{not json")
    crypto.derive_ahead(path, "correct horse battery")
    crypto.create_keyfile(path, "correct horse battery", FAST)
    content = json.loads(path.read_text())
    content["kdf"]["memory_kib"] = 8 << 20  # 8 GiB: refused before any derivation
    path.write_text(json.dumps(content))
    derivations.clear()
    crypto.derive_ahead(path, "correct horse battery")
    with pytest.raises(UserError, match="unreasonable"):
        crypto.unlock_keyfile(path, "correct horse battery")
    assert derivations == []


@pytest.mark.slow
def test_the_dossier_command_unlocks_while_it_loads(case_vault: Path, cli: Cli,
                                                    derivations: list[str],
                                                    tmp_path: Path) -> None:
    derivations.clear()
    assert cli("dossier", "--no-zip", "--out", str(tmp_path / "out")).code == 0
    assert derivations == ["argon2id-ahead"]
    assert cli("items").code == 0  # other commands unlock as before
    assert derivations == ["argon2id-ahead", "MainThread"]
    assert cli("--passphrase-fd", "0", "dossier", "--help").code == 0
    assert derivations == ["argon2id-ahead", "MainThread"]


def test_the_cli_reads_the_root_options_as_the_root_command_does() -> None:
    from spoorvast.cli.ahead import global_options

    assert global_options(["--vault", "/v", "--debug", "dossier", "--out", "x"]) == (
        {"--vault": "/v"}, "dossier", ["--out", "x"])
    assert global_options(["--lang=nl", "--passphrase-fd", "3", "dossier"]) == (
        {"--lang": "nl", "--passphrase-fd": "3"}, "dossier", [])
    assert global_options(["--help"])[1] is None
    assert global_options(["--vault"]) == ({}, None, [])
