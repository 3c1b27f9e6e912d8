"""``spoorvast ui``: a real process on 127.0.0.1 at a free port, no browser under CI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from spoorvast.cli.cmd_ui import bind, should_open_browser


def test_free_port_on_loopback_only() -> None:
    sock = bind(0)
    host, port = sock.getsockname()
    sock.close()
    assert host == "127.0.0.1" and port > 0


def test_browser_is_not_opened_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert not should_open_browser(False)
    monkeypatch.delenv("CI")
    assert should_open_browser(False) and not should_open_browser(True)


@pytest.mark.slow  # starts the app in a process of its own: seconds
def test_ui_command_serves_the_app(tmp_path: Path) -> None:
    env = {**os.environ, "CI": "true", "SPOORVAST_VAULT": str(tmp_path / "vault")}
    process = subprocess.Popen([sys.executable, "-m", "spoorvast", "ui", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                               text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line
        for _ in range(50):
            try:
                # 20 s: its first page, with the full suite running, took more than 2
                response = httpx.get(url.group(0), timeout=20)
                break
            except httpx.ConnectError:
                import time

                time.sleep(0.1)
        assert response.status_code == 200 and "<title>Notes</title>" in response.text
    finally:
        process.terminate()
        process.communicate(timeout=10)  # also closes the pipes
