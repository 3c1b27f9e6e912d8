"""A private scratch directory for what the PDF renderer reads (previews, data.json).

On ``/dev/shm`` (memory) when it is there, else the system temp directory; created
0700 and removed in a ``finally``, whatever happens. Nothing else of the dossier
touches a temporary file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SHM = Path("/dev/shm")


def _root() -> str | None:
    return str(SHM) if SHM.is_dir() and os.access(SHM, os.W_OK | os.X_OK) else None


@contextmanager
def private_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="spoorvast-dossier-", dir=_root()))
    try:
        path.chmod(0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
