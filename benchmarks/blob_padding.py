"""What padding blobs (issue 22, W12) costs: time to seal, and bytes on disk.

Seals one ``--big-mib`` MiB file and ``--files`` files of 100 KB into a bare blob store
(no database), three times, and prints the best times and the stored bytes against the
plaintext. Run it with ``PYTHONPATH`` at a tree before the change to compare.

    .venv/bin/python benchmarks/blob_padding.py [--big-mib 200] [--files 2000]

Measured 2026-12-07 on the shared 2-core machine (load average 14, so times are noisy):
before 0.57-0.83 s and 2.0-4.6 s, after 0.59-0.61 s and 3.1-4.3 s (no difference beyond
the noise); stored bytes 409,814,432 before, 414,712,800 after, for 409,715,200 bytes of
plaintext (+1.2 %; Padmé adds at most 12 %, about 2 % at 100 KB and 3 % at 1 GB).

Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import tempfile
import time
from pathlib import Path

from spoorvast.storage.blobs import BlobStore


def once(big: bytes, small: list[bytes]) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = BlobStore(Path(tmp), secrets.token_bytes(32), secrets.token_bytes(32))
        store.create_dirs()
        start = time.perf_counter()
        store.ingest(io.BytesIO(big), durable=False)
        middle = time.perf_counter()
        for data in small:
            store.ingest(io.BytesIO(data), durable=False)
        end = time.perf_counter()
        stored = sum(p.stat().st_size for p in store.blob_dir.glob("*/*"))
    return middle - start, end - middle, stored


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big-mib", type=int, default=200)
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    big = os.urandom(args.big_mib << 20)
    small = [os.urandom(100_000 - 8) + i.to_bytes(8, "big") for i in range(args.files)]
    runs = [once(big, small) for _ in range(3)]
    plain = len(big) + sum(map(len, small))
    stored = runs[0][2]
    print(f"one {args.big_mib} MiB file {min(r[0] for r in runs):.2f} s; "
          f"{args.files} files of 100 KB {min(r[1] for r in runs):.2f} s; stored "
          f"{stored:,} bytes for {plain:,} of plaintext (+{100 * (stored / plain - 1):.1f} %)")


if __name__ == "__main__":
    main()
