"""Debian's firefox-esr driven over WebDriver BiDi (a websocket on loopback), with the
extension installed as a temporary add-on (``webExtension.install``). The add-on's
internal UUID is fixed through a profile preference, so that the test can open one of
its pages (moz-extension://<uuid>/popup.html) and talk to its background from there, as
the popup does."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
UUID = "5b0c8f4e-2d1a-4c3b-9e7f-5a6b7c8d9e0f"
ADDON_ID = "capture@spoorvast.org"
BASE = f"moz-extension://{UUID}"


class BiDiError(Exception):
    pass


class BiDi:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.ids = itertools.count(1)

    def call(self, method: str, params: dict[str, Any], timeout: float = 60.0) -> Any:
        number = next(self.ids)
        self.ws.send(json.dumps({"id": number, "method": method, "params": params}))
        until = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.1, until - time.monotonic())))
            if message.get("id") != number:
                continue  # an event
            if message.get("type") == "error":
                raise BiDiError(f"{method}: {message.get('error')}: {message.get('message')}")
            return message["result"]

    def tab(self, url: str) -> str:
        context = self.call("browsingContext.create", {"type": "tab"})["context"]
        self.call("browsingContext.navigate", {"context": context, "url": url,
                                               "wait": "complete"})
        return str(context)

    def evaluate(self, context: str, expression: str, timeout: float = 120.0) -> Any:
        answer = self.call("script.evaluate", {
            "expression": expression, "target": {"context": context},
            "awaitPromise": True, "serializationOptions": {"maxObjectDepth": 8}},
            timeout=timeout)
        if answer.get("type") == "exception":
            raise BiDiError(str(answer.get("exceptionDetails", {}).get("text")))
        return _plain(answer["result"])


def _plain(value: dict[str, Any]) -> Any:
    """A BiDi remote value as Python (objects, arrays, primitives)."""
    kind = value.get("type")
    if kind == "object":
        return {k if isinstance(k, str) else _plain(k): _plain(v) for k, v in value["value"]}
    if kind == "array":
        return [_plain(v) for v in value["value"]]
    if kind in ("undefined", "null"):
        return None
    return value.get("value")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def firefox(home: Path, extension: Path) -> Iterator[BiDi]:
    """Headless Firefox with ``home`` as HOME (where install-host wrote the host
    manifest) and the extension installed; never a downloaded browser."""
    assert FIREFOX
    profile = home / "ff-profile"
    profile.mkdir()
    prefs = {"extensions.webextensions.uuids": json.dumps({ADDON_ID: UUID}),
             "browser.shell.checkDefaultBrowser": False, "app.update.enabled": False,
             "datareporting.policy.dataSubmissionEnabled": False,
             "toolkit.telemetry.reportingpolicy.firstRun": False,
             "browser.startup.homepage_override.mstone": "ignore"}
    (profile / "user.js").write_text("".join(
        f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()))
    port = _free_port()
    process = subprocess.Popen(
        [FIREFOX, "--headless", "--no-remote", "--profile", str(profile),
         f"--remote-debugging-port={port}", "--remote-allow-hosts=127.0.0.1",
         # lets the test open the add-on's own page (moz-extension://), as the popup
         "--remote-allow-system-access", "about:blank"],
        env={**os.environ, "HOME": str(home), "MOZ_CRASHREPORTER_DISABLE": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ws = _connect(port, process)
        with ws:
            bidi = BiDi(ws)
            bidi.call("session.new", {"capabilities": {}})
            bidi.call("webExtension.install",
                      {"extensionData": {"type": "path", "path": str(extension)}})
            yield bidi
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _connect(port: int, process: subprocess.Popen[bytes]) -> ClientConnection:
    until = time.monotonic() + 60
    while True:
        try:
            return connect(f"ws://127.0.0.1:{port}/session", open_timeout=5,
                           max_size=None)
        except OSError:
            if process.poll() is not None or time.monotonic() > until:
                raise
            time.sleep(0.3)
