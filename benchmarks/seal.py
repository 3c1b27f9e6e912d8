"""Sealing benchmark: ``spoorvast add`` against ``openssl dgst -sha256`` on the same bytes.

Budget (DESIGN.md): ≤ 1.5× for one 1 GiB file with peak memory < 200 MB, and ≤ 3× for
10,000 files of 100 KB. Both sides read warm files from the page cache; ours also
encrypts, writes, flushes to disk (syncfs) and records items and custody entries.

    .venv/bin/python benchmarks/seal.py [--big-mib 1024] [--files 10000]

Prints one line per measurement and the ratios. Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "benchmark passphrase 1234"


def make_big(path: Path, mib: int) -> None:
    block = os.urandom(1 << 20)
    with path.open("wb") as out:
        for i in range(mib):
            out.write(block[:-8] + i.to_bytes(8, "big"))


def make_many(folder: Path, count: int, size: int) -> None:
    folder.mkdir()
    block = os.urandom(size)
    for i in range(count):
        (folder / f"f{i:05d}.bin").write_bytes(block[:-8] + i.to_bytes(8, "big"))


def openssl(paths: list[Path]) -> float:
    args = ["openssl", "dgst", "-sha256"]
    start = time.perf_counter()
    for i in range(0, len(paths), 2000):
        subprocess.run(args + [str(p) for p in paths[i:i + 2000]], check=True,
                       stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def spoorvast_add(vault: Path, target: Path) -> tuple[float, float]:
    """(seconds for the add inside the process, peak RSS in MB of that process)."""
    code = (
        "import sys, time, resource; from pathlib import Path;"
        "from spoorvast.storage.vault import open_vault;"
        "from spoorvast.importers.registry import builtin_registry;"
        "from spoorvast.services.intake import add_paths;"
        "v = open_vault(Path(sys.argv[1]), sys.argv[3]); case = v.store.cases()[0];"
        "t = time.perf_counter(); r = add_paths(v, case, [Path(sys.argv[2])], builtin_registry());"
        "d = time.perf_counter() - t; v.close();"
        "assert all(x.status.value == 'added' for x in r), r[:3];"
        "print(d, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(vault), str(target), PASSPHRASE],
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1])


def new_vault(root: Path) -> Path:
    from spoorvast.services.cases import create_case
    from spoorvast.storage.vault import create

    with create(root, PASSPHRASE) as vault:
        create_case(vault, "benchmark", "en", "Europe/Brussels")
    return root


def warm(paths: list[Path]) -> None:
    os.sync()  # the inputs were just written: flush them so our syncfs does not pay for it
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(1 << 22):
                pass


def bench_big(work: Path, mib: int) -> None:
    big = work / "big.bin"
    make_big(big, mib)
    warm([big])
    base = min(openssl([big]) for _ in range(3))
    ours, rss = spoorvast_add(new_vault(work / "vault-big"), big)
    print(f"one {mib} MiB file: openssl dgst {base:.2f} s ({mib / base:.0f} MiB/s), "
          f"spoorvast add {ours:.2f} s ({mib / ours:.0f} MiB/s), peak RSS {rss:.0f} MB")
    print(f"  ratio {ours / base:.2f}x (budget 1.5x)")


def bench_many(work: Path, count: int) -> None:
    folder = work / "many"
    make_many(folder, count, 100_000)
    paths = sorted(folder.iterdir())
    warm(paths)
    base = min(openssl(paths) for _ in range(3))
    ours, rss = spoorvast_add(new_vault(work / "vault-many"), folder)
    print(f"{count} files of 100 KB: openssl dgst {base:.2f} s, spoorvast add {ours:.2f} s "
          f"({count / ours:.0f} files/s), peak RSS {rss:.0f} MB")
    print(f"  ratio {ours / base:.2f}x (budget 3x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big-mib", type=int, default=1024)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, default=None, help="work directory (a real disk)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="spoorvast-bench-", dir=args.dir))
    try:
        if args.big_mib:
            bench_big(work, args.big_mib)
        if args.files:
            bench_many(work, args.files)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
