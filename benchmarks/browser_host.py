"""The native messaging host on a large page: peak memory and throughput.

The host process (``python -m spoorvast.cli.browser_host``) receives one capture whose
page answer is ``--mib`` MiB, in 384 KiB chunks (512 KiB of base64) as the extension
sends them, and writes it encrypted into the vault's inbox. Its peak resident memory
(``VmHWM``) is compared with a bare Python process that reads the same messages and
decodes the base64 and throws the bytes away (the floor of
native messaging: JSON and base64), and its time with that same bare reader. Then the entry is
sealed into the vault (``drain``), which holds one body in memory (measured too).

    PYTHONPATH=. .venv/bin/python benchmarks/browser_host.py [--mib 200] [--no-drain]

Prints one line per measurement and the ratios. Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from spoorvast.services.browser_host import EXTENSION_ID
from spoorvast.storage import crypto, inbox
from spoorvast.storage import vault as vaultlib

CHUNK = 384 * 1024
BARE = r"""
import base64, json, struct, sys
src, out = sys.stdin.buffer, sys.stdout.buffer
while True:
    head = src.read(4)
    if not head:
        break
    msg = json.loads(src.read(struct.unpack("=I", head)[0]))
    if msg["type"] == "chunk":
        base64.b64decode(msg["data"])
    if msg["type"] in ("close", "end", "hello", "begin"):
        data = json.dumps({"type": "ok"}).encode()
        out.write(struct.pack("=I", len(data)) + data); out.flush()
    if msg["type"] == "end":
        print(open("/proc/self/status").read().split("VmHWM:")[1].split()[0],
              file=sys.stderr)
"""


def frame(value: dict[str, object]) -> bytes:
    data = json.dumps(value).encode()
    return struct.pack("=I", len(data)) + data


def messages(mib: int) -> Iterator[bytes]:
    block = os.urandom(CHUNK)
    yield frame({"type": "hello"})
    yield frame({"type": "begin", "meta": {"url": "http://127.0.0.1/big", "title": "big",
                                           "captured_at": time.time() * 1000}})
    yield frame({"type": "open", "id": "r1", "kind": "response", "url": "http://127.0.0.1/big",
                 "status": 200, "resource_type": "Document",
                 "response_headers": [["Content-Type", "application/octet-stream"]]})
    digest = hashlib.sha256()
    for _ in range(mib * (1 << 20) // CHUNK):
        digest.update(block)
        yield frame({"type": "chunk", "id": "r1", "data": base64.b64encode(block).decode()})
    yield frame({"type": "close", "id": "r1", "sha256": digest.hexdigest()})
    yield frame({"type": "end"})


def feed(process: subprocess.Popen[bytes], mib: int) -> None:
    assert process.stdin is not None
    for data in messages(mib):
        process.stdin.write(data)
    process.stdin.close()


def run(argv: list[str], env: dict[str, str], mib: int) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)
    writer = threading.Thread(target=feed, args=(process, mib))
    writer.start()
    peak = 0
    assert process.stdout is not None
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak = max(peak, int(status.split("VmHWM:")[1].split()[0]))
        except (OSError, IndexError):
            pass
        time.sleep(0.05)
    out = process.stdout.read()
    writer.join()
    return time.perf_counter() - started, peak, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=200)
    parser.add_argument("--no-drain", action="store_true",
                        help="measure the host only (sealing holds one body in memory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "vault"
        kdf = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
        with vaultlib.create(root, "benchmark passphrase", kdf) as vault:
            inbox.ensure_keys(vault.root, vault.keyring)
        env = {**os.environ, "SPOORVAST_VAULT": str(root)}
        bare_s, _, _ = run([sys.executable, "-c", BARE], env, args.mib)
        bare_peak = run([sys.executable, "-c", BARE], env, 1)[1]
        host_s, host_peak, _ = run([sys.executable, "-m", "spoorvast.cli.browser_host",
                                    f"chrome-extension://{EXTENSION_ID}/"], env, args.mib)
        print(f"bare reader: {bare_s:.2f} s, peak {bare_peak / 1024:.0f} MiB (1 MiB input)")
        print(f"host:        {host_s:.2f} s, peak {host_peak / 1024:.0f} MiB "
              f"({args.mib} MiB page, {args.mib / host_s:.0f} MiB/s)")
        print(f"ratio time host/bare: {host_s / bare_s:.2f}; "
              f"host peak - bare peak: {(host_peak - bare_peak) / 1024:.0f} MiB")
        if args.no_drain:
            return
        from spoorvast.services.browser_capture import drain

        started = time.perf_counter()
        with vaultlib.open_vault(root, "benchmark passphrase") as vault:
            sealed = drain(vault).sealed
        used = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"drain (seal into the vault): {time.perf_counter() - started:.2f} s, "
              f"{len(sealed)} item, this process's peak {used / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
