"""The extension in Firefox (Debian's firefox-esr, driven over WebDriver BiDi, the
extension installed as a temporary add-on, the host installed by ``spoorvast browser
install-host --browser firefox`` into a temporary home): pages on 127.0.0.1 captured
through webRequest.filterResponseData land in the inbox (the vault is locked) and are
sealed at the next unlock with the SHA-256 of the bytes the server sent, also for a page
in windows-1252 (sent gzip-compressed: of its bytes once the compression is undone);
the host, started as Firefox starts it, refuses a foreign add-on ID. Also: ``web-ext
lint`` finds no error in the one source tree both browsers load."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from spoorvast.cli.browser_host import install
from spoorvast.services.browser_host import FIREFOX_ID
from spoorvast.storage import inbox
from spoorvast.storage import vault as vaultlib
from tests.conftest import PASSPHRASE, Cli
from tests.extension.pages import GZIPPED, LATIN, PNG, PROFILE, SECRET, serve

EXTENSION = Path(__file__).resolve().parents[2] / "extension"
WEB_EXT = Path(__file__).parent / ".tools" / "node_modules" / ".bin" / "web-ext"
FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")


def test_the_gecko_id_is_the_pinned_firefox_id() -> None:
    manifest = json.loads((EXTENSION / "manifest.json").read_text())
    assert manifest["browser_specific_settings"]["gecko"]["id"] == FIREFOX_ID
    # one tree for both: Chromium takes the service worker, Firefox the scripts
    assert manifest["background"]["scripts"] == [manifest["background"]["service_worker"]]
    assert "webRequestFilterResponse" in manifest["permissions"]


@pytest.mark.slow
@pytest.mark.skipif(not WEB_EXT.is_file() and not os.environ.get("CI"),
                    reason="web-ext not installed (scripts/test installs it when npm is "
                           "there: npm install --prefix tests/extension/.tools web-ext@8)")
def test_web_ext_lint_finds_no_error() -> None:
    done = subprocess.run([str(WEB_EXT), "lint", "--source-dir", str(EXTENSION),
                           "--output", "json", "--no-input"],
                          capture_output=True, timeout=180, check=False)
    report = json.loads(done.stdout)
    assert report["errors"] == [], report["errors"]


def _launch(launcher: Path, caller: str) -> tuple[int, bytes]:
    import struct

    hello = json.dumps({"type": "hello"}).encode()
    # Firefox starts the host with the host manifest's path, then the add-on ID
    done = subprocess.run([str(launcher), "/path/to/org.spoorvast.capture.json", caller],
                          input=struct.pack("=I", len(hello)) + hello,
                          capture_output=True, timeout=60, check=False)
    return done.returncode, done.stdout[4:]


@pytest.mark.slow
def test_the_host_started_as_firefox_starts_it_refuses_a_foreign_add_on(
        case_vault: Path, tmp_path: Path) -> None:
    with vaultlib.open_vault(case_vault, PASSPHRASE) as vault:
        inbox.ensure_keys(vault.root, vault.keyring)
    [manifest] = install(case_vault, tmp_path / "home", ("firefox",))
    assert manifest.parent == tmp_path / "home" / ".mozilla" / "native-messaging-hosts"
    launcher = Path(json.loads(manifest.read_text())["path"])
    code, reply = _launch(launcher, "evil@example.org")
    assert (code, json.loads(reply)) == (3, {"type": "error", "code": "refused"})
    code, reply = _launch(launcher, FIREFOX_ID)
    assert code == 0 and json.loads(reply)["type"] == "ready"


SHOWN = """(async () => {
  for (let i = 0; i < 50 && document.getElementById("form").hidden; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [document.getElementById("explain").hidden, document.getElementById("form").hidden];
})()"""
CAPTURE = """(async () => {
  const tab = (await chrome.tabs.query({})).find((t) => t.url.startsWith(%s));
  return chrome.runtime.sendMessage({type: "capture", tabId: tab.id, choice: %s});
})()"""


@pytest.mark.slow
def test_firefox_capture_lands_in_inbox_and_is_sealed_with_the_servers_bytes(
        case_vault: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if FIREFOX is None:
        if os.environ.get("CI"):
            pytest.fail("firefox-esr is missing in CI: scripts/setup installs it")
        pytest.skip("firefox-esr is not installed (Debian package; sh scripts/setup)")
    if not os.environ.get("CI"):
        pytest.importorskip("websockets", reason="websockets is not installed (the test "
                            "extra: pip install -e '.[test]')")
    from tests.extension.firefox import BASE, firefox

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    installed = cli("browser", "install-host", "--browser", "firefox")
    assert installed.code == 0, installed.err
    assert (home / ".mozilla/native-messaging-hosts/org.spoorvast.capture.json").is_file()
    answers = []
    with serve() as base, firefox(home, EXTENSION) as bidi:
        page = bidi.tab(base + "/login")
        bidi.call("browsingContext.navigate", {"context": page, "url": base + "/bram.subject/",
                                               "wait": "complete"})
        popup = bidi.tab(BASE + "/popup.html")
        # no debugging banner in Firefox: the popup opens on its form, not the explanation
        assert bidi.evaluate(popup, SHOWN) == [True, False]
        answers.append(bidi.evaluate(popup, CAPTURE % (json.dumps(base + "/bram"),
                                                       json.dumps({"case": "Berichten van X"}))))
        bidi.call("browsingContext.navigate", {"context": page, "url": base + "/latin",
                                               "wait": "complete"})
        answers.append(bidi.evaluate(popup, CAPTURE % (json.dumps(base + "/latin"), "{}")))
        bidi.call("browsingContext.navigate", {"context": page, "url": base + "/gzipped",
                                               "wait": "complete"})
        answers.append(bidi.evaluate(popup, CAPTURE % (json.dumps(base + "/gzipped"), "{}")))
    for answer in answers:
        assert answer["ok"], answer
        assert answer["result"]["where"] == "inbox"
    entries = inbox.entries(case_vault)
    assert len(entries) == 3
    assert all(SECRET.encode() not in e.read_bytes() and LATIN not in e.read_bytes()
               for e in entries)  # encrypted at once

    assert cli("case", "use", "1").code == 0  # any command that opens the vault seals it
    assert inbox.entries(case_vault) == []
    with vaultlib.open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        items = [vault.store.item(case.id or 0, n) for n in (1, 2, 3)]
        pages = {}
        for item in items:
            assert item is not None and item.importer == "capture"
            files = {a.name: a for a in vault.store.artifacts(item.id or 0)}
            assert {"viewport.png", "full-page.png", "capture.wacz", "capture.json"} <= set(files)
            [html] = [a for name, a in files.items() if name.endswith(".html")]
            record = json.loads(vault.blobs.read_bytes(files["capture.json"].sha256))
            assert record["fidelity"]["path"] == "firefox-webrequest-reload"
            assert record["text_bodies"] == [] and record["bodies_missing"] == []
            assert record["extension"]["id"] == FIREFOX_ID
            assert record["extension"]["matches_shipped"] is True
            assert "Firefox" in (record["browser"]["version"] or "")
            assert record["response"]["server_ip"] == "127.0.0.1"
            # facts sent with the end (the answers were streamed while the page loaded)
            assert record["page_state"]["settle"]["loaded"] is True
            assert isinstance(record["screenshot"]["page_height"], int)
            pages[record["url"].rsplit("/", 1)[-1] or "profile"] = (html, files)
        (profile, files), (latin, _) = pages["profile"], pages["latin"]
        # sent gzip-compressed: Firefox's filter sees the body with the transfer's
        # compression undone (as Chromium's debugger does), its bytes otherwise untouched
        gzipped = pages["gzipped"][0]
        assert gzipped.sha256 == hashlib.sha256(LATIN).hexdigest()
        assert gzipped.sha256 != hashlib.sha256(GZIPPED).hexdigest()
        assert profile.sha256 == hashlib.sha256(PROFILE).hexdigest()
        assert vault.blobs.read_bytes(profile.sha256) == PROFILE
        wacz = vault.blobs.read_bytes(files["capture.wacz"].sha256)
        assert hashlib.sha256(PNG).hexdigest() in _payload_digests(wacz)
        # the windows-1252 bytes as the server sent them (not re-encoded as UTF-8)
        assert latin.sha256 == hashlib.sha256(LATIN).hexdigest()
        assert vault.blobs.read_bytes(latin.sha256) == LATIN


def _payload_digests(wacz: bytes) -> set[str]:
    import io
    import zipfile

    from warcio.archiveiterator import ArchiveIterator

    with zipfile.ZipFile(io.BytesIO(wacz)) as archive:
        warc = archive.read("archive/data.warc.gz")
    return {hashlib.sha256(r.content_stream().read()).hexdigest()
            for r in ArchiveIterator(io.BytesIO(warc)) if r.rec_type == "response"}
