"""Reading export archives without trusting them.

Nothing is extracted to disk, so a "zip slip" name cannot write anywhere; such entries
are still refused and reported. Zip bombs are stopped by caps on the number of entries,
the size of one entry, the total size and the compression ratio; sizes are counted as
the bytes come out, not taken from the (forgeable) headers.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from spoorvast.model.records import Location, Problem, Severity

MAX_ENTRIES = 100_000
MAX_ENTRY_BYTES = 512 << 20
MAX_TOTAL_BYTES = 8 << 30
MAX_RATIO = 200  # uncompressed / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1 << 20
CHUNK = 1 << 20


def safe_name(name: str) -> bool:
    """Relative, without '..', drive letters or NUL; backslashes count as separators."""
    if not name or "\x00" in name:
        return False
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return False
    return ".." not in PurePosixPath(posix).parts


def is_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


@dataclass
class SafeZip:
    """An archive opened for reading with caps; problems collected as findings."""

    path: Path
    sha256: str
    problems: list[Problem] = field(default_factory=list)
    total: int = 0

    def names(self) -> list[str]:
        """Names of the regular, safely named entries (at most MAX_ENTRIES)."""
        with zipfile.ZipFile(self.path) as archive:
            infos = archive.infolist()[:MAX_ENTRIES]
        names = []
        for info in infos:
            if info.is_dir():
                continue
            if not safe_name(info.filename):
                self._problem("chat.zip-unsafe-name", ())
                continue
            names.append(info.filename)
        return names

    def read(self, name: str) -> bytes | None:
        """The entry's bytes, or None (with a finding) when it breaks a cap or is bad."""
        with zipfile.ZipFile(self.path) as archive:
            info = archive.getinfo(name)
            if self._too_big(info.file_size, info.compress_size):
                self._problem("chat.zip-too-big", (("name", name),))
                return None
            try:
                return self._stream(archive, info)
            except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError,
                    EOFError, OSError):
                self._problem("chat.zip-too-big", (("name", name),))
                return None

    def _too_big(self, size: int, compressed: int) -> bool:
        if size > MAX_ENTRY_BYTES or self.total + size > MAX_TOTAL_BYTES:
            return True
        return size > RATIO_FLOOR and size > MAX_RATIO * max(compressed, 1)

    def _stream(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
        parts, got = [], 0
        limit = min(MAX_ENTRY_BYTES, info.file_size) + 1
        with archive.open(info) as handle:
            while chunk := handle.read(min(CHUNK, limit - got)):
                got += len(chunk)
                parts.append(chunk)
                if got >= limit or self._too_big(got, info.compress_size):
                    self._problem("chat.zip-too-big", (("name", info.filename),))
                    return None
        self.total += got
        return b"".join(parts)

    def _problem(self, code: str, params: tuple[tuple[str, str], ...]) -> None:
        self.problems.append(Problem(Severity.WARNING, code, params,
                                     Location(artifact_sha256=self.sha256)))

    def iter_names(self, suffix: str) -> Iterator[str]:
        return (n for n in self.names() if n.lower().endswith(suffix))
