"""Dossier benchmark: ``spoorvast dossier`` for 1,000 marked events + 100 screenshots,
against the bare renderer (Typst compiling the same template, data.json and
downscaled images, pre-built) in the same run.

Budget (DESIGN.md): ≤ 2× the bare renderer, and < 10 s for the whole command.

    .venv/bin/python benchmarks/dossier.py [--events 1000] [--screenshots 100]

Prints the times, the ratio, pages per second and peak memory (RSS). Not a test.
"""

from __future__ import annotations

import argparse
import io
import resource
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


def build(root: Path, events: int, screenshots: int) -> None:
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
    from spoorvast.storage.vault import create

    with create(root / "vault", PASSPHRASE) as vault:
        case = create_case(vault, "Benchmark case", "nl", ZONE)
        cid = case.id or 0
        with vault.store.transaction() as tx:
            tx.add_party(Party(None, cid, PartyRole.VICTIM, "Anna Synthetic"))
        for n in range(screenshots):
            data = screenshot(n)
            blob = vault.blobs.ingest_bytes(data, durable=False)
            at = instant.now(ZONE)
            with vault.store.transaction() as tx:
                tx.add_item(Item(None, cid, 0, ItemKind.IMAGE, f"screenshot-{n}.png", at, "file",
                                 media=MediaFacts(width=1080, height=2400)),
                            [Artifact(None, None, ArtifactRole.ORIGINAL, "image/png", blob.size,
                                      blob.sha256, f"screenshot-{n}.png", at)])
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


def whole_process(root: Path) -> float:
    env = {"SPOORVAST_VAULT": str(root / "vault"), "SPOORVAST_PASSPHRASE": PASSPHRASE,
           "PATH": "/usr/bin:/bin"}
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("spoorvast")), "dossier", "--out",
                    str(root / "out-cli")], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


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


def bare(folder: Path) -> float:
    """The renderer alone, as a whole process, on the pre-built input."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BARE, str(folder)], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--screenshots", type=int, default=100)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="spoorvast-bench-"))
    try:
        build(root, args.events, args.screenshots)
        keep = prebuilt(root)
        shutil.rmtree(root / "out")
        bare_s = min(bare(keep) for _ in range(3))
        runs = []
        for _ in range(3):
            runs.append(run_dossier(root))
            shutil.rmtree(root / "out")
        ours, pages = min(runs)
        cli = min(whole_process(root) for _ in range(2))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"bare renderer (Typst process, same pre-built content): {bare_s:6.2f} s")
    print(f"spoorvast dossier, whole process (CLI):              {cli:6.2f} s   ratio "
          f"{cli / bare_s:4.2f}x (budget <= 2x; < 10 s)")
    print(f"spoorvast dossier, in-process (vault already open):  {ours:6.2f} s")
    print(f"pages: {pages}; {pages / ours:.0f} pages/s (dossier), {pages / bare_s:.0f} "
          "pages/s (bare renderer)")
    print(f"peak memory: {peak:.0f} MB max RSS of this process (3 in-process dossiers; Typst "
          f"keeps its caches), {child:.0f} MB largest child (the CLI runs, the bare renderer)")


if __name__ == "__main__":
    main()
