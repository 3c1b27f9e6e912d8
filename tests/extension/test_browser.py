"""The extension in real Chromium (Debian's), loaded unpacked, with the host installed
by ``spoorvast browser install-host`` into a temporary home: a capture of a logged-in
page on 127.0.0.1 lands in the inbox (the vault is locked: no spoorvast process has it
open) and is sealed at the next unlock with the right hashes, the suspect's account
(not the viewer's), and the login cookie out of the export copy."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, sync_playwright

from spoorvast.capture.secrets import export_copy
from spoorvast.model.records import IdentifierKind, PartyRole
from spoorvast.services.browser_host import EXTENSION_ID
from spoorvast.services.parties import create_party
from spoorvast.services.verify import verify
from spoorvast.storage import inbox
from spoorvast.storage import vault as vaultlib
from tests.conftest import PASSPHRASE, Cli
from tests.extension.pages import IG_A, IG_B, PNG, PROFILE, SECRET, serve
from tests.web.test_login_window import display  # noqa: F401  (an Xvfb display)

EXTENSION = Path(__file__).resolve().parents[2] / "extension"
CAPTURE = """async (choice) => {
  await chrome.storage.local.set({explained: true});
  return self.spoorvast.run(() => self.spoorvast.captureActiveTab(choice));
}"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOME", str(path))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(var, raising=False)
    return path


@pytest.fixture
def browser(home: Path) -> Iterator[BrowserContext]:
    # Chromium's singleton socket path must be short: a temp folder of its own in /tmp
    with tempfile.TemporaryDirectory(dir="/tmp") as short, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            home / ".config" / "chromium", executable_path="/usr/bin/chromium",
            headless=True, env={**os.environ, "TMPDIR": short},
            args=[f"--disable-extensions-except={EXTENSION}",
                  f"--load-extension={EXTENSION}"])
        try:
            yield context
        finally:
            context.close()


def _worker(context: BrowserContext) -> object:
    workers = context.service_workers
    worker = workers[0] if workers else context.wait_for_event("serviceworker", timeout=15000)
    assert worker.url.startswith(f"chrome-extension://{EXTENSION_ID}/")  # the pinned ID
    return worker


@pytest.mark.slow
def test_capture_in_own_browser_lands_in_inbox_and_is_sealed_at_unlock(
        case_vault: Path, cli: Cli, home: Path, browser: BrowserContext) -> None:
    with vaultlib.open_vault(case_vault, PASSPHRASE) as vault:
        create_party(vault, vault.store.cases()[0], PartyRole.VICTIM, "Anna")
    installed = cli("browser", "install-host", "--browser", "chromium")
    assert installed.code == 0, installed.err
    assert (home / ".config/chromium/NativeMessagingHosts/org.spoorvast.capture.json").is_file()
    worker = _worker(browser)
    with serve() as base:
        page = browser.pages[0]
        page.goto(base + "/login")
        page.goto(base + "/bram.subject/")
        answer = worker.evaluate(CAPTURE, {"case": "Berichten van X", "note": "profiel"})
    assert answer["ok"], answer
    assert answer["result"]["where"] == "inbox"
    [entry] = inbox.entries(case_vault)
    assert SECRET.encode() not in entry.read_bytes()

    assert cli("case", "use", "1").code == 0  # any command that opens the vault seals it
    assert inbox.entries(case_vault) == []
    with vaultlib.open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        item = vault.store.item(case.id or 0, 1)
        assert item is not None and item.importer == "capture"
        files = {a.name: a for a in vault.store.artifacts(item.id or 0)}
        assert {"page.html", "viewport.png", "full-page.png", "page.mhtml", "capture.wacz",
                "capture.json"} <= set(files)
        assert files["page.html"].sha256 == hashlib.sha256(PROFILE).hexdigest()
        wacz = vault.blobs.read_bytes(files["capture.wacz"].sha256)
        assert hashlib.sha256(PNG).hexdigest() in _payload_digests(wacz)
        accounts = [(i.stable_id, i.party_id is not None)
                    for i in vault.store.identifiers(case.id or 0)
                    if i.kind is IdentifierKind.ACCOUNT]
        assert accounts == [(IG_B, False), (IG_A, True)]
        assert SECRET.encode() in _warc(wacz)
        assert SECRET.encode() not in _warc(export_copy("capture.wacz", wacz).data)
        mhtml = vault.blobs.read_bytes(files["page.mhtml"].sha256)
        assert b"anna.viewer" in mhtml
        record = json.loads(vault.blobs.read_bytes(files["capture.json"].sha256))
        assert record["schema"] == "spoorvast.browser-capture-record/1"
        assert record["extension"]["matches_shipped"] is True
        assert record["browser"]["user_agent"] and SECRET not in json.dumps(record)
        assert verify(vault).ok


def _warc(wacz: bytes) -> bytes:
    import gzip

    with zipfile.ZipFile(io.BytesIO(wacz)) as archive:
        return gzip.decompress(archive.read("archive/data.warc.gz"))


def _payload_digests(wacz: bytes) -> set[str]:
    from warcio.archiveiterator import ArchiveIterator

    with zipfile.ZipFile(io.BytesIO(wacz)) as archive:
        warc = archive.read("archive/data.warc.gz")
    return {hashlib.sha256(r.content_stream().read()).hexdigest()
            for r in ArchiveIterator(io.BytesIO(warc)) if r.rec_type == "response"}


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "banner", "refused"), [
    ("en", "started debugging this browser", "Only web pages"),
    ("nl", "deze browser is gaan debuggen", "Alleen webpagina's"),
])
def test_popup_explains_the_banner_first_in_the_users_language(
        home: Path, lang: str, banner: str, refused: str) -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as short, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            home / ".config" / "chromium", executable_path="/usr/bin/chromium",
            headless=True, env={**os.environ, "TMPDIR": short, "LANGUAGE": lang},
            args=[f"--disable-extensions-except={EXTENSION}",
                  f"--load-extension={EXTENSION}", f"--lang={lang}"])
        try:
            _worker(context)
            page = context.pages[0]
            page.goto(f"chrome-extension://{EXTENSION_ID}/popup.html")
            assert banner in page.inner_text("#explain")
            assert page.is_hidden("#form")
            page.click("#understood")
            assert page.is_visible("#form") and page.is_hidden("#explain")
            page.click("#capture")  # this tab is the extension's own page: refused
            page.wait_for_selector("#status.error")
            assert refused in page.inner_text("#status")
        finally:
            context.close()


@pytest.mark.slow
def test_without_a_host_the_paired_http_fallback_takes_the_capture(
        case_vault: Path, home: Path, browser: BrowserContext) -> None:
    import threading

    from spoorvast.cli.browser_http import server

    with vaultlib.open_vault(case_vault, PASSPHRASE) as vault:
        inbox.ensure_keys(vault.root, vault.keyring)
    httpd, state = server(case_vault, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        worker = _worker(browser)
        worker.evaluate("([port, code]) => self.spoorvast.pair(port, code)",
                        [state.port, state.code])
        with serve() as base:
            page = browser.pages[0]
            page.goto(base + "/login")
            page.goto(base + "/bram.subject/")
            answer = worker.evaluate(CAPTURE, {"case": "Berichten van X"})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert answer["ok"], answer
    assert answer["result"]["where"] == "inbox"
    assert len(inbox.entries(case_vault)) == 1


@pytest.mark.slow
@pytest.mark.usefixtures("display")
def test_the_keyboard_shortcut_captures_the_open_tab(
        case_vault: Path, cli: Cli, home: Path) -> None:
    """Alt+Shift+S pressed on the display (as a keyboard does, not through the page)
    captures the open tab with the last choice once the banner was explained."""
    import time

    from tests.extension import xkeys

    if not xkeys.available():
        pytest.skip("libXtst is not installed (Debian package libxtst6; scripts/setup)")
    assert cli("browser", "install-host", "--browser", "chromium").code == 0
    with tempfile.TemporaryDirectory(dir="/tmp") as short, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            home / ".config" / "chromium", executable_path="/usr/bin/chromium",
            headless=False, env={**os.environ, "TMPDIR": short},
            args=[f"--disable-extensions-except={EXTENSION}",
                  f"--load-extension={EXTENSION}"])
        try:
            worker = _worker(context)
            worker.evaluate("chrome.storage.local.set({explained: true, "
                            "choice: {case: 'Berichten van X'}})")
            with serve() as base:
                page = context.pages[0]
                page.goto(base + "/login")
                page.goto(base + "/bram.subject/")
                page.bring_to_front()
                page.click("h1")
                xkeys.press("Alt_L", "Shift_L", "s")
                state = None
                until = time.monotonic() + 90
                while time.monotonic() < until:
                    state = worker.evaluate(
                        "chrome.storage.session.get('state').then((s) => s.state || null)")
                    if state and not state.get("busy"):
                        break
                    time.sleep(0.5)
        finally:
            context.close()
    assert state is not None and state.get("result"), state
    assert state["result"]["where"] == "inbox"
    assert len(inbox.entries(case_vault)) == 1
