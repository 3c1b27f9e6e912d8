"""kill -9 of the app while Settings re-encrypts the vault: the next open finds either
the old vault (old passphrase) or the new one (new passphrase), complete, never a mix —
the CLI's crash safety (``storage/rekey.py``) holds for the browser's rekey too."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from spoorvast.errors import WrongPassphrase
from spoorvast.model.records import ArtifactRole, ItemKind
from spoorvast.services import cases as case_service
from spoorvast.storage import rekey
from spoorvast.storage import vault as vaultlib
from tests.dossier.builder import _artifact, _item
from tests.web.conftest import FAST_KDF, PASSPHRASE

pytestmark = pytest.mark.slow  # an app process, 48 MB re-encrypted, a kill

NEW = "een heel nieuwe wachtwoordzin"
FILES = 24
SIZE = 2 << 20


def _filled(root: Path) -> dict[str, bytes]:
    kept = {}
    with vaultlib.create(root, PASSPHRASE, FAST_KDF) as vault:
        case = case_service.create_case(vault, "Synthetisch", "nl", "Europe/Brussels")
        for index in range(FILES):
            data = os.urandom(SIZE)
            artifact = _artifact(vault, ArtifactRole.ORIGINAL, f"f{index}.bin",
                                 "application/octet-stream", data)
            _item(vault, case.id or 0, ItemKind.FILE, f"f{index}.bin", "file", [artifact])
            kept[artifact.sha256] = data
    return kept


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _app(root: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "SPOORVAST_VAULT": str(root)}
    return subprocess.Popen([sys.executable, "-m", "spoorvast", "ui", "--port", str(port),
                             "--no-browser"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _post(http: httpx.Client, path: str, data: dict[str, str]) -> httpx.Response:
    page = http.get("/cases" if path != "/unlock" else "/", follow_redirects=True).text
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert token, "no form token"
    return http.post(path, data={"csrf": token.group(1), **data})


def _started(port: int) -> tuple[httpx.Client, str]:
    base = f"http://127.0.0.1:{port}"
    http = httpx.Client(base_url=base, headers={"Origin": base}, timeout=30)
    try:
        return http, _start_rekey(http)
    except BaseException:
        http.close()
        raise


def _start_rekey(http: httpx.Client) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            http.get("/")
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.2)
    assert _post(http, "/unlock", {"passphrase": PASSPHRASE}).status_code == 303
    started = _post(http, "/settings/rekey", {"old": PASSPHRASE, "new": NEW, "repeat": NEW})
    assert started.status_code == 303, started.text[:300]
    return started.headers["location"].split("job=")[1].split("#")[0]


def _which_opens(root: Path) -> str:
    for name, passphrase in (("old", PASSPHRASE), ("new", NEW)):
        try:
            vaultlib.open_vault(root, passphrase).close()  # finishes a switch cut short
        except WrongPassphrase:
            continue
        return name
    raise AssertionError("neither passphrase opens the vault")


def _complete(root: Path, passphrase: str, kept: dict[str, bytes]) -> None:
    with vaultlib.open_vault(root, passphrase, writable=False) as vault:
        found = {a.sha256 for a in vault.store.all_artifacts()}
        assert found == set(kept)
        for sha256, data in kept.items():
            assert vault.blobs.read_bytes(sha256) == data


@pytest.mark.parametrize("fraction", [0.3, 0.9])
def test_kill_during_the_browsers_rekey(tmp_path: Path, fraction: float) -> None:
    root = tmp_path / "vault"
    kept = _filled(root)
    port = _free_port()
    app = _app(root, port)
    http: httpx.Client | None = None
    state: dict[str, object] = {"state": "not started"}
    try:
        http, job = _started(port)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            state = http.get(f"/jobs/{job}").json()
            if state["state"] != "running" or \
                    float(str(state["done"])) >= fraction * float(str(state["total"])):
                break
            time.sleep(0.02)
    finally:
        os.killpg(app.pid, signal.SIGKILL)
        app.wait(30)
        if http is not None:
            http.close()
    opened = _which_opens(root)
    print("killed", state["state"], "at", fraction, "the", opened, "passphrase opens")
    if state["state"] == "done":  # it ended before the kill (a fast disk): the new one
        assert opened == "new"
    _complete(root, PASSPHRASE if opened == "old" else NEW, kept)
    assert not rekey.pending(root)
