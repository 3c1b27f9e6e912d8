"""What checking a blob before reusing it costs (issue 22, W8).

A blob already at a name is reused only when it decrypts whole to the same SHA-256
(``BlobStore._publish``). That check is paid only when the same bytes are sealed again
(a folder added twice, a photo sent in two chats). This seals ``--files`` small files,
then seals them all again, and times the second pass with and without the check.

    .venv/bin/python benchmarks/blob_reuse.py [--files 10000] [--size 4096]

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


def seal_all(store: BlobStore, payloads: list[bytes]) -> float:
    start = time.perf_counter()
    for data in payloads:
        store.ingest(io.BytesIO(data), durable=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=4096)
    args = parser.parse_args()
    block = os.urandom(args.size)
    payloads = [block[:-8] + i.to_bytes(8, "big") for i in range(args.files)]
    with tempfile.TemporaryDirectory() as tmp:
        store = BlobStore(Path(tmp), secrets.token_bytes(32), secrets.token_bytes(32))
        store.create_dirs()
        first = seal_all(store, payloads)
        checked = seal_all(store, payloads)
        store.check = lambda sha256: None  # type: ignore[method-assign]  # the old reuse
        unchecked = seal_all(store, payloads)
    print(f"{args.files} files of {args.size} B: first seal {first:.2f} s; "
          f"sealed again, checked {checked:.2f} s, unchecked {unchecked:.2f} s "
          f"(check adds {checked - unchecked:+.2f} s, "
          f"{(checked - unchecked) / args.files * 1e6:.0f} µs a file)")


if __name__ == "__main__":
    main()
