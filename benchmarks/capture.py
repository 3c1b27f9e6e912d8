"""Capture benchmark: ``spoorvast capture`` against a bare Playwright script doing goto +
full-page screenshot + MHTML + PDF of the same local pages, in the same run.

Budget (DESIGN.md): spoorvast's total ≤ 1.5× the bare script's. Also prints captures per
minute for a 20-URL batch. Pages are served on 127.0.0.1 (≈200 KB of HTML, 20 images,
a few thousand pixels tall). Both sides launch one browser and use a fresh context per
page. Ours also records the HAR, scrolls, takes a viewport PNG and the DOM, builds the
WARC/WACZ and the provenance record, and seals and records everything in the vault.

    .venv/bin/python benchmarks/capture.py [--pages 5] [--batch 20]

Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from spoorvast.capture.batch import capture_all
from spoorvast.capture.browser import EXTRA_ARGS, chromium_path
from spoorvast.capture.options import CaptureOptions
from spoorvast.services import cases
from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib


def _image(n: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (n * 12 % 255, 80, 160)).save(out, "PNG")
    return out.getvalue()


IMAGES = [_image(n) for n in range(20)]


def _page(n: int) -> bytes:
    paragraphs = "".join(f"<p>Synthetic paragraph {i} of page {n}. " + "lorem ipsum " * 30
                         + "</p>" for i in range(300))
    images = "".join(f'<img src="/img/{i}.png" width="300" height="200">' for i in range(20))
    return (f"<!doctype html><html><head><title>Bench page {n}</title></head><body>"
            f"<h1>Page {n}</h1>{images}{paragraphs}</body></html>").encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.startswith("/img/"):
            body, kind = IMAGES[int(self.path[5:].split(".")[0]) % 20], "image/png"
        elif self.path.strip("/").isdigit():
            body, kind = _page(int(self.path.strip("/"))), "text/html"
        else:
            body, kind = b"", "text/plain"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def bare(urls: list[str]) -> float:
    began = time.perf_counter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=EXTRA_ARGS)
        for url in urls:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(url)
            page.screenshot(full_page=True)
            cdp = context.new_cdp_session(page)
            cdp.send("Page.captureSnapshot", {"format": "mhtml"})
            page.pdf()
            context.close()
        browser.close()
    return time.perf_counter() - began


def ours(urls: list[str], root: Path) -> float:
    kdf = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
    with vaultlib.create(root / f"vault-{len(urls)}", "benchmark passphrase", kdf) as vault:
        case = cases.create_case(vault, "Benchmark", "en", "Europe/Brussels")
        options = CaptureOptions(allow_private_network=True)
        began = time.perf_counter()
        outcomes = capture_all(vault, case, options, urls)
        took = time.perf_counter() - began
    assert all(hasattr(o, "label") for o in outcomes), outcomes
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = [f"{base}/{n}" for n in range(args.pages)]
    with tempfile.TemporaryDirectory() as tmp:
        bare(urls[:1])  # warm the page cache for both
        bare_s = bare(urls)
        ours_s = ours(urls, Path(tmp))
        print(f"bare Playwright (goto + full PNG + MHTML + PDF), {len(urls)} pages: "
              f"{bare_s:.2f} s")
        print(f"spoorvast capture, same pages:                     {ours_s:.2f} s")
        print(f"ratio: {ours_s / bare_s:.2f}x (budget 1.5x)")
        batch = [f"{base}/{n}" for n in range(args.batch)]
        batch_s = ours(batch, Path(tmp))
        print(f"batch of {len(batch)} URLs: {batch_s:.1f} s = "
              f"{60 * len(batch) / batch_s:.1f} captures/minute")
    server.shutdown()


if __name__ == "__main__":
    main()
