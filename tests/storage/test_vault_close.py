"""A vault handle releases its lock when closing fails part-way: a handle that kept it
(a job's handle whose database could not be closed) would leave the vault locked until
the app ends, and the next unlock would say "locked" for no reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoorvast.errors import VaultLocked
from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib

PASSPHRASE = "synthetic passphrase for closing"
FAST_KDF = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)


class Broken(RuntimeError):
    pass


def _fail(*args: object) -> None:
    raise Broken("synthetic failure")


def test_the_lock_is_released_when_the_database_fails_to_close(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "vault"
    vaultlib.create(root, PASSPHRASE, FAST_KDF).close()
    opened = vaultlib.open_vault(root, PASSPHRASE)
    real_close = opened.store.close
    monkeypatch.setattr(opened.store, "close", _fail)
    with pytest.raises(Broken):
        opened.close()
    real_close()
    vaultlib.open_vault(root, PASSPHRASE).close()  # not "locked by another process"


def test_the_lock_is_released_when_the_anchor_fails(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "vault"
    vaultlib.create(root, PASSPHRASE, FAST_KDF).close()
    opened = vaultlib.open_vault(root, PASSPHRASE)
    monkeypatch.setattr(vaultlib, "_write_anchor", _fail)  # not an OSError: not suppressed
    with pytest.raises(Broken):
        opened.close()
    monkeypatch.undo()
    with vaultlib.open_vault(root, PASSPHRASE) as again:
        assert again.store.cases() == []


def test_a_second_handle_is_refused_while_the_first_is_open(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    vaultlib.create(root, PASSPHRASE, FAST_KDF).close()
    with vaultlib.open_vault(root, PASSPHRASE), pytest.raises(VaultLocked):
        vaultlib.open_vault(root, PASSPHRASE)
