"""The same pages captured three ways: the headless capture (``capture_all``) and the
browser extension in Debian's Chromium and in Debian's firefox-esr (host installed in a
temporary home, then sealed from the inbox). Prints, per way: time per page, network
answers in the WACZ, the files sealed and their sizes, and whether the page's own
answer has the same SHA-256 (the server sends the same bytes to all).

    PYTHONPATH=. .venv/bin/python benchmarks/extension_fidelity.py [--pages 3]

Measured 2026-12-07 (3 pages, shared 2-core machine): headless 8.11 s/page, Chromium
extension + seal 5.85, Firefox extension + seal 5.42; 21 / 22 / 22 answers in the WACZ;
the page's own answer has the same SHA-256 all three ways; Firefox makes no MHTML/PDF.

Not a test: it never fails. The pages are the capture benchmark's (200 KB of HTML and
20 images each, on 127.0.0.1).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import threading
import time
import zipfile
from http.server import ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright
from warcio.archiveiterator import ArchiveIterator

from spoorvast.capture.batch import capture_all
from spoorvast.capture.options import CaptureOptions
from spoorvast.cli.browser_host import install
from spoorvast.services import browser_capture, cases
from spoorvast.storage import crypto, inbox
from spoorvast.storage import vault as vaultlib

sys.path.insert(0, str(Path(__file__).parent))
from capture import Handler  # the capture benchmark's pages

EXTENSION = Path(__file__).resolve().parents[1] / "extension"
KDF = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
CAPTURE = """async () => {
  await chrome.storage.local.set({explained: true});
  return self.spoorvast.run(() => self.spoorvast.captureActiveTab({case: "Benchmark"}));
}"""


FIREFOX_CAPTURE = """(async () => {
  const tab = (await chrome.tabs.query({})).find((t) => t.url === URL);
  return chrome.runtime.sendMessage({type: "capture", tabId: tab.id,
                                     choice: {case: "Benchmark"}});
})()"""


def responses(wacz: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(wacz)) as archive:
        warc = archive.read("archive/data.warc.gz")
    return sum(1 for r in ArchiveIterator(io.BytesIO(warc)) if r.rec_type == "response")


def summary(vault: vaultlib.Vault) -> list[dict[str, object]]:
    case = vault.store.cases()[0]
    found = []
    for item in vault.store.items(case.id or 0):
        files = {a.name: a for a in vault.store.artifacts(item.id or 0)}
        wacz = vault.blobs.read_bytes(files["capture.wacz"].sha256)
        original = next((a for a in files.values() if a.role.value == "original"), None)
        found.append({"responses": responses(wacz),
                      "files": {n: a.size for n, a in sorted(files.items())},
                      "original": original.sha256 if original else None})
    return found


def headless(urls: list[str], root: Path) -> tuple[float, list[dict[str, object]]]:
    with vaultlib.create(root / "headless", "benchmark passphrase", KDF) as vault:
        case = cases.create_case(vault, "Benchmark", "en", "Europe/Brussels")
        began = time.perf_counter()
        capture_all(vault, case, CaptureOptions(allow_private_network=True, pdf=False), urls)
        return time.perf_counter() - began, summary(vault)


def extension(urls: list[str], root: Path) -> tuple[float, list[dict[str, object]]]:
    home = root / "home"
    os.environ["HOME"] = str(home)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        os.environ.pop(var, None)
    vault_root = root / "extension"
    with vaultlib.create(vault_root, "benchmark passphrase", KDF) as vault:
        cases.create_case(vault, "Benchmark", "en", "Europe/Brussels")
        inbox.ensure_keys(vault.root, vault.keyring)
    install(vault_root, home, ("chromium",))
    with tempfile.TemporaryDirectory(dir="/tmp") as short, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            home / ".config" / "chromium", executable_path="/usr/bin/chromium",
            headless=True, env={**os.environ, "TMPDIR": short},
            viewport={"width": 1280, "height": 800},
            args=[f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}"])
        worker = context.service_workers[0] if context.service_workers else \
            context.wait_for_event("serviceworker")
        page = context.pages[0]
        began = time.perf_counter()
        for url in urls:
            page.goto(url)
            answer = worker.evaluate(CAPTURE)
            assert answer["ok"], answer
        with vaultlib.open_vault(vault_root, "benchmark passphrase") as vault:
            browser_capture.drain(vault)
            took = time.perf_counter() - began
            context.close()
            return took, summary(vault)


def firefox(urls: list[str], root: Path) -> tuple[float, list[dict[str, object]]]:
    import json

    from tests.extension.firefox import BASE
    from tests.extension.firefox import firefox as start_firefox

    home = root / "ff-home"
    home.mkdir()
    os.environ["HOME"] = str(home)
    vault_root = root / "firefox"
    with vaultlib.create(vault_root, "benchmark passphrase", KDF) as vault:
        cases.create_case(vault, "Benchmark", "en", "Europe/Brussels")
        inbox.ensure_keys(vault.root, vault.keyring)
    install(vault_root, home, ("firefox",))
    with start_firefox(home, EXTENSION) as bidi:
        page = bidi.tab("about:blank")
        popup = bidi.tab(BASE + "/popup.html")
        began = time.perf_counter()
        for url in urls:
            bidi.call("browsingContext.navigate", {"context": page, "url": url,
                                                   "wait": "complete"})
            answer = bidi.evaluate(popup, FIREFOX_CAPTURE.replace("URL", json.dumps(url)))
            assert answer["ok"], answer
    with vaultlib.open_vault(vault_root, "benchmark passphrase") as vault:
        browser_capture.drain(vault)
        return time.perf_counter() - began, summary(vault)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=3)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{server.server_address[1]}/{n}" for n in range(args.pages)]
    with tempfile.TemporaryDirectory() as tmp:
        head_s, head = headless(urls, Path(tmp))
        ext_s, ext = extension(urls, Path(tmp))
        ff_s, ff = firefox(urls, Path(tmp))
    server.shutdown()
    print(f"headless capture: {head_s / len(urls):.2f} s/page (no PDF)")
    print(f"extension + seal: {ext_s / len(urls):.2f} s/page (reload under the debugger)")
    print(f"Firefox + seal:   {ff_s / len(urls):.2f} s/page (reload under webRequest filters; "
          f"includes closing Firefox)")
    for n, (h, e, f) in enumerate(zip(head, ext, ff, strict=True)):
        print(f"page {n}: responses in WACZ headless {h['responses']} / extension "
              f"{e['responses']} / Firefox {f['responses']}; same original as headless: "
              f"Chromium {h['original'] == e['original']}, "
              f"Firefox {h['original'] == f['original']}")
        print(f"  headless files:  {h['files']}")
        print(f"  extension files: {e['files']}")
        print(f"  Firefox files:   {f['files']}")


if __name__ == "__main__":
    main()
