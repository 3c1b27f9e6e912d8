"""Dossier benchmark: ``spoorvast dossier`` for 1,000 marked events + 100 screenshots,
against the bare renderer (Typst compiling the same template, data.json and
downscaled images, pre-built) in the same run.

Budget (DESIGN.md): ≤ 2× the bare renderer, and < 10 s for the whole command.

    .venv/bin/python benchmarks/dossier.py [--events 1000] [--screenshots 100] [--rounds 3]
                                           [--phases] [--old-vault]

The screenshots are added through the intake, which seals each one's preview;
``--old-vault`` stores them as a vault made before that holds them (no previews: the
first dossier makes and seals them, and its time is printed too).
Prints the times, the ratio per round and its median, pages per second and peak memory
(RSS of the largest process of each run: the CLI and its Typst child; the bare
renderer); the CLI's start-up (``spoorvast --help``, ``spoorvast dossier --help``);
with ``--phases``, the wall and CPU time of each phase of the in-process dossier
(median of the rounds). Not a test.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

PASSPHRASE = "benchmark passphrase 1234"
ZONE = "Europe/Brussels"


def screenshot(n: int) -> bytes:
    image = Image.new("RGB", (1080, 2400), (240, 240, 240))
    draw = ImageDraw.Draw(image)
    for row in range(0, 2400, 120):
        draw.rectangle((40, row + 10, 1040 - (row * 7 + n * 13) % 500, row + 90),
                       fill=(200, 230, 255) if row % 240 else (255, 255, 255))
        draw.text((60, row + 40), f"synthetic message {n}-{row}", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def build(root: Path, events: int, screenshots: int, old_vault: bool = False) -> None:
    from spoorvast.importers.registry import builtin_registry
    from spoorvast.model import instant
    from spoorvast.model.records import (
        Artifact,
        ArtifactRole,
        Event,
        Item,
        ItemKind,
        MediaFacts,
        Party,
        PartyRole,
    )
    from spoorvast.services.cases import create_case
    from spoorvast.services.intake import add_paths
    from spoorvast.storage.vault import create

    with create(root / "vault", PASSPHRASE) as vault:
        case = create_case(vault, "Benchmark case", "nl", ZONE)
        cid = case.id or 0
        with vault.store.transaction() as tx:
            tx.add_party(Party(None, cid, PartyRole.VICTIM, "Anna Synthetic"))
        if old_vault:  # as a vault from before previews were made at intake holds them
            for n in range(screenshots):
                data = screenshot(n)
                blob = vault.blobs.ingest_bytes(data, durable=False)
                at = instant.now(ZONE)
                with vault.store.transaction() as tx:
                    tx.add_item(Item(None, cid, 0, ItemKind.IMAGE, f"screenshot-{n}.png", at,
                                     "file", media=MediaFacts(width=1080, height=2400)),
                                [Artifact(None, None, ArtifactRole.ORIGINAL, "image/png",
                                          blob.size, blob.sha256, f"screenshot-{n}.png", at)])
        else:  # added as a person adds them (the intake seals each one's preview)
            folder = root / "screenshots"
            folder.mkdir()
            for n in range(screenshots):
                (folder / f"screenshot-{n:03d}.png").write_bytes(screenshot(n))
            add_paths(vault, case, [folder], builtin_registry())
            shutil.rmtree(folder)
        blob = vault.blobs.ingest_bytes(b"synthetic chat\n", durable=False)
        at = instant.now(ZONE)
        with vault.store.transaction() as tx:
            chat = tx.add_item(Item(None, cid, 0, ItemKind.CONVERSATION, "chat", at, "whatsapp"),
                               [Artifact(None, None, ArtifactRole.ORIGINAL, "text/plain",
                                         blob.size, blob.sha256, "chat.txt", at)])
            tx.add_events(chat, [Event(None, cid, chat.id, "message",
                                       instant.from_epoch(1772400000 + 97 * n, ZONE),
                                       f"synthetic message number {n} with some words",
                                       actor="phone:+32470123456", marked=True)
                                 for n in range(events)])
        vault.blobs.sync()


def run_dossier(root: Path) -> tuple[float, int]:
    from spoorvast.dossier.build import make_dossier
    from spoorvast.dossier.model import DossierOptions
    from spoorvast.storage.vault import open_vault

    start = time.perf_counter()
    with open_vault(root / "vault", PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        result = make_dossier(vault, case, DossierOptions("nl"), root / "out")
    return time.perf_counter() - start, result.pages


PHASES = (("spoorvast.dossier.build", "gather"), ("spoorvast.dossier.bundle", "place_items"),
          ("spoorvast.dossier.build", "_index_files"), ("spoorvast.dossier.pdf", "collect"),
          ("spoorvast.dossier.pdf_data", "build"), ("spoorvast.dossier.pdf", "compile_pdf"),
          ("spoorvast.dossier.publish", "Outgoing.ahead"),
          ("spoorvast.dossier.build", "count_pages"),
          ("spoorvast.dossier.publish", "Outgoing.finish"))


def phase_timer(into: dict[str, list[tuple[float, float]]]) -> None:
    """Wrap each phase's function to record its wall and process CPU time (``collect`` is
    the wait for the previews; its CPU is the preview threads'; ``ahead`` runs while
    Typst renders, inside ``compile_pdf``)."""
    from importlib import import_module

    for module_name, dotted in PHASES:
        owner: object = import_module(module_name)
        *path, name = dotted.split(".")
        for part in path:
            owner = getattr(owner, part)
        function = getattr(owner, name)

        @functools.wraps(function)
        def timed_phase(*args: object, _f: object = function, _n: str = name,
                        **kwargs: object) -> object:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return _f(*args, **kwargs)  # type: ignore[operator]
            finally:
                into.setdefault(_n, []).append((time.perf_counter() - wall,
                                                time.process_time() - cpu))

        setattr(owner, name, timed_phase)


def startup(env: dict[str, str]) -> list[str]:
    """Median wall time of the CLI's start-up (5 runs each)."""
    spoorvast = str(Path(sys.executable).with_name("spoorvast"))
    lines = []
    for argv in (["--help"], ["dossier", "--help"]):
        runs = sorted(timed([spoorvast, *argv], env)[0] for _ in range(5))
        lines.append(f"start-up: spoorvast {' '.join(argv):15s} {runs[2]:5.2f} s (median of 5)")
    return lines


GNU_TIME = Path("/usr/bin/time")


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall time, peak RSS (MB) of the run's largest process (the command or a child it
    waited for) and CPU seconds of all of them. Measured by GNU time, which forks the
    command from its own small process: a child forked from this benchmark (hundreds of
    MB after the in-process rounds) would count this process's RSS as its own peak. The
    CPU seconds do not depend on how loaded the machine is, the wall time does."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        wrapped = ([str(GNU_TIME), "-f", "%M", "-o", report.name, *argv]
                   if GNU_TIME.exists() else argv)
        start = time.perf_counter()
        child = subprocess.Popen(wrapped, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{argv[0]} failed")
        text = report.read().strip().splitlines()
    kilobytes = int(text[-1]) if GNU_TIME.exists() and text else usage.ru_maxrss
    return elapsed, kilobytes / 1024, usage.ru_utime + usage.ru_stime


def cli_env(root: Path) -> dict[str, str]:
    return {"SPOORVAST_VAULT": str(root / "vault"), "SPOORVAST_PASSPHRASE": PASSPHRASE,
            "PATH": "/usr/bin:/bin", **({"PYTHONPATH": os.environ["PYTHONPATH"]}
                                        if "PYTHONPATH" in os.environ else {})}


def whole_process(root: Path) -> tuple[float, float, float]:
    env = cli_env(root)
    out = root / "out-cli"
    shutil.rmtree(out, ignore_errors=True)
    return timed([str(Path(sys.executable).with_name("spoorvast")), "dossier", "--out",
                  str(out)], env)


def prebuilt(root: Path) -> Path:
    """The renderer's input exactly as the dossier makes it, kept in a folder."""
    import spoorvast.dossier.pdf as pdf

    keep = root / "prebuilt"
    original = pdf.compile_pdf

    def capture(scratch: Path, *args: object, **kwargs: object) -> None:
        original(scratch, *args, **kwargs)  # type: ignore[arg-type]
        shutil.copytree(scratch, keep)

    pdf.compile_pdf = capture  # type: ignore[assignment]
    try:
        run_dossier(root)
    finally:
        pdf.compile_pdf = original
    return keep


BARE = """import typst, sys
typst.compile(sys.argv[1] + "/main.typ", output=sys.argv[1] + "/bare.pdf", root=sys.argv[1],
              font_paths=["/usr/share/fonts/truetype/dejavu"], pdf_standards=["a-3b"],
              pdf_tags=False)
"""


def bare(folder: Path) -> tuple[float, float, float]:
    """The renderer alone, as a whole process, on the pre-built input."""
    return timed([sys.executable, "-c", BARE, str(folder)])


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--screenshots", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--phases", action="store_true")
    parser.add_argument("--old-vault", action="store_true",
                        help="screenshots stored without their previews, as before previews "
                        "were made at intake (the first dossier makes and seals them)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="spoorvast-bench-"))
    phases: dict[str, list[tuple[float, float]]] = {}
    try:
        build(root, args.events, args.screenshots, args.old_vault)
        first = run_dossier(root)[0] if args.old_vault else None
        if first is not None:
            shutil.rmtree(root / "out")
        keep = prebuilt(root)
        shutil.rmtree(root / "out")
        starts = startup(cli_env(root))
        if args.phases:
            phase_timer(phases)
        bares, clis, ours = [], [], []
        for _ in range(args.rounds):  # interleaved: the machine's load hits both alike
            bares.append(bare(keep))
            clis.append(whole_process(root))
            ours.append(run_dossier(root))
            shutil.rmtree(root / "out")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    bare_s, cli_s = median([b[0] for b in bares]), median([c[0] for c in clis])
    ratios = [c[0] / b[0] for b, c in zip(bares, clis, strict=True)]
    ours_s, pages = median([o[0] for o in ours]), ours[0][1]
    print(f"bare renderer (Typst process, same pre-built content): {bare_s:6.2f} s (median)")
    print(f"spoorvast dossier, whole process (CLI):              {cli_s:6.2f} s (median)   "
          f"ratio {median(ratios):4.2f}x (median of rounds; budget <= 2x; < 10 s)")
    print(f"spoorvast dossier, in-process (vault already open):  {ours_s:6.2f} s (median)")
    print(f"pages: {pages}; {pages / ours_s:.0f} pages/s (dossier), {pages / bare_s:.0f} "
          "pages/s (bare renderer)")
    print(f"peak memory (largest process): CLI run {max(c[1] for c in clis):.0f} MB "
          f"(budget < 500 MB); bare renderer {max(b[1] for b in bares):.0f} MB")
    print("ratios per round: " + ", ".join(f"{r:.2f}" for r in ratios))
    if first is not None:
        print(f"old vault: the first dossier (makes and seals the previews) {first:.2f} s "
              "in-process; the rounds above find them sealed")
    cpu = [c[2] / b[2] for b, c in zip(bares, clis, strict=True)]
    print(f"CPU seconds (all processes): CLI {median([c[2] for c in clis]):.2f}, bare renderer "
          f"{median([b[2] for b in bares]):.2f}; CPU ratio per round: "
          + ", ".join(f"{r:.2f}" for r in cpu) + " (the load of other work changes it less)")
    print("\n".join(starts))
    for name, runs in phases.items():
        print(f"phase {name:14s} wall {median([r[0] for r in runs]):5.2f} s   "
              f"cpu {median([r[1] for r in runs]):5.2f} s (median of {len(runs)})")


if __name__ == "__main__":
    main()
