"""The web app started for real on 127.0.0.1 (uvicorn in a thread), an HTTP client that
behaves like a same-origin browser form, and one headless Chromium per module."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib
from spoorvast.web import WebSettings, create_app

PASSPHRASE = "synthetic passphrase 42"
FAST_KDF = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
_CSRF = re.compile(r'name="csrf" content="([^"]+)"')


@dataclass
class LiveApp:
    app: FastAPI
    settings: WebSettings
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    @property
    def origin(self) -> str:
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve(vault_root: Path, autolock_seconds: float = 600) -> LiveApp:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    settings = WebSettings(vault_root, sock.getsockname()[1],
                           autolock_seconds=autolock_seconds, watchdog_seconds=0.2)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return LiveApp(app, settings, server, thread)


def make_vault(root: Path) -> None:
    vaultlib.create(root, PASSPHRASE, FAST_KDF).close()


StartApp = Callable[..., LiveApp]


@pytest.fixture
def start_app(tmp_path: Path) -> Iterator[StartApp]:
    started: list[LiveApp] = []

    def start(with_vault: bool = True, autolock_seconds: float = 600) -> LiveApp:
        root = tmp_path / "vault"
        if with_vault and not vaultlib.is_vault(root):
            make_vault(root)
        live = serve(root, autolock_seconds)
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


class Browserish:
    """An httpx client that sends what a same-origin page sends (Origin, CSRF token)."""

    def __init__(self, live: LiveApp) -> None:
        self.live = live
        self.http = httpx.Client(base_url=live.url, headers={"Origin": live.origin},
                                 follow_redirects=False, timeout=30)

    def csrf(self, path: str = "/") -> str:
        match = _CSRF.search(self.http.get(path, follow_redirects=True).text)
        assert match, "page without a CSRF token"
        return match.group(1)

    def get(self, path: str, **kw: object) -> httpx.Response:
        return self.http.get(path, **kw)  # type: ignore[arg-type]

    def post(self, path: str, data: dict[str, str] | None = None,
             **kw: object) -> httpx.Response:
        form = {"csrf": self.csrf(), **(data or {})}
        return self.http.post(path, data=form, **kw)  # type: ignore[arg-type]

    def unlock(self) -> None:
        response = self.post("/unlock", {"passphrase": PASSPHRASE})
        assert response.status_code == 303, response.text

    def new_case(self, title: str = "Synthetic case") -> int:
        response = self.post("/cases/new", {"title": title, "language": "nl",
                                            "time_zone": "Europe/Brussels"})
        assert response.status_code == 303, response.text
        return int(response.headers["location"].split("/")[2])

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def client(start_app: StartApp) -> Iterator[Browserish]:
    browser = Browserish(start_app())
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()
