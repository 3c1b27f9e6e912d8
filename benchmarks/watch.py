"""Watch benchmark: one pass over N watched local pages against a bare capture of the
same pages, and the compare step's own cost, in the same run.

For each round: every page is captured once through the capture service ("bare": what
``spoorvast capture`` does), then every page is run as a watch (the same capture, then
reading the sealed capture back and classifying it against the previous run, writing
findings, events and custody entries). The watches get one untimed run first, so every
timed run has a capture to compare with. Half of the pages change between runs (one
word edited), so the word diff and the findings are exercised.

Prints per round: seconds per bare capture, per watch run, the ratio, and the compare
step (read back + classify + write) in ms and as a share of the capture (budget ≤ 10 %).
Pages are served on 127.0.0.1 (≈20 KB of text, 6 pictures). Median of the rounds.

    .venv/bin/python benchmarks/watch.py [--pages 100] [--rounds 3]

Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image, ImageDraw

from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.service import CaptureService
from spoorvast.services import cases
from spoorvast.services.watch import service, store
from spoorvast.services.watch.runner import LocalRunner
from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib

OPTIONS = CaptureOptions(allow_private_network=True, timeout_seconds=30,
                         load_timeout_seconds=15, settle_seconds=0.5)
STATE = {"round": 0}


def _image(n: int) -> bytes:
    image = Image.new("RGB", (240, 160), (n * 37 % 255, 90, 150))
    ImageDraw.Draw(image).ellipse((20 + n * 7 % 80, 20, 140, 140), fill="white")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


IMAGES = [_image(n) for n in range(12)]


def _page(n: int) -> bytes:
    edit = f"version {STATE['round']}" if n % 2 else "steady"
    paragraphs = "".join(f"<p>Synthetic post {i} of page {n} ({edit}). " + "words here " * 25
                         + "</p>" for i in range(60))
    images = "".join(f'<img src="/img/{(n + i) % 12}.png" width="240" height="160">'
                     for i in range(6))
    return (f"<!doctype html><html><head><title>Watched page {n}</title></head><body>"
            f"<h1>Page {n}</h1>{images}{paragraphs}</body></html>").encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.startswith("/img/"):
            body, kind = IMAGES[int(self.path[5:].split(".")[0]) % 12], "image/png"
        elif self.path.strip("/").isdigit():
            body, kind = _page(int(self.path.strip("/"))), "text/html; charset=utf-8"
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


def _bare(vault: vaultlib.Vault, case: object, session: BrowserSession,
          urls: list[str]) -> float:
    assert session.info is not None

    def open_context(har: Path, proxy: str):  # type: ignore[no-untyped-def]
        return session.new_context(OPTIONS, har, proxy)

    capture = CaptureService(vault, case, OPTIONS, session.info, open_context,  # type: ignore[arg-type]
                             session.playwright)
    started = time.perf_counter()
    for url in urls:
        capture.capture(url)
    return (time.perf_counter() - started) / len(urls)


def _watched(vault: vaultlib.Vault, case: object, runner: LocalRunner,
             ids: list[int]) -> tuple[float, float]:
    """(seconds per watch run, seconds of compare per run)."""
    rng, compare, started = random.Random(1), 0.0, time.perf_counter()
    for watch_id in ids:
        watch = store.watch(vault, case.id, watch_id)  # type: ignore[attr-defined]
        ran_at = time.time()
        label = runner.capture(case, watch)  # type: ignore[arg-type]
        before = time.perf_counter()
        service.record_run(vault, case, watch,  # type: ignore[arg-type]
                           cases.find_item(vault, case, label), ran_at, rng)  # type: ignore[arg-type]
        compare += time.perf_counter() - before
    return (time.perf_counter() - started) / len(ids), compare / len(ids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = [f"{base}/{n}" for n in range(args.pages)]
    kdf = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
    rows = []
    with tempfile.TemporaryDirectory() as folder, BrowserSession() as session:
        vault = vaultlib.create(Path(folder) / "vault", "bench passphrase", kdf)
        case = cases.create_case(vault, "Bench", "en", "Europe/Brussels")
        runner = LocalRunner(vault, OPTIONS, session)
        ids = [service.add(vault, case, url, 3600, private=True).id for url in urls]
        _watched(vault, case, runner, ids)  # the first runs: a capture to compare with
        for round_ in range(args.rounds):
            STATE["round"] = round_ + 1
            bare = _bare(vault, case, session, urls)
            per_watch, compare = _watched(vault, case, runner, ids)
            rows.append((bare, per_watch, compare))
            print(f"round {round_ + 1}: bare {bare:.2f} s/page · watch {per_watch:.2f} "
                  f"s/page · ratio {per_watch / bare:.2f}× · compare {compare * 1000:.0f} ms "
                  f"= {compare / (per_watch - compare) * 100:.1f} % of the capture",
                  flush=True)
        vault.close()
    server.shutdown()
    bare = statistics.median(r[0] for r in rows)
    per_watch = statistics.median(r[1] for r in rows)
    compare = statistics.median(r[2] for r in rows)
    print(f"median of {args.rounds} rounds, {args.pages} pages: bare {bare:.2f} s/page, "
          f"watch {per_watch:.2f} s/page ({per_watch / bare:.2f}×), compare "
          f"{compare * 1000:.0f} ms/page = {compare / (per_watch - compare) * 100:.1f} % of "
          "the capture (budget ≤ 10 %)")


if __name__ == "__main__":
    main()
