"""In real Chromium (#24): the add page goes on with an upload after the connection to
the server is dropped mid-file, from where the server says it stopped (what arrived is
not sent again), and the file sealed has the SHA-256 of the file on disk.

The page talks to the app through a small TCP relay on 127.0.0.1 that forwards bytes
both ways and, once, drops both connections (RST) in the middle of an upload piece, as
a lost network or a server that went away does. The app is told the relay's port as its
own, so Host and Origin are what the page really sends."""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from spoorvast.storage import vault as vaultlib
from spoorvast.web import WebSettings, create_app
from tests.web.conftest import PASSPHRASE, make_vault
from tests.web.test_browser import create_case, new_page, unlock

pytestmark = pytest.mark.slow
MiB = 1 << 20


class Relay:
    """Forwards 127.0.0.1:port to the app; drops the connection carrying the byte
    number ``cut_at`` of what the page sends (counted over all connections), once."""

    def __init__(self, upstream: int, cut_at: int) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(32)
        self.port = self.listener.getsockname()[1]
        self.upstream, self.cut_at = upstream, cut_at
        self.sent, self.cuts = 0, 0
        self._guard = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:  # the app has stopped
                client.close()
                return
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False),
                             daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, upward: bool) -> None:
        try:
            while data := source.recv(256 * 1024):
                if upward and self._cutting(len(data)):
                    for sock in (source, target):  # both ends at once, mid-piece
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                        struct.pack("ii", 1, 0))
                        sock.shutdown(socket.SHUT_RDWR)  # wakes the other direction
                    return
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.close()

    def _cutting(self, size: int) -> bool:
        with self._guard:
            self.sent += size
            if self.cuts == 0 and self.sent >= self.cut_at:
                self.cuts = 1
                return True
            return False

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def relayed(tmp_path: Path) -> Iterator[tuple[str, Relay, Any, Path]]:
    root = tmp_path / "vault"
    make_vault(root)
    app_socket = socket.socket()
    app_socket.bind(("127.0.0.1", 0))
    app_socket.listen(64)
    relay = Relay(app_socket.getsockname()[1], cut_at=12 * MiB)
    settings = WebSettings(root, relay.port, watchdog_seconds=0.2)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [app_socket]},
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{relay.port}", relay, app, root
    server.should_exit = True
    thread.join(timeout=10)
    relay.close()


def test_the_page_resumes_an_upload_after_the_connection_drops(
        relayed: tuple[str, Relay, Any, Path], chromium: Any, tmp_path: Path) -> None:
    url, relay, _app, root = relayed
    page = new_page(chromium, [])
    unlock(page, url)
    case = create_case(page, url)
    page.goto(f"{url}/c/{case}/add")
    video = tmp_path / "opname.mp4"
    video.write_bytes(os.urandom(20 * MiB + 12345))
    relay.sent = 0  # count from here: the cut falls inside the second 8 MiB piece
    page.set_input_files("#file-input", [str(video)])
    page.wait_for_selector("#add-job[data-finished]", timeout=120_000)
    assert relay.cuts == 1
    assert "E-0001" in page.inner_text("#add-job")
    size = video.stat().st_size
    # the piece the cut fell in is sent again, nothing before it
    assert size < relay.sent < size + 8 * MiB + MiB, relay.sent
    page.click("#lock-button")
    with vaultlib.open_vault(root, PASSPHRASE) as vault:
        [item] = vault.store.items(int(case))
        original = vault.store.artifacts(item.id or 0)[0]
        assert original.sha256 == hashlib.sha256(video.read_bytes()).hexdigest()
        assert original.size == size
    assert list((root / "partial").iterdir()) == []
    page.context.close()
