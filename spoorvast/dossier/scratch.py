"""A private scratch directory for the dossier: what the PDF renderer reads (previews,
data.json) and, when it fits, the bundle and ZIP while they are built.

In memory only (see :mod:`spoorvast.storage.scratch`), created 0700, removed however
the build ends and swept at the next start after a ``kill -9``. With no memory folder
the dossier is refused rather than written to a temporary folder on the disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spoorvast.storage import scratch


@contextmanager
def private_dir() -> Iterator[Path]:
    with scratch.private_dir("dossier") as path:
        yield path
