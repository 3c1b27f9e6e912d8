"""One Chromium per run (Debian's ``/usr/bin/chromium``, driven by Playwright).

Every capture gets a fresh browser context (its own cookies, storage and cache, all in
memory), so nothing of one capture leaks into the next. Logged-in captures use the
persistent profile instead (see ``profile.py``), one launch per capture.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from types import TracebackType

from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.workdir import private_dir
from spoorvast.errors import UserError
from spoorvast.i18n import _

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Playwright already passes --headless, --no-first-run, --disable-background-networking,
# --disable-sync, --disable-component-update and friends; these are the few more.
# WebRTC may not send UDP around the guard proxy.
EXTRA_ARGS = ["--disable-features=Translate,OptimizationHints,MediaRouter",
              "--no-default-browser-check", "--disable-breakpad",
              "--force-webrtc-ip-handling-policy=disable_non_proxied_udp"]


@dataclass(frozen=True, slots=True)
class BrowserInfo:
    name: str
    version: str
    user_agent: str  # what every capture sends: a normal Chromium of this version's
    playwright_version: str
    executable: str
    reported_user_agent: str = ""  # what the headless browser would say of itself


def normal_user_agent(reported: str, version: str) -> str:
    """The user agent a normal (not headless) Chromium of ``version`` sends: the
    browser's own, with "HeadlessChrome" said as "Chrome" (a site may serve a headless
    browser something else, or nothing). Chromium reduces the version to its major
    number (``Chrome/156.0.0.0``); so is this."""
    if "HeadlessChrome/" in reported:
        return reported.replace("HeadlessChrome/", "Chrome/")
    if "Chrome/" in reported:
        return reported
    major = version.split(".")[0] or "0"
    return ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{major}.0.0.0 Safari/537.36")


def chromium_path() -> str:
    configured = os.environ.get("SPOORVAST_CHROMIUM")
    for candidate in ((configured,) if configured else CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise UserError(_("Chromium is not installed. Run 'sh scripts/setup' (it installs the "
                      "Debian package chromium) and try again."))


@dataclass(frozen=True, slots=True)
class ContextArgs:
    """How every capture context is set up: viewport, HAR with bodies, no downloads,
    no service workers (they would answer from a cache instead of the network)."""

    width: int
    height: int
    har_path: Path | None
    proxy: str | None = None  # the visit's guard proxy (socks5://127.0.0.1:port)
    user_agent: str | None = None  # a normal browser's (BrowserInfo.user_agent)


def context_args(options: CaptureOptions, har_path: Path | None,
                 proxy: str | None = None, user_agent: str | None = None) -> ContextArgs:
    return ContextArgs(options.viewport_width, options.viewport_height, har_path, proxy,
                       user_agent)


class _Scratch:
    """A private short-named directory (Chromium's socket paths must stay short)."""

    def __init__(self) -> None:
        self._manager = private_dir("browser")
        self.path = Path("/nonexistent")

    def __enter__(self) -> Path:
        self.path = self._manager.__enter__()
        return self.path

    def __exit__(self, *exc: object) -> None:
        if self.path.name.startswith("spv-"):
            self._manager.__exit__(None, None, None)
            self.path = Path("/nonexistent")


@contextmanager
def _temp_dir_env(path: Path) -> Iterator[None]:
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(path)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before


class BrowserSession:
    """Use as a context manager: ``with BrowserSession() as session: ...``."""

    def __init__(self, executable: str | None = None, headless: bool = True,
                 extra_args: tuple[str, ...] = ()) -> None:
        self.executable = executable or chromium_path()
        self.headless = headless
        self.extra_args = extra_args  # more Chromium switches (tests: a small JS heap)
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self.info: BrowserInfo | None = None
        self._scratch = _Scratch()

    @property
    def _temp(self) -> Path:
        return self._scratch.path

    def __enter__(self) -> BrowserSession:
        self._scratch.__enter__()
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop()

    def _start(self) -> None:
        with _temp_dir_env(self.temp_dir):  # browser temp files: private, in memory
            self._pw = sync_playwright().start()
        self._browser = self._launch(self._pw)
        self.info = self._info(self._browser)

    def _launch(self, playwright: Playwright) -> Browser:
        return playwright.chromium.launch(
            executable_path=self.executable, headless=self.headless,
            args=[*EXTRA_ARGS, *self.extra_args], env=self.browser_env())

    def _stop(self) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
            if self._pw is not None:
                self._pw.stop()
        finally:
            self._browser, self._pw = None, None
            self._scratch.__exit__(None, None, None)

    @property
    def temp_dir(self) -> Path:
        return self._temp

    def browser_env(self) -> dict[str, str | float | bool]:
        return {**os.environ, "TMPDIR": str(self._temp)}

    @property
    def playwright(self) -> Playwright:
        assert self._pw is not None
        return self._pw

    def new_context(self, options: CaptureOptions, har_path: Path,
                    proxy: str | None = None) -> BrowserContext:
        """A fresh context; every connection goes through ``proxy`` (the visit's guard;
        Playwright sends loopback through it too)."""
        assert self._browser is not None and self._pw is not None
        if not self._browser.is_connected():  # the watchdog ended a stuck visit
            self._browser = self._launch(self._pw)
        args = context_args(options, har_path, proxy)
        return self._browser.new_context(
            viewport={"width": args.width, "height": args.height},
            record_har_path=str(har_path), record_har_content="embed",
            record_har_mode="full", accept_downloads=False, service_workers="block",
            proxy={"server": proxy} if proxy else None,
            user_agent=self.info.user_agent if self.info else None)

    def _info(self, browser: Browser) -> BrowserInfo:
        cdp = browser.new_browser_cdp_session()
        details = cdp.send("Browser.getVersion")
        cdp.detach()
        reported = str(details.get("userAgent", ""))
        return BrowserInfo("chromium", browser.version,
                           normal_user_agent(reported, browser.version),
                           version("playwright"), self.executable, reported)
