"""The logged-in browser profile, kept encrypted inside the vault.

``spoorvast browser login`` opens a visible Chromium on a fresh private directory (0700,
in memory: ``$XDG_RUNTIME_DIR`` or ``/dev/shm``, never the disk), restored from the
stored profile if there is one.
When the window closes, the profile directory is packed (tar, caches left out) and
sealed as one encrypted blob of the vault; the vault setting ``capture.browser_profile``
names it, and the vault custody log records each save. While the vault is locked the
profile is only ciphertext: nobody without the passphrase can read the cookies. A
``--logged-in`` capture unpacks it to a new private directory for the visit and removes
that directory afterwards, however the capture ends; after a ``kill -9`` the next start
of any spoorvast command or of the app removes it (:func:`spoorvast.storage.scratch.sweep`).
The profile is never in plaintext on a disk: with no memory folder (or too little room
for the unpacked profile) a logged-in capture or login is refused.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from spoorvast.capture.browser import EXTRA_ARGS, BrowserSession, ContextArgs
from spoorvast.capture.workdir import private_dir
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.vault import Vault

PROFILE_SETTING = "capture.browser_profile"
UNPACKED_ROOM = 256 << 20  # what Chromium writes into a profile during a visit
UNPACKED_FACTOR = 8  # the packed profile is gzip
SKIPPED = ("Cache", "Code Cache", "GPUCache", "GrShaderCache", "ShaderCache",
           "Crashpad", "SingletonLock", "SingletonSocket", "SingletonCookie")


def pack(directory: Path) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for path in sorted(directory.rglob("*")):
            relative = path.relative_to(directory)
            if any(part in SKIPPED for part in relative.parts) or path.is_symlink():
                continue
            if path.is_file():
                tar.add(path, arcname=str(relative), recursive=False)
    return out.getvalue()


def unpack(data: bytes, directory: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(directory, filter="data")


def has_profile(vault: Vault) -> bool:
    return vault.store.setting(PROFILE_SETTING) is not None


def save(vault: Vault, directory: Path) -> str:
    blob = vault.blobs.ingest_bytes(pack(directory), durable=True)
    previous = vault.store.setting(PROFILE_SETTING)
    with vault.store.transaction() as tx:
        tx.set_setting(PROFILE_SETTING, blob.sha256)
        tx.log(VAULT_CHAIN, "browser.profile-saved", "browser-profile",
               {"size": blob.size})
    if previous and previous != blob.sha256 and not vault.store.has_artifact(previous):
        vault.blobs.remove(previous)
    return blob.sha256


@contextmanager
def unpacked(vault: Vault, *, required: bool = True) -> Iterator[Path]:
    sha256 = vault.store.setting(PROFILE_SETTING)
    if sha256 is None and required:
        raise UserError(_("There is no logged-in browser profile yet. Run 'spoorvast "
                          "browser login' first, log in, and close the window."))
    data = vault.blobs.read_bytes(sha256) if sha256 is not None else b""
    with private_dir("profile", need=UNPACKED_ROOM + len(data) * UNPACKED_FACTOR) as directory:
        if data:
            unpack(data, directory)
        del data
        yield directory


def launch_persistent(session: BrowserSession, directory: Path, headless: bool,
                      args: ContextArgs | None = None) -> BrowserContext:
    har = str(args.har_path) if args and args.har_path else None
    viewport = {"width": args.width, "height": args.height} if args else None
    return session.playwright.chromium.launch_persistent_context(
        str(directory), executable_path=session.executable, headless=headless,
        args=EXTRA_ARGS, env=session.browser_env(), viewport=viewport,  # type: ignore[arg-type]
        record_har_path=har, record_har_content="embed" if har else None,
        record_har_mode="full" if har else None, accept_downloads=False,
        service_workers="block", user_agent=args.user_agent if args else None,
        proxy={"server": args.proxy} if args and args.proxy else None)  # the visit's guard


Driver = Callable[[BrowserContext], None]


def wait_until_closed(context: BrowserContext) -> None:
    """The person logs in, then closes the window (or the last tab)."""
    page = context.pages[0] if context.pages else context.new_page()
    page.wait_for_event("close", timeout=0)


def login(vault: Vault, driver: Driver = wait_until_closed, headless: bool = False,
          start_urls: tuple[str, ...] = ()) -> str:
    with unpacked(vault, required=False) as directory, BrowserSession() as session:
        context = launch_persistent(session, directory, headless)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            for url in start_urls[:1]:
                page.goto(url)
            driver(context)
        finally:
            _close(context)
        return save(vault, directory)


def _close(context: BrowserContext) -> None:
    """Closing the last window (as the person does when done) ends the browser itself:
    the context is closed already, and Playwright says so (``TargetClosedError``, a
    playwright ``Error``); the profile it wrote on the way out is complete."""
    with suppress(PlaywrightError):
        context.close()
