"""Attachments that lie next to a loose export file, read from disk without trusting it.

Some exports name their media by a path relative to the export (DiscordChatExporter
``--media`` writes ``<export>.json_Files/…``; an unzipped Facebook / Instagram download
writes ``messages/inbox/<thread>/photos/…``). When such an export is added as a loose
JSON file, those files are read from the user's disk and sealed, so the vault keeps the
photo a message points at, not only its name. What is read, and only that:

* a path that the export names, joined to a folder the importer chose (the export's own
  folder, or for a download the top folder that holds the JSON);
* only when the file's real path (after following every symlink) is inside that
  folder, and it is a regular file (no FIFO, device or socket: it is opened with
  ``O_NOFOLLOW | O_NONBLOCK`` and checked again after opening). The real path is opened
  a component at a time from the folder (``dir_fd``, ``O_NOFOLLOW`` at each step), so a
  directory swapped for a symlink after the check is refused, not followed;
* at most ``MAX_ENTRY_BYTES`` per file, ``MAX_TOTAL_BYTES`` and ``MAX_ENTRIES`` files per
  export (the caps of :mod:`zipsafe`).

Absolute paths, ``..``, drive letters, symlinks leaving the folder and special files
are refused with a finding; a named file that is not there is a finding too. URLs
(``https://cdn…``) are never fetched: no network is used unless the user asks. Findings
are listed up to ``MAX_LISTED_PROBLEMS`` and counted beyond that.
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext
from spoorvast.importers.chat.shared import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.importers.chat.shared.accounting import MAX_LISTED_PROBLEMS
from spoorvast.importers.chat.shared.zipsafe import (
    CHUNK,
    MAX_ENTRIES,
    MAX_ENTRY_BYTES,
    MAX_TOTAL_BYTES,
    safe_name,
)
from spoorvast.model.records import Artifact, ArtifactRole, Location, Problem, Severity

Resolver = Callable[[str, Location], str | None]  # (path named, where) -> sha256 or None
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # two letters at least: "C:" is a drive


def is_url(reference: str) -> bool:
    """A URL (https:, data:, file:…): never fetched, never read from disk."""
    return bool(_URL.match(reference))


def parts_of(reference: str) -> list[str] | None:
    """The components of a relative path (``\\`` counts as ``/``, ``.`` dropped), or
    None when it is absolute, has ``..``, a drive letter or a NUL."""
    posix = reference.replace("\\", "/")
    if not safe_name(posix):
        return None
    return [p for p in posix.split("/") if p not in ("", ".")]


def real_folder(path: Path) -> Path:
    """The real folder that holds ``path`` (symlinks followed)."""
    return Path(os.path.realpath(path)).parent


@dataclass
class AttachmentReport:
    """Missing and refused attachments: listed up to a cap, then counted."""

    sha256: str
    problems: list[Problem] = field(default_factory=list)
    read: int = 0
    _unlisted: int = 0
    _first_unlisted: str = ""

    def missing(self, where: Location) -> None:
        self._add("chat.attachment-missing", (), where)

    def refused(self, where: Location, reason: str) -> None:
        self._add("chat.attachment-refused", (("reason", reason),), where)

    def _add(self, code: str, params: tuple[tuple[str, str], ...], where: Location) -> None:
        label = where.field or (f"line {where.line}" if where.line else "")
        if len(self.problems) >= MAX_LISTED_PROBLEMS:
            self._unlisted += 1
            self._first_unlisted = self._first_unlisted or label
            return
        self.problems.append(Problem(Severity.WARNING, code, (("where", label), *params),
                                     where))

    def finish(self) -> list[Problem]:
        done = list(self.problems)
        if self._unlisted:
            done.append(Problem(Severity.WARNING, "chat.attachments-more", (
                ("count", str(self._unlisted)), ("where", self._first_unlisted)),
                Location(artifact_sha256=self.sha256)))
        if self.read:
            done.append(Problem(Severity.INFO, "chat.attachments-read",
                                (("count", str(self.read)),),
                                Location(artifact_sha256=self.sha256)))
        return done


class Refused(str):
    """Why a named file was not read (a rule name, translated when shown; no evidence)."""


@dataclass
class LocalFiles:
    """Files read from inside chosen folders, each sealed once (by its real path)."""

    context: ImportContext
    derived_from: str  # sha256 of the export (the original)
    report: AttachmentReport
    by_path: dict[str, Artifact] = field(default_factory=dict)
    by_sha: dict[str, Artifact] = field(default_factory=dict)
    total: int = 0

    def artifacts(self) -> list[Artifact]:
        return list(self.by_sha.values())

    def resolve_in(self, folder: Path, reference: str, where: Location) -> str | None:
        """sha256 of the sealed file ``reference`` names inside ``folder`` (a real path),
        or None (with a finding) when it is missing or refused; URLs are left alone."""
        if is_url(reference):
            return None
        parts = parts_of(reference)
        if parts is None:
            self.report.refused(where, N_("absolute path or '..'"))
            return None
        found = locate(folder, parts)
        if found is None:
            self.report.missing(where)
            return None
        artifact = found if isinstance(found, Refused) else self._sealed(folder, found)
        if isinstance(artifact, Refused):
            self.report.refused(where, artifact)
            return None
        return artifact.sha256

    def _sealed(self, folder: Path, real: Path) -> Artifact | Refused:
        key = str(real)
        if key in self.by_path:
            return self.by_path[key]
        if len(self.by_path) >= MAX_ENTRIES:
            return Refused(N_("too many files"))
        data = read_regular(real, MAX_TOTAL_BYTES - self.total, folder)
        if isinstance(data, Refused):
            return data
        self.total += len(data)
        kind = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        artifact = self.context.seal(data, ArtifactRole.ATTACHMENT, real.name, kind,
                                     self.derived_from)
        self.by_path[key] = artifact
        if artifact.sha256 not in self.by_sha:
            self.by_sha[artifact.sha256] = artifact
            self.report.read += 1
        return artifact


def locate(folder: Path, parts: list[str]) -> Path | Refused | None:
    """The real path of ``folder/parts`` when it is a regular file inside ``folder``;
    Refused when it leaves the folder or is not a regular file; None when absent."""
    candidate = folder.joinpath(*parts)
    if not parts or not os.path.lexists(candidate):
        return None
    try:
        real = Path(os.path.realpath(candidate, strict=True))
    except FileNotFoundError:
        inside = Path(os.path.realpath(candidate)).is_relative_to(folder)
        return None if inside else Refused(N_("symlink outside the export folder"))
    except (OSError, RuntimeError):
        return Refused(N_("symlink loop"))
    if not real.is_relative_to(folder):
        return Refused(N_("outside the export folder"))
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return None
    return real if stat.S_ISREG(mode) else Refused(N_("not a regular file"))


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
_DIR_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_DIRECTORY", 0)


def open_beneath(folder: Path, real: Path) -> int:
    """A descriptor of ``real`` (a real path inside ``folder``), opened a component at a
    time from ``folder`` without following any symlink: between :func:`locate` and the
    read, a directory on the way may have been replaced by a symlink leading out of the
    folder (OSError then, ``ELOOP`` or ``ENOTDIR``). Without ``dir_fd`` support, the path
    is opened whole (only its last component is then guarded)."""
    if os.open not in os.supports_dir_fd or not _NOFOLLOW:
        return os.open(real, _FILE_FLAGS)
    *directories, name = real.relative_to(folder).parts
    handle = os.open(folder, _DIR_FLAGS)
    try:
        for part in directories:
            inner = os.open(part, _DIR_FLAGS, dir_fd=handle)
            os.close(handle)
            handle = inner
        return os.open(name, _FILE_FLAGS, dir_fd=handle)
    finally:
        os.close(handle)


def read_regular(real: Path, budget: int, folder: Path) -> bytes | Refused:
    """The bytes of the regular file ``real`` inside ``folder``, at most MAX_ENTRY_BYTES
    (and ``budget``), opened without following symlinks (:func:`open_beneath`)."""
    try:
        handle = open_beneath(folder, real)
    except OSError:
        return Refused(N_("cannot be opened"))
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return Refused(N_("not a regular file"))
        limit = min(MAX_ENTRY_BYTES, budget)
        if info.st_size > limit:
            return Refused(N_("too large"))
        return _read_capped(handle, limit)
    except OSError:
        return Refused(N_("cannot be read"))
    finally:
        os.close(handle)


def _read_capped(handle: int, limit: int) -> bytes | Refused:
    parts, got = [], 0
    while chunk := os.read(handle, min(CHUNK, limit + 1 - got)):
        got += len(chunk)
        parts.append(chunk)
        if got > limit:
            return Refused(N_("too large"))
    return b"".join(parts)
