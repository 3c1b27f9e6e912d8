"""The PDF: ``data.json`` + ``template.typ`` compiled by Typst (in a child process, see
render.py) to PDF/A-3b.

Everything Typst reads lives in one private scratch directory (0700, in memory, removed
by the caller): the template, ``data.json`` (evidence text), the
downscaled previews and the charts. The manifest is attached to the PDF (PDF/A-3
allows embedded files) unless third parties are redacted: the manifest is complete,
so attaching it would undo the redaction.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from importlib import resources
from pathlib import Path

from spoorvast.dossier.model import Dossier
from spoorvast.dossier.thumbs import Preview, make_preview, source_for
from spoorvast.storage.vault import Vault

RENDER_TIMEOUT = 600  # seconds; a 1,000-event dossier takes 2-6 s here


class RenderError(Exception):
    """Typst refused the document (a bug in the template or the data)."""


Previews = dict[int, "Future[Preview | None]"]


def start_previews(pool: ThreadPoolExecutor, vault: Vault, dossier: Dossier,
                   scratch: Path) -> Previews:
    """Previews made on every core (Pillow decodes and scales without the GIL) while
    the caller writes the bundle: 40 screenshots took 0.51 s in two threads and 0.97 s
    in one on the idle 2-core machine (no gain when other work fills both cores)."""
    (scratch / "img").mkdir(mode=0o700, exist_ok=True)
    return {view.item.id or 0: pool.submit(make_preview, vault, source, scratch,
                                           view.item.label)
            for view in dossier.items
            if (source := source_for(view.item.kind, view.artifacts)) is not None}


def collect(previews: Previews) -> dict[int, Preview]:
    done = {item_id: future.result() for item_id, future in previews.items()}
    return {item_id: preview for item_id, preview in done.items() if preview is not None}


def worker_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=os.cpu_count() or 2)


def template_source() -> str:
    return resources.files("spoorvast.dossier").joinpath("template.typ").read_text("utf-8")


def attach_line(name: str) -> str:
    return (f'#pdf.attach("{name}", relationship: "supplement", '
            'mime-type: "application/json", description: "spoorvast dossier manifest")\n')


def compile_pdf(scratch: Path, data: dict[str, object], target: Path,
                manifest: bytes | None, timestamp: datetime | None = None) -> None:
    """Write data.json + main.typ into ``scratch`` and compile them to ``target`` in a
    child process (see :mod:`spoorvast.dossier.render`)."""
    with (scratch / "data.json").open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
    source = template_source()
    if manifest is not None:
        (scratch / "manifest.json").write_bytes(manifest)
        source += attach_line("manifest.json")
    (scratch / "main.typ").write_text(source, "utf-8")
    argv = [sys.executable, "-m", "spoorvast.dossier.render", str(scratch)]
    if timestamp is not None:
        argv.append(timestamp.isoformat())
    try:
        done = subprocess.run(argv, capture_output=True, check=False, timeout=RENDER_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(type(exc).__name__) from exc
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        raise RenderError(done.stderr.decode("utf-8", "replace").strip()[-200:] or "failed")
    target.write_bytes(done.stdout)


def copy_charts(charts: list[Path], scratch: Path) -> list[str]:
    (scratch / "charts").mkdir(mode=0o700, exist_ok=True)
    names = []
    for chart in charts:
        if chart.suffix == ".png":
            shutil.copyfile(chart, scratch / "charts" / chart.name)
            names.append(f"charts/{chart.name}")
    return names
