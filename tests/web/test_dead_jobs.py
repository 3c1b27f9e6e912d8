"""A job the app process dies in (kill -9, a power cut) is said at the next unlock, by
kind, and what only it wrote (ciphertext never sealed) is removed (#24)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from spoorvast.storage import vault as vaultlib
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.web import lock_notices
from spoorvast.web.jobs import settle_dead
from tests.web.conftest import PASSPHRASE, Browserish, make_vault


@dataclass
class _Process:
    """What Browserish needs of an app: its address (the app runs in a subprocess)."""

    url: str

    @property
    def origin(self) -> str:
        return self.url


def _start(root: Path) -> tuple[subprocess.Popen[str], Browserish]:
    env = {**os.environ, "CI": "true", "SPOORVAST_VAULT": str(root)}
    process = subprocess.Popen([sys.executable, "-m", "spoorvast", "ui", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                               text=True, start_new_session=True)
    assert process.stdout is not None
    found = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
    assert found
    url = found.group(0)
    for _ in range(100):
        try:
            httpx.get(url + "/", timeout=30)  # a loaded machine answers slowly
            break
        except httpx.ConnectError:
            time.sleep(0.1)
    return process, Browserish(_Process(url))  # type: ignore[arg-type]


def _silent_server() -> tuple[socket.socket, threading.Event]:
    """A loopback server that takes the connection and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    reached = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _addr = server.accept()
            except OSError:
                return
            held.append(conn)
            reached.set()

    threading.Thread(target=serve, daemon=True).start()
    return server, reached


def _wait_running(client: Browserish, job: str) -> None:
    for _ in range(300):
        if client.get(f"/jobs/{job}").json()["state"] == "running":
            return
        time.sleep(0.1)
    raise AssertionError("the job never ran")


@pytest.mark.slow
def test_a_capture_the_app_is_killed_in_is_said_at_the_next_unlock(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    make_vault(root)
    server, reached = _silent_server()
    process, client = _start(root)
    try:
        client.unlock()
        case = client.new_case()
        target = f"http://127.0.0.1:{server.getsockname()[1]}/profile/4711"
        started = client.post(f"/c/{case}/capture", {"url": target, "private": "1"})
        assert started.status_code == 303, started.text
        job = started.headers["location"].split("job=")[1]
        _wait_running(client, job)
        assert reached.wait(60), "the capture never reached the page"
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the app and its browser, at once
        process.communicate(timeout=10)  # also closes the pipe
        client.close()
        server.close()
    process, client = _start(root)
    try:
        client.unlock()
        page = client.get("/cases").text
        assert "The app ended while it was capturing a web page" in page, page[:3000]
        assert "capturing a web page" not in client.get("/cases").text  # said once
        assert client.get(f"/c/{case}/items").status_code == 200
        assert "E-0001" not in client.get(f"/c/{case}/items").text  # nothing half-made
    finally:
        process.terminate()
        process.communicate(timeout=10)
        client.close()


def test_blobs_only_a_dead_job_wrote_are_removed(tmp_path: Path) -> None:
    import io

    make_vault(tmp_path / "v")
    with vaultlib.open_vault(tmp_path / "v", PASSPHRASE) as vault:
        before = vault.blobs.ingest(io.BytesIO(b"older, not ours to judge")).sha256
        time.sleep(2.2)  # older than the job's start by more than the margin
        lock_notices.write(vault, lock_notices.job_record("j1", 0, 0, False, started=True,
                                                          job_kind="dossier"))
        during = vault.blobs.ingest(io.BytesIO(b"half-made by the dead job")).sha256
        assert settle_dead(vault) == 1
        assert vault.blobs.exists(before) and not vault.blobs.exists(during)
        entries = [e.action for e in vault.store.custody(VAULT_CHAIN)]
        assert "web.dead-job-blobs-removed" in entries
        said = lock_notices.take(vault)
        assert any("making the dossier" in line for line in said)
        assert settle_dead(vault) == 0  # said: nothing left to look for
