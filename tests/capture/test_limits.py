"""Hostile pages with the real Chromium: a huge page is cut off at its limit, a page that
crashes the renderer or hangs it past the time limit becomes a finding, and the time and
memory of each visit stay bounded (measured over this process and all its children)."""

from __future__ import annotations

import os
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.watch import descendants
from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault
from tests.capture.helpers import capture, record_of, stored

LINE = b"<p>" + b"synthetic filler text " * 40 + b"</p>\n"
HUNGRY = (b"<html><title>Hungry</title><p>HUNGRY-PAGE</p><script>const keep = [];"
          b"for (;;) keep.push(new Array(1e6).fill(Math.random()));</script></html>")
STUCK = (b"<html><title>Stuck</title><p>STUCK-PAGE</p><script>addEventListener('load', "
         b"() => setTimeout(() => { for (;;) {} }, 50));</script></html>")


def _bomb(size: int) -> bytes:
    """``size`` bytes of HTML as a gzip stream of a few hundred KB (built in pieces)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = LINE * 1024
    parts = [packer.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + packer.flush()


BOMB = _bomb(256 << 20)
IMAGES = b"<html><title>Many images</title>" + b"".join(
    b"<img src='/blob/%d.png'>" % n for n in range(12)) + b"</html>"


class Hostile(BaseHTTPRequestHandler):
    """Huge pages are written as they are sent (the test never holds them whole)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path == "/huge":
            self._stream("text/html", 200 << 20, LINE * 64)
        elif self.path == "/bomb":
            self._stream("text/html", len(BOMB), BOMB, {"Content-Encoding": "gzip"})
        elif self.path.startswith("/blob/"):
            self._stream("image/png", 1 << 20, b"\x89PNG" + b"\0" * 65532)
        else:
            body = {"/hungry": HUNGRY, "/stuck": STUCK, "/images": IMAGES}.get(self.path, b"")
            self._stream("text/html", len(body), body)

    def _stream(self, kind: str, size: int, chunk: bytes,
                extra: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(size))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        sent = 0
        try:
            while sent < size:
                part = chunk[:size - sent]
                self.wfile.write(part)
                sent += len(part)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class PeakMemory:
    """How far the resident memory of this process and all its children (Chromium,
    Playwright's driver) rose above what it was when the block began, at its highest,
    sampled every 0.1 s while the block runs. The growth, not the total: the shared
    browser of the test session holds what earlier tests left in it, which differs with
    the order the tests run in."""

    def __init__(self) -> None:
        self.peak_mb = 0
        self._base = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._base = _resident_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(0.1):
            self.peak_mb = max(self.peak_mb, _resident_mb() - self._base)


def _resident_mb() -> int:
    total = 0
    for pid in (os.getpid(), *descendants(os.getpid())):
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next((int(line.split()[1]) for line in status
                               if line.startswith("VmRSS")), 0)
        except OSError:
            continue
    return total // 1024


def options(base: str, **limits: float) -> CaptureOptions:
    return CaptureOptions(test_only_origins=(base,), pdf=False, settle_seconds=0.5,
                          **limits)  # type: ignore[arg-type]


def codes(result: object) -> list[str]:
    return [p.code for p in getattr(result, "problems", ())]


def test_a_huge_page_is_cut_off_in_bounded_time_and_memory(
        vault: Vault, case: Case, session: BrowserSession, hostile: str) -> None:
    """200 MB of HTML (was: 145 s past a 60 s limit at 9.9 GB)."""
    began = time.monotonic()
    with PeakMemory() as memory:
        result = capture(vault, case, session, hostile + "/huge",
                         options(hostile, timeout_seconds=30, max_document_bytes=4 << 20))
    took = time.monotonic() - began
    assert "capture.document-too-large" in codes(result)
    assert took < 20, took
    assert memory.peak_mb < 2500, memory.peak_mb
    _item, files = stored(vault, case, result.label)
    assert sum(a.size for a in files.values()) < 40 << 20
    assert "huge" not in files  # no cut-off stand-in for the page's own bytes
    record = record_of(vault, files)
    guard = record["guard"]
    assert isinstance(guard, dict) and guard["stopped"] is True


def test_a_compressed_bomb_is_cut_off_by_its_decoded_size(
        vault: Vault, case: Case, session: BrowserSession, hostile: str) -> None:
    """A few hundred KB on the wire, 256 MB of HTML once unpacked: the decoded bytes
    count."""
    assert len(BOMB) < 2 << 20
    began = time.monotonic()
    with PeakMemory() as memory:
        result = capture(vault, case, session, hostile + "/bomb",
                         options(hostile, timeout_seconds=30, max_document_bytes=4 << 20))
    assert "capture.document-too-large" in codes(result)
    assert time.monotonic() - began < 20
    assert memory.peak_mb < 2500, memory.peak_mb
    _item, files = stored(vault, case, result.label)
    assert sum(a.size for a in files.values()) < 40 << 20


def test_the_visit_budget_cuts_many_large_answers(
        vault: Vault, case: Case, session: BrowserSession, hostile: str) -> None:
    result = capture(vault, case, session, hostile + "/images",
                     options(hostile, timeout_seconds=20, max_bytes=4 << 20))
    assert "capture.too-large" in codes(result)
    _item, files = stored(vault, case, result.label)
    assert files["capture.wacz"].size < 8 << 20
