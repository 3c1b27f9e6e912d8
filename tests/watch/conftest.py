"""A vault and a case for the watch tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.model.records import Case
from spoorvast.services import cases
from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib

FAST_KDF = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
PASSPHRASE = "synthetic passphrase"


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[vaultlib.Vault]:
    opened = vaultlib.create(tmp_path / "vault", PASSPHRASE, FAST_KDF)
    yield opened
    opened.close()


@pytest.fixture
def case(vault: vaultlib.Vault) -> Case:
    return cases.create_case(vault, "Watch test", "nl", "Europe/Brussels")
