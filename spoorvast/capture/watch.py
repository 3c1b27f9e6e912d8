"""What a visit watches while it runs: the address each answer came from, the bytes the
page received, the renderer crashing, and the visit's hard time limit.

* Every answer Chromium reports (``Network.responseReceived``, and each redirect hop in
  ``Network.requestWillBeSent``) names the address it came from. Through the guard proxy
  that is the proxy itself; any other address must pass the visit's policy, or the visit
  is stopped and none of the page's own files are sealed (the proxy should make this
  impossible; this is the check that it did).
* Decoded bytes (``Network.dataReceived``) count against the visit's budget as the
  proxy's wire bytes do, so a compressed bomb is cut off too.
* A :class:`Watchdog` thread kills the capture browser's renderer processes when the visit
  overruns its limit by :data:`GRACE_SECONDS`: a DevTools call on a huge page (print,
  MHTML) then fails at once instead of running on for minutes. A raw DevTools call that
  the dead renderer never answers (``Network.getResponseBody`` on a page stuck in a
  script loop was seen to wait forever) is ended :data:`GRACE_SECONDS` later by killing
  the browser itself; ``BrowserSession`` starts a new one for the next capture.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import CDPSession

from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.proxy import GuardProxy
from spoorvast.capture.visit import Remote, Visit

GRACE_SECONDS = 5.0


def remote_of(response: object) -> Remote | None:
    """(address, port) of a DevTools ``Response`` object, when it names one."""
    if not isinstance(response, dict):
        return None
    address = str(response.get("remoteIPAddress") or "").strip("[]")
    port = response.get("remotePort")
    if not address or not isinstance(port, int):
        return None
    return address, port


def check_answers(cdp: CDPSession, visit: Visit, proxy: GuardProxy) -> None:
    """The address of every answer (and redirect hop) Chromium got: see ``watch.py``."""

    def check(remote: Remote | None) -> None:
        if remote is None or remote == visit.proxy or visit.policy.allows(*remote):
            return
        visit.barred.append(f"{remote[0]}:{remote[1]}")
        proxy.stop()

    def answered(event: dict[str, object]) -> None:
        check(remote_of(event.get("response")))

    def redirected(event: dict[str, object]) -> None:
        check(remote_of(event.get("redirectResponse")))

    cdp.on("Network.responseReceived", answered)
    cdp.on("Network.requestWillBeSent", redirected)


PARSED = ("Document", "Script", "Stylesheet")  # what the renderer parses as text


def count_bytes(cdp: CDPSession, visit: Visit, proxy: GuardProxy,
                 options: CaptureOptions) -> None:
    """Decoded bytes against the visit's budget, and per parsed document against its own
    limit; past either, the proxy stops and the visit takes no further step."""
    parsed: dict[str, list[object]] = {}  # request id → [url, bytes so far]

    def answered(event: dict[str, object]) -> None:
        response = event.get("response")
        if event.get("type") in PARSED and isinstance(response, dict):
            parsed[str(event.get("requestId"))] = [str(response.get("url", "")), 0]

    def data(event: dict[str, object]) -> None:
        size = event.get("dataLength")
        size = size if isinstance(size, int) else 0
        visit.received += size
        entry = parsed.get(str(event.get("requestId")))
        if entry is not None:
            entry[1] = int(str(entry[1])) + size
            if int(str(entry[1])) > options.max_document_bytes and not visit.too_large:
                visit.too_large = str(entry[0])[:300]
                proxy.stop()
        if visit.received > options.max_bytes and not visit.over_budget:
            visit.over_budget = True
            proxy.stop()

    cdp.on("Network.responseReceived", answered)
    cdp.on("Network.dataReceived", data)


def descendants(root: int) -> list[int]:
    """Every process below ``root`` (read from /proc; Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def renderers(root: int) -> list[int]:
    """The Chromium renderer processes below ``root``."""
    found = []
    for pid in descendants(root):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"--type=renderer" in command:
            found.append(pid)
    return found


def kill_renderers(root: int) -> int:
    killed = 0
    for pid in renderers(root):
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except OSError:
            continue
    return killed


class Watchdog:
    """``with Watchdog(deadline, root, on_fire):`` kills the renderers under ``root`` once
    ``deadline + GRACE_SECONDS`` (``time.monotonic``) passes inside the block."""

    def __init__(self, deadline: float, root: int, on_fire: Callable[[], None]) -> None:
        self.deadline, self.root, self.on_fire = deadline, root, on_fire
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        wait = self.deadline + GRACE_SECONDS - time.monotonic()
        if self._done.wait(max(0.0, wait)):
            return
        self.on_fire()
        kill_renderers(self.root)
        if self._done.wait(GRACE_SECONDS) or self.root == os.getpid():
            return
        with contextlib.suppress(OSError):
            os.kill(self.root, signal.SIGKILL)
