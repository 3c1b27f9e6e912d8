"""The phone page's pipeline alone (no network): its two workers (sealing, hashing) on
one file, vs the same work done one step after the other on one thread (the yardstick).

Serves the drop page's code from an in-process app on loopback, gives headless Chromium
a file of ``--mib`` MiB through the page's file input (as a phone's picker does), and
per round times (a) the serial yardstick: read 8 MiB, SHA-256 it, seal it as the
secretstream (1 MiB chunks), with libsodium.js on the page's thread; (b) the page's
pipeline: ``drop-hash.js`` and ``drop-seal.js`` at once, each part made into a Blob as
before a send (the workers made once, as the page does; one warm-up round of each is
not counted). Both must give the same SHA-256. Prints each round's speed-up (serial
time / pipeline time) and the median. Upload speed is ``drop_upload.py``'s.

Measured 2026-12-07 on the 2-core machine shared with other work (load average 17-22),
200 MiB, 3 rounds: speed-up 1.02x, 1.05x, 1.26x (median 1.05x; 20-31 MiB/s): with the
cores this busy, two threads get little more than one. In an ad-hoc run of the same
kind, the page's earlier pipeline (encrypting on the page's thread, a hashing worker
fed copies of each piece) took 11.2 s for the 200 MiB and the two workers 8.1 s (median
of 3, 1.39x). The slowest step is libsodium.js's SHA-256 (one thread, it cannot be
split); files up to 16 MiB are hashed by WebCrypto instead.

    PYTHONPATH=. .venv/bin/python benchmarks/drop_page_pipeline.py [--mib 200] [--rounds 3]

Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from spoorvast.server import routes_droppage
from tests.web.conftest import CHROMIUM

SERIAL = """async () => {
  const sodium = (await import("/drop/static/vendor/libsodium-wrappers-sumo.mjs")).default;
  await sodium.ready;
  const file = document.getElementById("files").files[0];
  const CHUNK = 1 << 20, PIECE = 8 << 20;
  const t0 = performance.now();
  const hash = sodium.crypto_hash_sha256_init();
  const pushed = sodium.crypto_secretstream_xchacha20poly1305_init_push(
    sodium.crypto_secretstream_xchacha20poly1305_keygen());
  const ad = sodium.from_string("upload");
  for (let offset = 0; offset < file.size;) {
    const read = new Uint8Array(await file.slice(offset, offset + PIECE).arrayBuffer());
    sodium.crypto_hash_sha256_update(hash, read);
    const sealed = [];
    for (let at = 0; at < read.length; at += CHUNK) {
      const last = offset + Math.min(read.length, at + CHUNK) >= file.size;
      sealed.push(sodium.crypto_secretstream_xchacha20poly1305_push(pushed.state,
        read.subarray(at, at + CHUNK), ad, last
          ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
          : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
    }
    new Blob(sealed);
    offset += read.length;
  }
  const hex = sodium.to_hex(sodium.crypto_hash_sha256_final(hash));
  return [hex, (performance.now() - t0) / 1000];
}"""
PIPELINE = """async () => {
  const file = document.getElementById("files").files[0];
  const worker = (name) => new Worker("/drop/static/" + name, {type: "module"});
  // made once, as the page makes them at its start
  const hasher = window.benchHasher = window.benchHasher || worker("drop-hash.js");
  const sealer = window.benchSealer = window.benchSealer || worker("drop-seal.js");
  const t0 = performance.now();
  const hashed = new Promise((done) => {
    hasher.onmessage = (e) => done(e.data.hex);
    hasher.postMessage({file});
  });
  const sealed = new Promise((done) => {
    sealer.onmessage = (e) => {
      if (e.data.type === "part") {
        new Blob([e.data.bytes]);
        sealer.postMessage({type: "credit"});
      } else if (e.data.type === "sealed") { done(); }
    };
    sealer.postMessage({type: "seal", file, key: new Uint8Array(32), upload: "upload",
                        credits: 4});
  });
  const [hex] = await Promise.all([hashed, sealed]);
  return [hex, (performance.now() - t0) / 1000];
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = FastAPI()
    app.include_router(routes_droppage.router)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.bin"
        with path.open("wb") as out:
            for _ in range(args.mib):
                out.write(os.urandom(1 << 20))
        ratios = rounds(f"http://127.0.0.1:{sock.getsockname()[1]}/drop", path, args)
    server.should_exit = True
    print(f"median speed-up {statistics.median(ratios):.2f}x (serial / pipeline) for "
          f"{args.mib} MiB")


def rounds(url: str, path: Path, args: argparse.Namespace) -> list[float]:
    from playwright.sync_api import sync_playwright

    ratios = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page: Any = browser.new_page()
        page.goto(url)
        page.set_input_files("#files", str(path))
        page.evaluate(SERIAL)  # warm: libsodium.js loaded on the page and in the workers
        page.evaluate(PIPELINE)
        for number in range(1, args.rounds + 1):
            serial_hex, serial = page.evaluate(SERIAL)
            pipeline_hex, pipeline = page.evaluate(PIPELINE)
            assert serial_hex == pipeline_hex, "the two SHA-256 differ"
            ratios.append(serial / pipeline)
            print(f"round {number}: serial {args.mib / serial:6.1f} MiB/s, pipeline "
                  f"{args.mib / pipeline:6.1f} MiB/s, speed-up {serial / pipeline:.2f}x",
                  flush=True)
        browser.close()
    return ratios


if __name__ == "__main__":
    main()
