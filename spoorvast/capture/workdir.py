"""Private scratch directories for a visit (the HAR, Chromium's temp files, the
unpacked logged-in profile, openssl's inputs).

They live only in memory (see :mod:`spoorvast.storage.scratch`: ``$XDG_RUNTIME_DIR`` or
``/dev/shm``, 0700, removed when the visit ends however it ends, swept at the next start
after a ``kill -9``). With no memory folder the capture is refused: nothing of a visit
is written to a disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spoorvast.storage import scratch


@contextmanager
def private_dir(kind: str = "capture", need: int = 0) -> Iterator[Path]:
    with scratch.private_dir(kind, need) as path:
        yield path
