"""Private memory scratch folders: where they are, how they end, and the sweep of what
a killed process left (real processes, real /dev/shm)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spoorvast.storage import scratch


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _leftover(base: Path, kind: str, pid: int, start: int = 0) -> Path:
    path = base / f"spv-{kind}-{pid}-{start}-abcd1234"
    path.mkdir(mode=0o700)
    (path / "evidence.txt").write_text("CANARY-LEFTOVER")
    return path


@pytest.fixture
def shm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private tmpfs root of our own (a folder under /dev/shm), as $XDG_RUNTIME_DIR."""
    base = scratch.memory_base()
    assert base is not None, "these tests need /dev/shm"
    root = Path(os.path.realpath(base)) / f"spv-test-root-{os.getpid()}-{tmp_path.name}"
    root.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(root))
    yield root
    import shutil

    shutil.rmtree(root, ignore_errors=True)


def test_private_dir_is_0700_in_memory_named_for_the_sweep_and_removed(shm: Path) -> None:
    with scratch.private_dir("dossier") as path:
        assert path.parent == shm
        assert path.stat().st_mode & 0o777 == 0o700
        match = scratch.NAME.match(path.name)
        assert match and match.group(1) == "dossier" and int(match.group(2)) == os.getpid()
        (path / "x").write_text("plaintext")
    assert not path.exists()
    with pytest.raises(RuntimeError), scratch.private_dir("capture") as path:
        raise RuntimeError
    assert not path.exists()


def test_no_memory_folder_is_refused_never_tmp_on_disk(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setattr(scratch, "candidates", lambda: [str(tmp_path)])  # a disk folder
    with pytest.raises(scratch.NoPrivateMemory, match="/dev/shm"), \
            scratch.private_dir("dossier"):
        pass
    assert list(tmp_path.iterdir()) == [tmp_path / "tmp"]  # nothing written to the disk


def test_too_little_room_is_refused(shm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scratch, "candidates", lambda: [str(shm)])
    with pytest.raises(scratch.NoPrivateMemory, match="MB needed"), \
            scratch.private_dir("profile", need=1 << 60):
        pass


def test_sweep_removes_only_what_dead_processes_of_this_user_left(shm: Path) -> None:
    dead = _leftover(shm, "dossier", _dead_pid())
    mine = _leftover(shm, "capture", os.getpid(), scratch._start_time(os.getpid()) or 0)
    reused = _leftover(shm, "browser", os.getpid(), 1)  # our pid, another process's start
    foreign = _leftover(shm, "profile", _dead_pid())
    if os.getuid() == 0:
        os.chown(foreign, 65534, 65534)  # another user's: never ours to remove
    else:
        foreign.rename(foreign.with_name(foreign.name.replace("spv-", "spx-")))
        foreign = foreign.with_name(foreign.name.replace("spv-", "spx-"))
    link = shm / f"spv-dossier-{_dead_pid()}-0-linkabcd"
    link.symlink_to(mine)
    other = shm / "not-ours"
    other.mkdir()
    assert scratch.sweep() >= 2
    assert not dead.exists() and not reused.exists()
    assert mine.exists() and foreign.exists() and other.exists() and link.is_symlink()
    assert (mine / "evidence.txt").exists()


def test_sweep_removes_legacy_names_only_when_old(shm: Path) -> None:
    old, new = shm / "spoorvast-profile-abcd1234", shm / "spoorvast-dossier-efgh5678"
    for path in (old, new):
        path.mkdir()
    os.utime(old, (time.time() - 2 * scratch.LEGACY_AGE,) * 2)
    scratch.sweep()
    assert not old.exists() and new.exists()


def test_sweep_removes_registered_partial_outputs_of_a_dead_process(
        shm: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    partial, archive = out / ".dossier-1-x.partial", out / ".dossier-1-x.zip.part"
    partial.mkdir()
    (partial / "evidence.txt").write_text("CANARY")
    archive.write_bytes(b"PK")
    keep = out / "dossier-1-y"
    keep.mkdir()
    dead = _leftover(shm, "dossier", _dead_pid())
    for path in (partial, archive):
        scratch.register_output(dead, path)
    with (dead / scratch.OUTPUTS).open("a") as listing:
        listing.write(f"{keep}\n")  # not a partial name: left alone
    with pytest.raises(ValueError):
        scratch.register_output(dead, keep)
    scratch.sweep()
    assert not dead.exists() and not partial.exists() and not archive.exists()
    assert keep.exists()


CHILD = """
import sys, time
from spoorvast.storage import scratch
scratch.install_signal_cleanup()
with scratch.private_dir("capture") as path:
    (path / "visit.har").write_text("CANARY")
    print(path, flush=True)
    time.sleep(60)
"""


def _child() -> tuple[subprocess.Popen[str], Path]:
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert child.stdout is not None
    path = Path(child.stdout.readline().strip())
    child.stdout.close()
    return child, path


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_remove_the_folder(shm: Path, signum: int) -> None:
    child, path = _child()
    assert path.is_dir()
    child.send_signal(signum)
    assert child.wait(20) == 128 + signum
    assert not path.exists()


def test_kill_9_leaves_it_and_the_next_start_sweeps_it(shm: Path) -> None:
    child, path = _child()
    child.kill()
    child.wait(20)
    assert (path / "visit.har").exists()
    started = subprocess.run([sys.executable, "-m", "spoorvast", "--version"],
                             env={**os.environ, "PYTHONPATH": os.getcwd()}, check=True,
                             capture_output=True, timeout=60)
    assert b"spoorvast" in started.stdout
    assert not path.exists()
