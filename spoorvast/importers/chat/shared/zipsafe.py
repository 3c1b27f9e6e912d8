"""Reading export archives without trusting them.

Nothing is extracted to disk, so a "zip slip" name cannot write anywhere; such entries
are still refused and reported. Zip bombs are stopped by caps on the number of entries,
the size of one entry, the total size and the compression ratio; sizes are counted as
the bytes come out, not taken from the (forgeable) headers.
"""

from __future__ import annotations

import io
import weakref
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from spoorvast.i18n import N_
from spoorvast.importers.chat.shared import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.model.records import Artifact, Location, Problem, Severity

MAX_ENTRIES = 100_000
MAX_ENTRY_BYTES = 512 << 20
MAX_TOTAL_BYTES = 8 << 30
MAX_RATIO = 200  # uncompressed / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1 << 20
CHUNK = 1 << 20
SHOWN = 200  # characters of an entry's name quoted in a finding


def safe_name(name: str) -> bool:
    """Relative, without '..', drive letters or NUL; backslashes count as separators."""
    if not name or "\x00" in name:
        return False
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return False
    return ".." not in PurePosixPath(posix).parts


def shown(name: str) -> str:
    """An entry's name as a finding quotes it: control characters escaped, shortened
    (the name comes from the archive and may be built to mislead or to overflow)."""
    printable = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                        for c in name[:SHOWN])
    return printable + ("…" if len(name) > SHOWN else "")


def _close_both(archive: zipfile.ZipFile, handle: BinaryIO) -> None:
    archive.close()
    handle.close()


def is_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


class CapExceeded(OSError):
    """An archive member gave more bytes than its caps allow (raised while streaming)."""


class _Capped(io.RawIOBase):
    """A member's bytes, counted as they come out; past a cap the read fails (so a
    streamed seal is abandoned and leaves nothing behind)."""

    def __init__(self, handle: IO[bytes], check: Callable[[int], bool]) -> None:
        self._handle, self._check, self.got = handle, check, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._handle.read(len(buffer))
        self.got += len(data)
        if self._check(self.got):
            raise CapExceeded("archive member over its caps")
        buffer[:len(data)] = data
        return len(data)


@dataclass
class SafeZip:
    """An archive opened for reading with caps; problems collected as findings.

    ``source`` is the archive's path, or (better) a function opening the sealed original
    as a seekable reader: then nothing reads the input file again after it was sealed.
    """

    source: Path | Callable[[], BinaryIO]
    sha256: str
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    _refused: set[str] = field(default_factory=set)  # unsafe names reported (once each)

    _archive: zipfile.ZipFile | None = field(default=None, init=False, repr=False)
    _closer: Callable[[], object] | None = field(default=None, init=False, repr=False)

    @contextmanager
    def _open(self) -> Iterator[zipfile.ZipFile]:
        """The archive, opened once and kept open: reopening it for each entry parsed
        the whole central directory again (20,000 entries: killed at 600 s). It is
        closed by :meth:`close`, or when this object is collected (a lazy reader may
        still use it after the importer returned)."""
        if self._archive is None:
            self._archive = self._open_once()
        yield self._archive

    def _open_once(self) -> zipfile.ZipFile:
        if isinstance(self.source, Path):
            archive = zipfile.ZipFile(self.source)
            self._closer = weakref.finalize(self, archive.close)
            return archive
        handle = self.source()  # ``zipfile`` does not close a file object it was given
        try:
            archive = zipfile.ZipFile(handle)
        except BaseException:
            handle.close()
            raise
        self._closer = weakref.finalize(self, _close_both, archive, handle)
        return archive

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
        self._archive, self._closer = None, None

    def head(self, name: str, size: int = 4096) -> bytes:
        """The first ``size`` bytes of one entry (for detection by shape); empty when it
        cannot be read. Reads at most ``size`` bytes, whatever the entry claims."""
        try:
            with self._open() as archive, archive.open(name) as handle:
                return handle.read(size)
        except (OSError, KeyError, ValueError, zipfile.BadZipFile, zlib.error,
                RuntimeError, NotImplementedError, EOFError):
            return b""

    def names(self) -> list[str]:
        """Names of the regular, safely named entries (at most MAX_ENTRIES)."""
        with self._open() as archive:
            every = archive.infolist()
        infos = every[:MAX_ENTRIES]
        if len(every) > MAX_ENTRIES and "\0too-many" not in self._refused:
            self._refused.add("\0too-many")  # said once
            self._problem("chat.zip-too-many-entries", (
                ("count", str(len(every))), ("limit", str(MAX_ENTRIES))))
        names = []
        for info in infos:
            if info.is_dir():
                continue
            if not safe_name(info.filename):
                if info.filename not in self._refused:
                    self._refused.add(info.filename)
                    self._problem("chat.zip-unsafe-entry", (("name", shown(info.filename)),))
                continue
            names.append(info.filename)
        return names

    def seal(self, name: str, seal: Callable[[BinaryIO], Artifact]) -> Artifact | None:
        """The entry streamed into the vault by ``seal``, or None (with a finding) when it
        breaks a cap or is bad; memory stays flat whatever the entry's size."""
        with self._open() as archive:
            info = archive.getinfo(name)
            if self._too_big(info.file_size, info.compress_size):
                self._problem("chat.zip-too-big", (("name", name),))
                return None
            limit = min(MAX_ENTRY_BYTES, info.file_size)
            try:
                with archive.open(info) as handle:
                    capped = _Capped(handle, lambda got: got > limit or self._too_big(
                        got, info.compress_size))
                    artifact = seal(io.BufferedReader(capped, CHUNK))
            except CapExceeded:
                self._problem("chat.zip-too-big", (("name", name),))
                return None
            except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError,
                    EOFError) as exc:
                self._unreadable(name, exc)
                return None
        self.total += capped.got
        return artifact

    def read(self, name: str) -> bytes | None:
        """The entry's bytes, or None (with a finding) when it breaks a cap or is bad."""
        with self._open() as archive:
            info = archive.getinfo(name)
            if self._too_big(info.file_size, info.compress_size):
                self._problem("chat.zip-too-big", (("name", name),))
                return None
            try:
                return self._stream(archive, info)
            except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError,
                    EOFError, OSError) as exc:
                self._unreadable(name, exc)
                return None

    def _unreadable(self, name: str, error: BaseException) -> None:
        """An entry that is damaged, encrypted or compressed in a way not supported:
        said as such (not as too big), with what went wrong."""
        reason = (N_("encrypted: a password is needed") if "encrypted" in str(error).lower()
                  else N_("compressed in a way that is not supported")
                  if isinstance(error, NotImplementedError) else N_("damaged"))
        self._problem("chat.zip-entry-unreadable", (("name", name), ("reason", reason)))

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
