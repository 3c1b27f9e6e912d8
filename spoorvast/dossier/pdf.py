"""The PDF: ``data.json`` + ``template.typ`` compiled by Typst (in a child process started
when the dossier starts, see render.py) to PDF/A-3b.

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
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from types import TracebackType

from spoorvast.dossier.thumbs import Preview, make_preview, source_for, stored_for
from spoorvast.model.records import Item
from spoorvast.storage.vault import Vault

RENDER_TIMEOUT = 600  # seconds; a 1,000-event dossier takes 2-6 s here
CLOSE_TIMEOUT = 10  # an unused child exits at once when its input closes


class RenderError(Exception):
    """Typst refused the document (a bug in the template or the data)."""


Previews = dict[int, "Future[Preview | None]"]


@contextmanager
def previews_started(vault: Vault, items: Iterable[Item], scratch: Path) -> Iterator[Previews]:
    """Previews of the pictures among ``items``, from the moment the vault is open, while
    the caller gathers the case and writes the bundle: the sealed ones decrypted, the
    others made on every core (Pillow decodes and scales without the GIL: 100 phone
    screenshots cost ≈1.5 s of CPU here). Leaving the block waits for the previews
    already started and drops the others."""
    (scratch / "img").mkdir(mode=0o700, exist_ok=True)
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2)
    try:
        started: Previews = {}
        for item in items:
            artifacts = tuple(vault.store.artifacts(item.id or 0))
            source = source_for(item.kind, artifacts)
            if source is not None:
                started[item.id or 0] = pool.submit(make_preview, vault, source, scratch,
                                                    item.label, stored_for(source, artifacts))
        yield started
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def collect(previews: Previews) -> dict[int, Preview]:
    done = {item_id: future.result() for item_id, future in previews.items()}
    return {item_id: preview for item_id, preview in done.items() if preview is not None}


class Renderer:
    """The Typst child (render.py), started before gathering so that loading Typst and
    its fonts overlaps it; renders once. Use it as a context manager: leaving it ends a
    child that was not asked to render."""

    def __init__(self) -> None:
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-P", "-m", "spoorvast.dossier.render"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as exc:
            raise RenderError(type(exc).__name__) from exc

    def render(self, scratch: Path, timestamp: datetime | None,
               meanwhile: Callable[[], object] | None = None) -> bytes:
        """The PDF of ``scratch``; ``meanwhile`` runs here while Typst renders (what it
        raises is its own: leaving the Renderer's block then ends the child)."""
        asked = {"scratch": str(scratch),
                 "timestamp": timestamp.isoformat() if timestamp else None}
        try:
            stdin, self._child.stdin = self._child.stdin, None  # communicate() only reads
            assert stdin is not None
            with stdin:
                stdin.write((json.dumps(asked) + "\n").encode())  # far below a pipe's buffer
        except OSError as exc:
            raise RenderError(type(exc).__name__) from exc
        if meanwhile is not None:
            meanwhile()
        try:
            out, err = self._child.communicate(timeout=RENDER_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(type(exc).__name__) from exc
        if self._child.returncode != 0 or not out.startswith(b"%PDF"):
            raise RenderError(err.decode("utf-8", "replace").strip()[-200:] or "failed")
        return out

    def close(self) -> None:
        if self._child.returncode is not None:
            return
        try:
            self._child.communicate(timeout=CLOSE_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.communicate()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is not None and self._child.returncode is None:
            self._child.kill()  # stopped (Ctrl-C, a failure): do not wait for Typst
        self.close()


def template_source() -> str:
    return resources.files("spoorvast.dossier").joinpath("template.typ").read_text("utf-8")


def attach_line(name: str) -> str:
    return (f'#pdf.attach("{name}", relationship: "supplement", '
            'mime-type: "application/json", description: "spoorvast dossier manifest")\n')


def compile_pdf(scratch: Path, data: dict[str, object], target: Path,
                manifest: bytes | None, timestamp: datetime | None = None,
                renderer: Renderer | None = None,
                meanwhile: Callable[[], object] | None = None) -> None:
    """Write data.json + main.typ into ``scratch`` and compile them to ``target`` with
    ``renderer`` (a child process, see :mod:`spoorvast.dossier.render`; one is started
    when none is given); ``meanwhile`` runs while it renders."""
    with (scratch / "data.json").open("w", encoding="utf-8") as handle:  # dumps: json's C
        handle.write(json.dumps(data, ensure_ascii=False))  # encoder (dump is pure Python)
    source = template_source()
    if manifest is not None:
        (scratch / "manifest.json").write_bytes(manifest)
        source += attach_line("manifest.json")
    (scratch / "main.typ").write_text(source, "utf-8")
    if renderer is None:
        with Renderer() as started:
            pdf = started.render(scratch, timestamp, meanwhile)
    else:
        pdf = renderer.render(scratch, timestamp, meanwhile)
    target.write_bytes(pdf)


def copy_charts(charts: list[Path], scratch: Path) -> list[str]:
    (scratch / "charts").mkdir(mode=0o700, exist_ok=True)
    names = []
    for chart in charts:
        if chart.suffix == ".png":
            shutil.copyfile(chart, scratch / "charts" / chart.name)
            names.append(f"charts/{chart.name}")
    return names
