"""What a resumable upload costs the server over sealing the same bytes in one stream.

A resumable upload keeps what arrives encrypted in ``<vault>/partial`` (AES-GCM records)
and, once whole, reads it back, decrypts it and seals it as one blob (hash + encrypt +
write). The baseline is :meth:`BlobStore.ingest` of the same bytes as they arrive (what
a one-request upload does). Printed per round: the baseline, the pieces written (what
happens while the upload runs), the finish (read back + seal: what the person waits for
after the last byte), and the ratios. Median of the rounds. Not a test.

    .venv/bin/python benchmarks/resumable_finish.py [--mib 256] [--rounds 3]
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from spoorvast.storage.blobs import BlobStore
from spoorvast.storage.partials import PartialStore

PIECE = 8 << 20  # what the page sends per request


def _data(mib: int) -> bytes:
    block = os.urandom(1 << 20)
    return b"".join(block[:-8] + i.to_bytes(8, "big") for i in range(mib))


def _round(root: Path, data: bytes) -> tuple[float, float, float]:
    blobs = BlobStore(root / "direct", secrets.token_bytes(32), secrets.token_bytes(32))
    blobs.create_dirs()
    started = time.perf_counter()
    direct = blobs.ingest(io.BytesIO(data), durable=False)
    baseline = time.perf_counter() - started
    blobs.remove(direct.sha256)

    store = PartialStore(root, secrets.token_bytes(32))
    upload = store.create()
    started = time.perf_counter()
    for at in range(0, len(data), PIECE):
        appender = store.appender(upload, at)
        view = memoryview(data)[at:at + PIECE]
        for inner in range(0, len(view), 1 << 16):  # as the server receives it
            appender.write(bytes(view[inner:inner + (1 << 16)]))
        appender.commit()
    pieces = time.perf_counter() - started
    sealer = BlobStore(root / "resumed", secrets.token_bytes(32), secrets.token_bytes(32))
    sealer.create_dirs()
    started = time.perf_counter()
    with store.open(upload) as kept:
        sealed = sealer.ingest(kept, durable=False)
    finish = time.perf_counter() - started
    assert sealed.sha256 == direct.sha256 and sealed.size == len(data)
    store.remove(upload)
    sealer.remove(sealed.sha256)
    return baseline, pieces, finish


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = _data(args.mib)
    rows = []
    with tempfile.TemporaryDirectory(dir=Path.home()) as folder:
        for number in range(args.rounds):
            baseline, pieces, finish = _round(Path(folder), data)
            rows.append((baseline, pieces, finish))
            print(f"round {number + 1}: one stream {baseline:.2f} s · pieces kept "
                  f"{pieces:.2f} s · finish (read back + seal) {finish:.2f} s · "
                  f"finish/one stream {finish / baseline:.2f}× · "
                  f"(pieces+finish)/one stream {(pieces + finish) / baseline:.2f}×")
    base, kept, done = (statistics.median(column) for column in zip(*rows, strict=True))
    print(f"median of {args.rounds} ({args.mib} MiB): one stream {base:.2f} s "
          f"({args.mib / base:.0f} MiB/s) · pieces kept {kept:.2f} s · finish {done:.2f} s "
          f"({args.mib / done:.0f} MiB/s) · finish/one stream {done / base:.2f}× · "
          f"total/one stream {(kept + done) / base:.2f}×")


if __name__ == "__main__":
    main()
