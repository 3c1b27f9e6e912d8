"""Private scratch directories for a visit (the HAR, a browser profile).

They live on ``/dev/shm`` (memory, never the disk) when it is there, are created 0700,
and are removed when the visit ends, whatever happens.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SHM = Path("/dev/shm")


def scratch_root() -> Path | None:
    return SHM if SHM.is_dir() and os.access(SHM, os.W_OK | os.X_OK) else None


@contextmanager
def private_dir(prefix: str = "spoorvast-") -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=scratch_root()))
    try:
        path.chmod(0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
