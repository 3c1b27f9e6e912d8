"""Private folders in memory for files on their way into the vault.

A browser upload has to become a file before the intake can seal it (the intake reads
paths, checks they do not change, and records their names). Those files are plaintext
evidence, so they are only ever written to a memory-backed file system (tmpfs:
``$XDG_RUNTIME_DIR`` or ``/dev/shm``), in a folder only this user can read, removed as
soon as the intake ends, when the vault locks, and when the app stops. With no tmpfs
available, uploads are refused rather than written to a disk.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

from spoorvast.errors import UserError
from spoorvast.i18n import _


def _tmpfs_mounts() -> set[str]:
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            return {f[1] for f in (line.split() for line in mounts)
                    if len(f) > 2 and f[2] in ("tmpfs", "ramfs")}
    except OSError:
        return set()


def memory_base() -> Path | None:
    mounts = _tmpfs_mounts()
    for candidate in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if candidate and candidate in mounts and os.access(candidate, os.W_OK | os.X_OK):
            return Path(candidate)
    return None


class PrivateDirs:
    def __init__(self) -> None:
        self._dirs: set[Path] = set()
        self._guard = threading.Lock()

    def create(self) -> Path:
        base = memory_base()
        if base is None:
            raise UserError(_("Files cannot be added from the browser on this computer: "
                              "there is no memory-backed folder to receive them safely. "
                              "Use 'spoorvast add' in a terminal instead."))
        path = Path(tempfile.mkdtemp(prefix="spv-web-", dir=base))
        os.chmod(path, 0o700)
        with self._guard:
            self._dirs.add(path)
        return path

    def owns(self, path: Path) -> bool:
        return path in self._dirs

    def wipe(self, path: Path) -> None:
        with self._guard:
            self._dirs.discard(path)
        shutil.rmtree(path, ignore_errors=True)

    def wipe_all(self) -> None:
        with self._guard:
            paths, self._dirs = list(self._dirs), set()
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
