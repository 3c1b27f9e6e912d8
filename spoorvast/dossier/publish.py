"""Publishing the bundle into ``--out``, most of it while Typst renders the PDF.

The render runs in a child process (see render.py) and this process only waits for it:
≈1 s of an otherwise idle core here for the benchmark case. Every file of the bundle but
the PDF and its checksum file is final before the render starts, so
:meth:`Outgoing.ahead` (called while Typst renders) copies the folder built in memory
under its registered partial name in ``--out`` and writes those files into the ZIP;
:meth:`Outgoing.finish` adds the PDF and its checksum file when they exist, puts the
ZIP's listing in name order (as it was when the ZIP was written in one pass after the
PDF) and renames both to their final names. Before, the copy and the ZIP came after the
PDF: ≈0.25 s more wall time for the benchmark case.

A kill leaves nothing under a final name: the partials are registered in the scratch
folder, so the sweep removes them, and leaving the dossier's scratch folder removes any
still there.
"""

from __future__ import annotations

import errno
import os
import shutil
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import TracebackType

from spoorvast.dossier import bundle, files
from spoorvast.storage.scratch import private_file, register_output


def partial(scratch: Path, folder: Path, name: str) -> Path:
    """A hidden partial name in the person's folder, registered for the sweep."""
    path = folder / f".{name}.partial"
    register_output(scratch, path)
    return path


def refuse_existing(target: Path) -> None:
    if target.exists():  # never over an existing dossier (a rename would replace it)
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))


@dataclass(frozen=True, slots=True)
class Published:
    folder: Path
    zip: Path | None


class Outgoing:
    """The bundle ``name`` on its way from ``staging`` to ``out``. ``staging`` is in
    memory when ``in_memory`` (it is copied), else already the registered partial in
    ``out``. Use it as a context manager: leaving it removes what was not published."""

    def __init__(self, name: str, staging: Path, out: Path, scratch: Path, in_memory: bool,
                 make_zip: bool) -> None:
        self.name, self.staging, self.out, self.scratch = name, staging, out, scratch
        self.in_memory, self.make_zip = in_memory, make_zip
        # where the finished folder is assembled (and the PDF written)
        self.folder = out / f".{name}.partial" if in_memory else staging
        self._copied = False  # self.folder made by this dossier (removed on failure)
        self._zip_path: Path | None = None
        self._open = ExitStack()
        self._archive: zipfile.ZipFile | None = None
        self._written: set[str] = set()

    def ahead(self) -> None:
        """Everything but the PDF and its checksum file: the folder copied to ``out``
        under its partial name, the ZIP's members written (under its partial name)."""
        import_module("pypdf")  # for the page count after the render (≈0.1 s)
        refuse_existing(self.out / self.name)  # said now, not after the render
        if self.in_memory:
            register_output(self.scratch, self.folder)
            self.folder.mkdir(mode=0o700)  # never another dossier's partial
            self._copied = True
            shutil.copytree(self.staging, self.folder, copy_function=shutil.copyfile,
                            dirs_exist_ok=True)
        if self.make_zip:
            self._open_zip()
            self._add_new()

    @property
    def pdf_target(self) -> Path:
        """Where the PDF goes: into the folder being published."""
        return self.folder / bundle.PDF

    def finish(self) -> Published:
        """The ZIP completed (when asked) and both renamed to their final names."""
        folder, archive = self.out / self.name, self.out / f"{self.name}.zip"
        if self.make_zip:
            if self._archive is None:  # ahead() was not called
                self._open_zip()
            self._add_new()
            self._close_zip()
        refuse_existing(folder)
        if self.make_zip:
            refuse_existing(archive)
        self.folder.rename(folder)
        self.folder = folder
        if self._zip_path is None:
            return Published(folder, None)
        self._zip_path.replace(archive)
        return Published(folder, archive)

    def _open_zip(self) -> None:
        refuse_existing(self.out / f"{self.name}.zip")
        path = self.out / f".{self.name}.zip.part"
        register_output(self.scratch, path)
        handle = self._open.enter_context(private_file(path))  # never another's partial
        self._zip_path = path
        self._archive = self._open.enter_context(zipfile.ZipFile(
            handle, "w", zipfile.ZIP_DEFLATED, compresslevel=6))

    def _add_new(self) -> None:
        """The folder's files not in the ZIP yet (the folder name as its top folder)."""
        assert self._archive is not None
        for rel in files.walk(self.folder):
            if rel in self._written:
                continue
            stored = rel.lower().endswith(bundle.COMPRESSED)
            self._archive.write(self.folder / rel, f"{self.name}/{rel}",
                                zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
            self._written.add(rel)

    def _close_zip(self) -> None:
        assert self._archive is not None
        # the central directory (what a ZIP tool lists) in name order, as when the PDF
        # was written first; each entry keeps the offset of its data
        self._archive.filelist.sort(key=lambda info: info.filename)
        self._archive = None
        self._open.close()  # the ZIP's central directory, then its file

    def close(self) -> None:
        """Remove what was not published (any failure; the sweep would too)."""
        self._archive = None
        self._open.close()
        if self._zip_path is not None:
            self._zip_path.unlink(missing_ok=True)
        if self._copied and self.folder != self.out / self.name:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Outgoing:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
