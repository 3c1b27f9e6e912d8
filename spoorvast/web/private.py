"""Private folders in memory for files on their way into the vault.

Importers read paths, so a received upload is decrypted into a folder of
:mod:`spoorvast.storage.scratch` (memory-backed, 0700, named so that the next start's
sweep removes it after a crash) for as long as its intake runs. The app keeps the set
of its folders so that locking the vault removes them all at once.
"""

from __future__ import annotations

import threading
from pathlib import Path

from spoorvast.storage import scratch


class PrivateDirs:
    def __init__(self) -> None:
        self._dirs: set[Path] = set()
        self._guard = threading.Lock()

    def create(self) -> Path:
        """A new folder; :class:`scratch.NoPrivateMemory` when there is no memory folder.
        Whether each file fits is decided per file by the caller (a file that does not
        is sealed unread, never cut short)."""
        path = scratch.make_private_dir("web", floor=0)
        with self._guard:
            self._dirs.add(path)
        return path

    def owns(self, path: Path) -> bool:
        return path in self._dirs

    def wipe(self, path: Path) -> None:
        with self._guard:
            self._dirs.discard(path)
        scratch.remove_private_dir(path)

    def wipe_all(self) -> None:
        with self._guard:
            paths, self._dirs = list(self._dirs), set()
        for path in paths:
            scratch.remove_private_dir(path)
