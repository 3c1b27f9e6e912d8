"""kill -9 sweeps: a dossier build and a logged-in capture (real Chromium, loopback page)
are killed at a few random moments; then the next start of spoorvast runs, and every
place a temporary or partial file could be (/dev/shm, $XDG_RUNTIME_DIR, the temp folders,
the output folder, the vault) is searched for canary strings planted in the evidence."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.model import instant
from spoorvast.model.records import ArtifactRole, Event, ItemKind
from spoorvast.storage import scratch
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli
from tests.dossier.builder import _artifact, _item, png

CANARY = b"CANARY-7f3c1e-PLAINTEXT-EVIDENCE"
KILLS = 3
MAX_FILE = 256 << 20


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.getcwd()}


def _spoorvast(*argv: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "spoorvast", *argv], env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _next_start() -> None:
    done = subprocess.run([sys.executable, "-m", "spoorvast", "--version"], env=_env(),
                          capture_output=True, timeout=120, check=True)
    assert b"spoorvast" in done.stdout


def _owned_by(pid: int) -> list[Path]:
    """Scratch folders named for process ``pid``, wherever the sweep looks."""
    found = []
    for root in scratch.sweep_roots():
        for entry in Path(root).glob(f"spv-*-{pid}-*"):
            found.append(entry)
    return found


def _gone(pid: int) -> None:
    """Wait until every process of the killed run (its session) has ended."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pid, signal.SIGKILL)


def _files(root: Path, skip: tuple[Path, ...] = ()) -> Iterator[Path]:
    for base, dirs, names in os.walk(root, onerror=lambda exc: None):
        here = Path(base)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in names:
            path = here / name
            if path not in skip:
                yield path


def _holds_canary(path: Path) -> bool:
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_FILE:
            return False
        return CANARY in path.read_bytes()
    except OSError:
        return False


def _temp_roots(since: float) -> list[Path]:
    roots = [Path(r) for r in scratch.candidates() if Path(r).is_dir()]
    roots.append(Path(os.environ["TMPDIR"]))
    for entry in Path("/tmp").iterdir():  # what a run could have put in the real /tmp
        try:
            recent = entry.lstat().st_mtime >= since
        except OSError:
            continue
        if recent and not entry.name.startswith(("pytest-of-", "bash_jobs")):
            roots.append(entry)
    return roots


def _complete(path: Path) -> bool:
    """A finished dossier under its final name (the kill came after it was published)."""
    if path.is_dir():
        return (path / "DOSSIER.pdf.sha256").is_file()
    with zipfile.ZipFile(path) as archive:
        return archive.testzip() is None


def _scan(since: float, out: Path, vault: Path) -> list[Path]:
    finished = tuple(p for p in out.iterdir() if not p.name.startswith(".") and _complete(p))
    found = [p for root in _temp_roots(since) for p in
             ([root] if root.is_file() else _files(root)) if _holds_canary(p)]
    found += [p for p in _files(out, finished) if _holds_canary(p)]
    found += [p for p in _files(vault) if _holds_canary(p)]
    return found


def _kill_at(argv: tuple[str, ...], fraction: float,
             full: float) -> tuple[int, int] | float:
    """Start ``argv``, wait until its work has begun (its scratch folder exists), then
    kill it after ``fraction`` of the rest of a full run's time. Returns the pid and how
    many scratch folders it had when it was killed; or, when the run finished before the
    kill (the machine got quicker than when ``full`` was timed), how long it took."""
    start = time.monotonic()
    child = _spoorvast(*argv)
    # a loaded machine can take longer than the timed runs to get there: wait for the
    # scratch folder itself (up to a generous bound), never kill before it exists
    while not _owned_by(child.pid) and time.monotonic() - start < max(60.0, 5 * full):
        time.sleep(0.02)
    begun = time.monotonic() - start
    time.sleep(max(0.0, fraction * (full - begun)))
    if child.poll() is not None:
        assert child.wait() == 0
        return time.monotonic() - start
    # counted at the kill: afterwards any spoorvast start (another test process's, in
    # parallel runs) may already have swept the dead run's folder
    had = len(_owned_by(child.pid))
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    _gone(child.pid)
    return child.pid, had


def _timed(argv: tuple[str, ...]) -> float:
    start = time.monotonic()
    child = _spoorvast(*argv)
    assert child.wait(600) == 0
    return time.monotonic() - start


def _sweeps(argv: tuple[str, ...], out: Path, vault: Path, seed: int) -> int:
    """Kill ``argv`` at KILLS random moments of a full run; after each, start spoorvast
    again and search everywhere. Returns how many kills left something to sweep.

    A run that finishes before its kill is searched the same way (a finished run must
    leave nothing either), and the kill is tried again with the time that run took as
    the new full time: the machine's load changes while the test runs."""
    full = min(_timed(argv), _timed(argv))  # the first run is a cold start
    rng, left, kills, tries = random.Random(seed), 0, 0, 0
    while kills < KILLS:
        tries += 1
        assert tries <= 4 * KILLS, "every run finished before its kill"
        since = time.time()
        outcome = _kill_at(argv, rng.uniform(0.0, 0.6), full)
        _next_start()
        if isinstance(outcome, float):
            full = min(full, outcome)
        else:
            pid, leftovers = outcome
            kills += 1
            left += leftovers > 0
            assert _owned_by(pid) == []
        assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
        assert _scan(since, out, vault) == []
    return left


@pytest.mark.slow
def test_killed_dossier_builds_leave_nothing_readable(cli: Cli, case_vault: Path,
                                                      tmp_path: Path) -> None:
    vault_dir = case_vault
    _dossier_case(vault_dir)
    out = tmp_path / "out"
    out.mkdir()
    left = _sweeps(("dossier", "--out", str(out)), out, vault_dir, seed=22)
    assert left >= KILLS - 1  # the kills hit builds with scratch to sweep


def _dossier_case(vault_dir: Path) -> None:
    """Files, screenshots and a chat whose marked messages (in the PDF) hold the canary."""
    with open_vault(vault_dir, PASSPHRASE) as vault:
        case_id = vault.store.cases()[0].id or 0
        for n in range(12):
            text = b"synthetic evidence %d " % n + CANARY + b"\n" + bytes(400_000)
            _item(vault, case_id, ItemKind.FILE, f"note {n}", "no-such-importer",
                  [_artifact(vault, ArtifactRole.ORIGINAL, f"note-{n}.txt", "text/plain",
                             text),
                   _artifact(vault, ArtifactRole.SCREENSHOT, f"shot-{n}.png", "image/png",
                             png(600, 1400, "teal"))])
        chat = _item(vault, case_id, ItemKind.CONVERSATION, "chat", "whatsapp",
                     [_artifact(vault, ArtifactRole.ORIGINAL, "chat.txt", "text/plain",
                                CANARY)])
        events = [Event(None, case_id, chat.id, "message",
                        instant.from_user_text(f"2026-03-0{1 + n % 8} 20:1{n % 10}",
                                               "Europe/Brussels"),
                        f"message {n} {CANARY.decode()}", actor="name:X", marked=True)
                  for n in range(40)]
        with vault.store.transaction() as tx:
            tx.add_events(chat, events)


def _routes(path: str, headers: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
    html = "text/html; charset=utf-8"
    if path == "/login":
        script = b"<script>localStorage.setItem('k', '" + CANARY + b"')</script>"
        return 200, html, b"<p>logged in</p>" + script, {
            "Set-Cookie": f"session={CANARY.decode()}; Path=/; Max-Age=3600"}
    page = b"<html><title>Post</title><p>" + CANARY + b"</p>" + bytes(200) + b"</html>"
    return 200, html, page, {}


@pytest.mark.slow
def test_killed_logged_in_captures_leave_nothing_readable(case_vault: Path,
                                                          tmp_path: Path) -> None:
    from playwright.sync_api import BrowserContext

    from spoorvast.capture import profile
    from tests.capture.site import _serve

    server = _serve(_routes)
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def log_in(context: BrowserContext) -> None:
        context.pages[0].goto(base + "/login")
        context.pages[0].wait_for_function("localStorage.getItem('k') !== null")

    try:
        with open_vault(case_vault, PASSPHRASE) as vault:
            profile.login(vault, driver=log_in, headless=True)
        out = tmp_path / "out"
        out.mkdir()
        argv = ("capture", base + "/post", "--logged-in", "--allow-private-network",
                "--no-pdf", "--timeout", "20")
        left = _sweeps(argv, out, case_vault, seed=6)
    finally:
        server.shutdown()
        server.server_close()
    assert left >= KILLS - 1
