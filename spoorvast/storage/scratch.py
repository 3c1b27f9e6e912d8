"""Private scratch folders in memory, and the sweep of those a killed process left.

Some plaintext has to be a file for a moment: Chromium's profile and its HAR, what Typst
reads, a dossier while it is built. It goes only to a memory-backed file system
(``$XDG_RUNTIME_DIR``, then ``/dev/shm``, each only when it is a tmpfs with room), in a
folder created 0700 and named ``spv-<kind>-<pid>-<start>-<random>`` (``start`` is the
process's start time, so a reused pid is not mistaken for its owner).

The folder is removed on every way out that runs code: the ``finally`` of
:func:`private_dir`, SIGTERM and SIGHUP (turned into ``SystemExit`` by
:func:`install_signal_cleanup`, so the ``finally`` runs) and ``atexit`` for what a
thread still held. ``kill -9`` and a power cut run nothing: the next start of any
spoorvast command or of the app calls :func:`sweep`, which removes every such folder
that belongs to this user and whose process is gone.

Files written into a person's own folder (a dossier) are first written under a hidden
partial name, registered with :func:`register_output` in the scratch folder; the sweep
removes a registered partial together with the folder that names it.

With no memory file system (or too little room) the work is refused with a
:class:`NoPrivateMemory` error: it never falls back to ``/tmp`` on a disk, where the
bytes of a deleted file stay readable (journal, free blocks, SSD remapping).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import BinaryIO

from spoorvast.errors import UserError
from spoorvast.i18n import _

PREFIX = "spv-"
OUTPUTS = ".outputs"
MIN_FREE = 16 << 20
NAME = re.compile(r"^spv-([a-z]+)-(\d+)-(\d+)-[A-Za-z0-9_]{8}$")
# What versions before the sweep left (tempfile.mkdtemp names, no pid): removed once
# they are older than LEGACY_AGE, so a still-running older process is not disturbed.
LEGACY = re.compile(r"^(spoorvast-dossier-|spoorvast-profile-|spoorvast-|spv-)"
                    r"[a-z0-9_]{8}$")
LEGACY_AGE = 3600.0
PARTIAL = re.compile(r"^\..+\.(partial|part)$")
_live: set[Path] = set()
_guard = threading.Lock()


class NoPrivateMemory(UserError):
    """No memory-backed folder with room for the work."""


def _tmpfs_mounts() -> dict[str, str]:
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            return {f[1]: f[2] for f in (line.split() for line in mounts) if len(f) > 2}
    except OSError:
        return {}


def _on_tmpfs(path: str, mounts: dict[str, str]) -> bool:
    real = os.path.realpath(path)
    points = [m for m in mounts if real == m or real.startswith(m.rstrip("/") + "/")]
    return bool(points) and mounts[max(points, key=len)] in ("tmpfs", "ramfs")


def candidates() -> list[str]:
    return [c for c in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm") if c]


def free_bytes(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def memory_base(need: int = 0, floor: int = MIN_FREE) -> Path | None:
    """The first memory-backed folder this user can write with ``need`` bytes free (and
    never less than ``floor``)."""
    mounts = _tmpfs_mounts()
    for candidate in candidates():
        if (os.path.isdir(candidate) and os.access(candidate, os.W_OK | os.X_OK)
                and _on_tmpfs(candidate, mounts)
                and free_bytes(Path(candidate)) >= max(need, floor)):
            return Path(candidate)
    return None


def _start_time(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            fields = stat.read().rpartition(")")[2].split()
        return int(fields[19])  # field 22 of proc(5), counted after "(comm)"
    except (OSError, ValueError, IndexError):
        return None


def _name(kind: str) -> str:
    pid = os.getpid()
    return f"{PREFIX}{kind}-{pid}-{_start_time(pid) or 0}-"


def make_private_dir(kind: str, need: int = 0, floor: int = MIN_FREE) -> Path:
    """A fresh 0700 folder in memory, named for the sweep; the caller removes it with
    :func:`remove_private_dir` (or it goes at exit, or at the next start's sweep)."""
    base = memory_base(need, floor)
    if base is None:
        raise NoPrivateMemory(_(
            "There is no private memory folder with room for this work ({size} MB needed "
            "in $XDG_RUNTIME_DIR or /dev/shm). spoorvast does not write evidence to a "
            "temporary folder on the disk; free some memory or make /dev/shm available, "
            "then try again.").format(size=max(need, MIN_FREE) >> 20))
    path = Path(tempfile.mkdtemp(prefix=_name(kind), dir=base))
    with _guard:
        _live.add(path)
    try:
        path.chmod(0o700)
    except BaseException:
        remove_private_dir(path)
        raise
    return path


@contextmanager
def private_dir(kind: str, need: int = 0) -> Iterator[Path]:
    """A fresh 0700 folder in memory, removed when the block ends however it ends."""
    path = make_private_dir(kind, need)
    try:
        yield path
    finally:
        remove_private_dir(path)


def remove_private_dir(path: Path) -> None:
    _remove_outputs(path)
    shutil.rmtree(path, ignore_errors=True)
    with _guard:
        _live.discard(path)


@contextmanager
def private_file(path: Path) -> Iterator[BinaryIO]:
    """A new file only this user can read (0600 from its creation on; never replaces)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        yield handle


def register_output(scratch: Path, partial: Path) -> None:
    """Name a hidden partial file or folder in the person's output folder, so that the
    sweep removes it when this process dies before renaming or removing it."""
    if not PARTIAL.match(partial.name):
        raise ValueError(partial.name)
    with open(scratch / OUTPUTS, "a", encoding="utf-8") as listing:
        listing.write(str(partial.absolute()) + "\n")


def _remove_outputs(scratch: Path) -> None:
    try:
        lines = (scratch / OUTPUTS).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    for line in lines:
        target = Path(line)
        if not line or not PARTIAL.match(target.name):
            continue
        try:
            info = target.lstat()
        except OSError:
            continue
        if info.st_uid != os.getuid():
            continue
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)


def _owner_gone(pid: int, start: int) -> bool:
    """True when no process ``pid`` runs, or the one that does started at another time
    (the pid was reused). An unknown start time counts as alive: never remove a folder
    that might be in use."""
    if pid != os.getpid():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return start != 0 and _start_time(pid) not in (None, start)


def _abandoned(entry: os.DirEntry[str], now: float) -> bool:
    match = NAME.match(entry.name)
    if match:
        return _owner_gone(int(match.group(2)), int(match.group(3)))
    if LEGACY.match(entry.name):
        return now - entry.stat(follow_symlinks=False).st_mtime > LEGACY_AGE
    return False


def sweep_roots() -> list[str]:
    roots = [*candidates(), tempfile.gettempdir(), "/tmp"]
    return list(dict.fromkeys(os.path.realpath(r) for r in roots))


def sweep() -> int:
    """Remove the scratch folders (and their registered partial outputs) that processes
    of this user left when they were killed. Returns how many folders were removed."""
    removed, now, uid = 0, time.time(), os.getuid()
    for root in sweep_roots():
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            try:
                if (not entry.name.startswith(("spv-", "spoorvast-"))
                        or not entry.is_dir(follow_symlinks=False)
                        or entry.stat(follow_symlinks=False).st_uid != uid
                        or not _abandoned(entry, now)):
                    continue
            except OSError:
                continue
            remove_private_dir(Path(entry.path))
            removed += 1
    return removed


def _remove_live() -> None:
    with _guard:
        paths = list(_live)
    for path in paths:
        remove_private_dir(path)


def _exit_on(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def install_signal_cleanup() -> None:
    """SIGTERM and SIGHUP end the process through ``SystemExit`` (so every ``finally``
    removes its scratch), where nothing else handles them yet."""
    atexit.register(_remove_live)
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _exit_on)
