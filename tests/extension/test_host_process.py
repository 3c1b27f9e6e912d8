"""The host as the browser starts it (the launcher written by install-host, a real
process speaking native messaging on stdin/stdout): the pinned extension is served, a
foreign extension ID and a web page origin are refused before anything is read."""

from __future__ import annotations

import json
import struct
import subprocess
from pathlib import Path

import pytest

from spoorvast.cli.browser_host import install
from spoorvast.services.browser_host import EXTENSION_ID, HOST_NAME
from spoorvast.storage import inbox
from spoorvast.storage import vault as vaultlib
from tests.capture.conftest import FAST_KDF


def _frame(value: dict[str, object]) -> bytes:
    data = json.dumps(value).encode()
    return struct.pack("=I", len(data)) + data


def _replies(out: bytes) -> list[dict[str, object]]:
    found = []
    while out:
        (size,) = struct.unpack("=I", out[:4])
        found.append(json.loads(out[4:4 + size]))
        out = out[4 + size:]
    return found


@pytest.fixture
def launcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    root = tmp_path / "vault"
    with vaultlib.create(root, "synthetic passphrase", FAST_KDF) as vault:
        inbox.ensure_keys(vault.root, vault.keyring)
    [manifest] = install(root, home, ("chromium",))
    content = json.loads(manifest.read_text())
    assert content["name"] == HOST_NAME
    assert content["allowed_origins"] == [f"chrome-extension://{EXTENSION_ID}/"]
    return Path(content["path"])


def _run(launcher: Path, caller: str) -> tuple[int, list[dict[str, object]]]:
    done = subprocess.run([str(launcher), caller], input=_frame({"type": "hello"}),
                          capture_output=True, timeout=60, check=False)
    return done.returncode, _replies(done.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("caller", ["chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh/",
                                    "https://evil.example/", ""])
def test_a_foreign_caller_is_refused(launcher: Path, caller: str) -> None:
    assert _run(launcher, caller) == (3, [{"type": "error", "code": "refused"}])


@pytest.mark.slow
def test_the_pinned_extension_is_served(launcher: Path) -> None:
    code, [reply] = _run(launcher, f"chrome-extension://{EXTENSION_ID}/")
    assert code == 0 and reply["type"] == "ready"


def test_firefox_manifest_names_the_add_on(tmp_path: Path) -> None:
    from spoorvast.cli.browser_host import host_manifest

    manifest = host_manifest("firefox", tmp_path / "launcher")
    assert manifest["allowed_extensions"] == ["capture@spoorvast.org"]
    assert "allowed_origins" not in manifest


def test_the_pinned_id_is_the_one_of_the_manifest_key() -> None:
    import base64
    import hashlib

    manifest = json.loads((Path(__file__).resolve().parents[2] / "extension" /
                           "manifest.json").read_text())
    digest = hashlib.sha256(base64.b64decode(manifest["key"])).hexdigest()[:32]
    assert "".join(chr(ord("a") + int(c, 16)) for c in digest) == EXTENSION_ID
