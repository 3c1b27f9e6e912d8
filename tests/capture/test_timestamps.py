"""RFC 3161: a real TSA (``openssl ts -reply``) on 127.0.0.1 with a CA and a TSA
certificate made here; tokens checked by ``spoorvast verify`` and by openssl itself."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.timestamps import (
    TimestampError,
    check_tokens,
    request_token,
    verify_reply,
)
from spoorvast.model.records import Case
from spoorvast.services.verify import verify
from spoorvast.storage.vault import Vault
from tests.capture.helpers import blob, capture, stored
from tests.capture.site import Site
from tests.pki import make_pki, tsa_server


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = make_pki(tmp_path_factory.mktemp("tsa"))
    server = tsa_server(folder)
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa", folder
    server.shutdown()
    server.server_close()


def test_token_verifies_with_openssl(tsa: tuple[str, Path]) -> None:
    url, folder = tsa
    digest = hashlib.sha256(b"synthetic record").hexdigest()
    token = request_token(url, digest, folder / "ca.pem")
    assert b"Status: Granted." in subprocess.run(
        ["openssl", "ts", "-reply", "-in", "/dev/stdin", "-text"], input=token.reply,
        capture_output=True, check=True).stdout
    assert b"Synthetic TSA" in token.chain_pem and b"Synthetic Test Root CA" in token.chain_pem


def test_capture_is_stamped_and_verify_checks_the_token(
        vault: Vault, case: Case, session: BrowserSession, site: Site,
        tsa: tuple[str, Path], tmp_path: Path) -> None:
    url, folder = tsa
    options = CaptureOptions(allow_private_network=True, pdf=False, tsa_url=url,
                             tsa_ca=folder / "ca.pem")
    result = capture(vault, case, session, site.url("/profile"), options)
    assert result.problems == ()
    _item, files = stored(vault, case, result.label)
    token, chain = files["capture.json.tsr"], files["tsa-chain.pem"]
    assert token.derived_from == files["capture.json"].sha256
    for name in ("capture.json", "capture.json.tsr", "tsa-chain.pem"):
        (tmp_path / name).write_bytes(blob(vault, files[name]))
    done = subprocess.run(  # the documented command, with openssl alone
        ["openssl", "ts", "-verify", "-data", "capture.json", "-in", "capture.json.tsr",
         "-CAfile", "tsa-chain.pem"], cwd=tmp_path, capture_output=True, check=False)
    assert done.returncode == 0 and b"Verification: OK" in done.stdout
    assert list(check_tokens(vault)) == []
    assert verify(vault).ok
    # the token does not fit other bytes
    with pytest.raises(TimestampError):
        verify_reply(blob(vault, token), hashlib.sha256(b"other").hexdigest(),
                     blob(vault, chain))


def test_unreachable_tsa_keeps_the_capture_with_a_finding(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    options = CaptureOptions(allow_private_network=True, pdf=False,
                             tsa_url="http://127.0.0.1:9/tsa")
    result = capture(vault, case, session, site.url("/profile"), options)
    assert [p.code for p in result.problems] == ["capture.timestamp-failed"]
    _item, files = stored(vault, case, result.label)
    assert "capture.json.tsr" not in files
