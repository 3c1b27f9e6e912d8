"""What making the dossier previews at intake costs the screenshot import.

Adds the same folder of phone screenshots (1080 x 2400 PNG, as benchmarks/dossier.py
makes them) to a fresh vault through the intake, with the preview made and sealed (as
shipped) and without it (``picture_preview.wanted`` answering no), rounds interleaved.

    .venv/bin/python benchmarks/screenshot_import.py [--count 100] [--rounds 3]

Prints the wall and CPU time of each, the ratio per round and the median, and the
preview's size. Not a test.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

# ruff: noqa: E402  (the repository root goes on the path first)
sys.path[0] = str(Path(__file__).resolve().parents[1])

from benchmarks.dossier import PASSPHRASE, ZONE, screenshot
from spoorvast.analysis import picture_preview
from spoorvast.importers.registry import builtin_registry
from spoorvast.model.records import ArtifactRole
from spoorvast.services.cases import create_case
from spoorvast.services.intake import add_paths
from spoorvast.storage.vault import create


def add_all(folder: Path, vault_dir: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of adding ``folder``, and the bytes of previews sealed."""
    with create(vault_dir, PASSPHRASE) as vault:
        case = create_case(vault, "Import benchmark", "nl", ZONE)
        wall, cpu = time.perf_counter(), time.process_time()
        add_paths(vault, case, [folder], builtin_registry())
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sizes = [a.size for item in vault.store.items(case.id or 0)
                 for a in vault.store.artifacts(item.id or 0)
                 if a.role is ArtifactRole.DOSSIER_PREVIEW]
    shutil.rmtree(vault_dir)
    return wall, cpu, sum(sizes)


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="spoorvast-bench-"))
    wanted = picture_preview.wanted
    runs: dict[str, list[tuple[float, float, int]]] = {"with": [], "without": []}
    try:
        folder = root / "screenshots"
        folder.mkdir()
        for n in range(args.count):
            (folder / f"screenshot-{n:03d}.png").write_bytes(screenshot(n))
        add_all(folder, root / "warm")  # imports, caches
        for _ in range(args.rounds):
            picture_preview.wanted = lambda media_type, size: False  # type: ignore[assignment]
            runs["without"].append(add_all(folder, root / "vault"))
            picture_preview.wanted = wanted  # type: ignore[assignment]
            runs["with"].append(add_all(folder, root / "vault"))
    finally:
        picture_preview.wanted = wanted  # type: ignore[assignment]
        shutil.rmtree(root, ignore_errors=True)
    for name, found in runs.items():
        print(f"{name:7s} previews: wall {median([r[0] for r in found]):5.2f} s, "
              f"cpu {median([r[1] for r in found]):5.2f} s (median of {len(found)}) for "
              f"{args.count} screenshots")
    wall = [w[0] / o[0] for w, o in zip(runs["with"], runs["without"], strict=True)]
    cpu = [w[1] / o[1] for w, o in zip(runs["with"], runs["without"], strict=True)]
    print("wall ratio per round: " + ", ".join(f"{r:.2f}" for r in wall)
          + f"; median {median(wall):.2f}x")
    print("cpu ratio per round:  " + ", ".join(f"{r:.2f}" for r in cpu)
          + f"; median {median(cpu):.2f}x")
    sealed = runs["with"][0][2]
    print(f"previews sealed: {sealed / 1024:.0f} KiB in all, "
          f"{sealed / max(1, args.count) / 1024:.1f} KiB each")


if __name__ == "__main__":
    main()
