"""OCR benchmark: spoorvast's OCR against the best bare ``tesseract`` call, same image,
same run, same languages.

Budget (DESIGN.md): per 1080 × 2400 chat screenshot at most 1.2× the best bare
``tesseract`` call with ``OMP_THREAD_LIMIT=1``; a batch of 100 screenshots at least
1.8× faster than reading them one by one (one process per core).

    .venv/bin/python benchmarks/ocr.py [--count 100] [--repeat 5]

"ours (read)" is the analysis alone (decode, grey, dark-mode check, Tesseract TSV,
chat layout, identifiers); "ours (job)" is the whole job for one picture in a vault
(decrypt, read, seal the JSON artifact, record proposals, custody). Prints ratios;
not a test: it never fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

# ruff: noqa: E402  (the repository root goes on the path first: the tests' renderer is used)
sys.path[0] = str(Path(__file__).resolve().parents[1])

from spoorvast.analysis.ocr import read_picture
from spoorvast.analysis.ocr.tesseract import cores
from spoorvast.importers.registry import builtin_registry
from spoorvast.services.cases import create_case
from spoorvast.services.intake import add_paths
from spoorvast.services.ocr import run_ocr
from spoorvast.storage.vault import create
from tests.ocr.chats import NL
from tests.ocr.render import Bubble, Chat, png

PASSPHRASE = "benchmark passphrase 1234"
LANGUAGES = "nld+eng"


def screen(number: int) -> bytes:
    """A full 1080 × 2400 screen of chat, different per number."""
    items = list(NL.chat.items) + [
        Bubble("left" if n % 2 else "right", f"Bericht {number}-{n}: ik weet waar je woont",
               f"21:{10 + n:02d}") for n in range(6)]
    chat = replace(NL.chat, clock=f"{14 + number % 8}:{number % 60:02d}", items=tuple(items))
    return png(Chat(chat.clock, chat.title, chat.items), width=1080, height=2400)


def best(action: object, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append(time.perf_counter() - start)
    return min(timings)


def bare(path: Path) -> None:
    subprocess.run(["tesseract", str(path), "stdout", "-l", LANGUAGES], check=True,
                   capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})


def job_one(work: Path, path: Path) -> float:
    """The OCR job for one picture in a fresh vault (the add is not timed)."""
    root = work / f"vault-one-{time.monotonic_ns()}"
    with create(root, PASSPHRASE) as vault:
        case = create_case(vault, "benchmark", "nl", "Europe/Brussels")
        add_paths(vault, case, [path], builtin_registry())
        start = time.perf_counter()
        run_ocr(vault, case, languages=LANGUAGES)
        return time.perf_counter() - start


def bench_one(work: Path, repeat: int) -> None:
    """``repeat`` rounds (at least 3), each: the bare call, the read and the job on the
    same picture, in turn; each round's ratios are printed, the median decides."""
    data = screen(0)
    path = work / "screen.png"
    path.write_bytes(data)
    bare(path)  # warm the page cache and Tesseract's data files
    job_one(work, path)  # and the job's first-call checks (a long-running app's state)
    reads, jobs = [], []
    for number in range(1, max(3, repeat) + 1):
        base = best(lambda: bare(path), 1)
        ours = best(lambda: read_picture(data, LANGUAGES), 1)
        job = job_one(work, path)
        reads.append(ours / base)
        jobs.append(job / base)
        print(f"round {number}: bare tesseract {base:.3f} s, ours (read) {ours:.3f} s "
              f"({ours / base:.2f}x), ours (job) {job:.3f} s ({job / base:.2f}x)")
    print(f"one 1080x2400 screenshot, median of {len(jobs)} rounds: read "
          f"{statistics.median(reads):.2f}x, job {statistics.median(jobs):.2f}x of bare "
          f"tesseract (budget 1.2x)")


def batch(work: Path, folder: Path, workers: int) -> float:
    root = work / f"vault-batch-{workers}"
    with create(root, PASSPHRASE) as vault:
        case = create_case(vault, "benchmark", "nl", "Europe/Brussels")
        add_paths(vault, case, [folder], builtin_registry())
        start = time.perf_counter()
        outcomes = run_ocr(vault, case, workers=workers, languages=LANGUAGES)
        elapsed = time.perf_counter() - start
    assert len(outcomes) == len(list(folder.iterdir()))
    return elapsed


def bench_batch(work: Path, count: int) -> None:
    folder = work / "batch"
    folder.mkdir()
    for number in range(count):
        (folder / f"shot{number:03d}.png").write_bytes(screen(number + 1))
    paths = sorted(folder.iterdir())
    bare_single = bare_batch(paths, 1)
    bare_parallel = bare_batch(paths, cores())
    single = batch(work, folder, 1)
    parallel = batch(work, folder, cores())
    print(f"{count} screenshots, bare tesseract: one by one {bare_single:.1f} s, "
          f"{cores()} at a time {bare_parallel:.1f} s: the machine allows "
          f"{bare_single / bare_parallel:.2f}x now")
    print(f"{count} screenshots, spoorvast ocr job: one by one {single:.1f} s "
          f"({count / single:.2f}/s), {cores()} processes {parallel:.1f} s "
          f"({count / parallel:.2f}/s)")
    print(f"  speed-up {single / parallel:.2f}x (budget at least 1.8x); per picture in the "
          f"batch {parallel / bare_parallel:.2f}x the bare batch")


def bare_batch(paths: list[Path], workers: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(bare, paths))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5, help="rounds (at least 3)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="spoorvast-bench-ocr-"))
    try:
        bench_one(work, args.repeat)
        if args.count:
            bench_batch(work, args.count)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
