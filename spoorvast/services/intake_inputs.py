"""What ``add`` reads, and how: folders walked without following links, files opened
without following links, names kept whatever their bytes.

* A symbolic link is never followed. Found in a folder being added, it is recorded as
  what it is, a link: an item whose original is the link itself (the path it holds, as
  ``readlink`` gives it), with a Finding that names the target, so the account of the
  folder is whole and nothing outside it is sealed (``ln -s ~/private.txt
  export/photos/link.jpg`` used to seal the private file). A link named on the command
  line is refused with a message naming its target: the person can name the target
  itself if it is what they meant, and nothing is sealed that they did not see named.
* Files are opened with ``O_NOFOLLOW | O_NONBLOCK`` and the descriptor is checked
  against the ``lstat`` taken before (same inode, a regular file), so a file swapped for
  a link or a FIFO between the two is refused, not read.
* A name that is not UTF-8, or holds control characters, is stored escaped
  (:mod:`spoorvast.model.names`) with its exact bytes, in hex, in a Finding.
"""

from __future__ import annotations

import os
import stat as statmod
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from spoorvast.errors import InputFileError
from spoorvast.findings import register_codes
from spoorvast.i18n import N_, _
from spoorvast.model.names import raw_hex, shown
from spoorvast.model.records import Location, Problem, Severity

LINK_MEDIA_TYPE = "inode/symlink"

register_codes({
    "intake.symlink": N_("{name} is a symbolic link to {target}. Links are not followed: "
                         "only the link itself was recorded, not the file it points to. "
                         "Add {target} itself if it belongs to the evidence."),
    "intake.name-escaped": N_("The file name holds bytes that are not text or control "
                              "characters; it is shown as {name}. Its exact bytes (hex): "
                              "{raw}."),
})

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and entries under directories named: regular files, and links (to
    files or folders), which the intake records as links. A folder's own entries come
    sorted, before its subfolders'; links to folders are not walked into."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            unread: list[OSError] = []  # a folder os.walk cannot open is never skipped:
            for root, dirs, files in os.walk(path, onerror=unread.append):
                yield from _failed(unread)  # it is an input, refused with its reason
                dirs.sort()
                linked = [d for d in dirs if os.path.islink(os.path.join(root, d))]
                for name in sorted(files + linked):
                    yield Path(root) / name
            yield from _failed(unread)
        else:
            yield path


def _failed(errors: list[OSError]) -> Iterator[Path]:
    while errors:
        failed = errors.pop(0).filename
        if failed is not None:
            yield Path(os.fsdecode(failed))


def lstat_input(path: Path) -> os.stat_result:
    """The input's own ``lstat`` (a link is not followed)."""
    try:
        return path.lstat()
    except FileNotFoundError as exc:
        raise InputFileError(_("{path} does not exist.").format(path=shown(str(path)))) \
            from exc
    except OSError as exc:
        raise InputFileError(_("{path} cannot be read ({reason}).").format(
            path=shown(str(path)), reason=exc.strerror)) from exc


def require_regular(path: Path, st: os.stat_result) -> None:
    if statmod.S_ISDIR(st.st_mode):  # a folder inside a named one that could not be read
        raise InputFileError(_("The folder {path} could not be opened: nothing in it was "
                               "added.").format(path=shown(str(path))))
    if not statmod.S_ISREG(st.st_mode):
        raise InputFileError(_("{path} is not a regular file.").format(path=shown(str(path))))


def open_input(path: Path, before: os.stat_result) -> BinaryIO:
    """``path`` opened for reading without following a link; refused when what was
    opened is not the regular file ``before`` described."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        raise InputFileError(_("{path} cannot be read ({reason}).").format(
            path=shown(str(path)), reason=exc.strerror)) from exc
    opened = os.fstat(fd)
    if (opened.st_ino, opened.st_dev) != (before.st_ino, before.st_dev) \
            or not statmod.S_ISREG(opened.st_mode):
        os.close(fd)
        raise InputFileError(_("{path} changed while it was being read, so it was not "
                               "stored. Close the program writing it and add it again.")
                             .format(path=shown(str(path))))
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def link_target(path: Path) -> bytes:
    """The path a link holds, as bytes (not followed, not resolved)."""
    try:
        return os.readlink(os.fsencode(path))
    except OSError as exc:
        raise InputFileError(_("{path} cannot be read ({reason}).").format(
            path=shown(str(path)), reason=exc.strerror)) from exc


def refuse_named_link(path: Path) -> InputFileError:
    target = shown(os.fsdecode(link_target(path)))
    return InputFileError(_("{path} is a symbolic link to {target}; links are not "
                            "followed. Add {target} itself if it is what you meant.")
                          .format(path=shown(str(path)), target=target))


def link_problem(name: str, target: bytes, sha256: str) -> Problem:
    return Problem(Severity.WARNING, "intake.symlink",
                   (("name", shown(name)), ("target", shown(os.fsdecode(target)))),
                   Location(artifact_sha256=sha256))


def name_problems(name: str, sha256: str) -> list[Problem]:
    """A Finding with the exact bytes when the name is stored escaped."""
    if shown(name) == name:
        return []
    return [Problem(Severity.INFO, "intake.name-escaped",
                    (("name", shown(name)), ("raw", raw_hex(name))),
                    Location(artifact_sha256=sha256))]
