"""Fixtures of the capture tests: the local site, one browser per module, a vault."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.capture.batch import capture_all
from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.options import CaptureOptions
from spoorvast.model.records import Case
from spoorvast.services import cases
from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib
from tests.capture.site import Site

FAST_KDF = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
LOCAL = CaptureOptions(allow_private_network=True, timeout_seconds=20,
                       load_timeout_seconds=10, settle_seconds=1.0)


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    served = Site()
    yield served
    served.close()


@pytest.fixture(scope="module")
def session() -> Iterator[BrowserSession]:
    with BrowserSession() as browser:
        yield browser


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[vaultlib.Vault]:
    opened = vaultlib.create(tmp_path / "vault", "synthetic passphrase", FAST_KDF)
    yield opened
    opened.close()


@pytest.fixture
def case(vault: vaultlib.Vault) -> Case:
    return cases.create_case(vault, "Capture test", "nl", "Europe/Brussels")


__all__ = ["LOCAL", "capture_all"]
