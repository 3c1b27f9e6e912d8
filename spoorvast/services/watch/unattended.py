"""Watches that run when no one looks: a per-user systemd timer (or a crontab line where
there is no systemd) runs ``spoorvast watch run --unattended`` every
:data:`TIMER_MINUTES` minutes. It needs no passphrase: it reads the watched addresses
from the schedule file beside the vault, captures the due ones, and writes each capture
encrypted into the vault's watch inbox; the next unlock seals them into their case and
compares them (:func:`drain`).

The schedule file (``<vault>/watch/schedule.json``, mode 0600) exists only while
unattended runs are installed: it holds the addresses, intervals and due times in
clear, because a process without the passphrase must read them. ``watch install`` says
so; ``watch uninstall`` removes it. The vault's own copy of each watch (encrypted) stays
the truth: at each unlock the file's due times are taken in and the file rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from spoorvast.capture.options import CaptureOptions
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.services import cases as case_service
from spoorvast.services.watch import locked_capture, schedule, store
from spoorvast.services.watch.model import Verdict, Watch
from spoorvast.storage import crypto, inbox
from spoorvast.storage.vault import Vault

if TYPE_CHECKING:
    from spoorvast.capture.browser import BrowserSession

TIMER_MINUTES = 15
SCHEDULE = "schedule.json"
MARK = "spoorvast-watch"


def schedule_path(root: Path) -> Path:
    return root / locked_capture.FOLDER / SCHEDULE


def enabled(root: Path) -> bool:
    return schedule_path(root).is_file()


# -- the schedule file -----------------------------------------------------------------


def _row(vault: Vault, watch: Watch) -> dict[str, object]:
    case = vault.store.case(watch.case_id)
    return {"id": watch.id, "case": watch.case_id, "url": watch.url, "every": watch.every,
            "next_due": watch.next_due, "failures": watch.failures,
            "private": watch.private, "zone": case.time_zone if case else "UTC"}


def _write_rows(root: Path, rows: list[dict[str, object]]) -> None:
    (root / locked_capture.FOLDER).mkdir(mode=0o700, exist_ok=True)
    crypto.write_private(schedule_path(root), json.dumps(
        {"format": "spoorvast-watch-schedule", "version": 1, "watches": rows},
        indent=1).encode())


def _read_rows(root: Path) -> list[dict[str, object]]:
    try:
        value = json.loads(schedule_path(root).read_bytes())
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise UserError(_("The watch schedule {path} cannot be read; open the vault once "
                          "to write it again.").format(path=schedule_path(root))) from exc
    rows = value.get("watches") if isinstance(value, dict) else None
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def enable(vault: Vault) -> None:
    inbox.ensure_keys(vault.root, vault.keyring)
    _write_rows(vault.root, [])
    sync_schedule(vault)


def sync_schedule(vault: Vault) -> None:
    """Rewrite the schedule file from the vault's watches (only while installed), after
    taking in the due times the timer moved (back-off is kept)."""
    if enabled(vault.root):
        _take_due_times(vault)
        _write_rows(vault.root, [_row(vault, w) for w in store.watches(vault)
                                 if not w.paused and w.server is None])


# -- a pass with the vault locked --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LockedPass:
    count: int
    news: bool  # a page was gone or walled (what can be told without the vault)


def _number(row: dict[str, object], key: str, default: float = 0.0) -> float:
    value = row.get(key)
    return float(value) if isinstance(value, (int, float)) else default


def run_locked(root: Path, everything: bool = False, options: CaptureOptions | None = None,
               session: BrowserSession | None = None) -> LockedPass:
    """One pass of the due watches in the schedule file, captures to the inbox (with
    ``session``, or a browser started for the pass)."""
    from spoorvast.capture.browser import BrowserSession

    if not enabled(root):
        raise UserError(_("Runs without the app are not installed for this vault: run "
                          "'spoorvast watch install' first."))
    rng, count, news = random.SystemRandom(), 0, False
    with schedule.one_pass(root) as mine:
        rows = _read_rows(root) if mine else []
        due = [r for r in rows if everything or _number(r, "next_due") <= time.time()]
        if not due:
            return LockedPass(0, False)
        clock = schedule.SiteClock()
        with ExitStack() as stack:
            if session is None:
                session = stack.enter_context(BrowserSession())
            for row in due:
                time.sleep(clock.wait_for(str(row.get("url")), time.monotonic()))
                shown = _run_row(root, session, row, options, rng)
                clock.ran(str(row.get("url")), time.monotonic())
                count, news = count + (shown is not None), news or bool(shown)
        _merge_times(root, due)
    return LockedPass(count, news)


def _key(row: dict[str, object]) -> tuple[int, int]:
    return int(_number(row, "case")), int(_number(row, "id"))


def _merge_times(root: Path, ran: list[dict[str, object]]) -> None:
    """Write the new due times of the watches that ran into the schedule as it is now
    (the app may have rewritten it during the pass: its other changes stay)."""
    times = {_key(r): (r.get("next_due"), r.get("failures")) for r in ran}
    rows = _read_rows(root)
    for row in rows:
        if _key(row) in times:
            row["next_due"], row["failures"] = times[_key(row)]
    if enabled(root):
        _write_rows(root, rows)


def _run_row(root: Path, session: BrowserSession, row: dict[str, object],
             options: CaptureOptions | None, rng: random.Random) -> bool | None:
    from spoorvast.capture.guard import TargetRefused
    from spoorvast.capture.page import CaptureFailed

    base = options or CaptureOptions(timeout_seconds=60.0, load_timeout_seconds=20.0)
    chosen = replace(base, tsa_url=None,
                     allow_private_network=bool(row.get("private"))
                     or base.allow_private_network)
    every = int(_number(row, "every", 6 * 3600))
    started = time.time()
    try:
        prepared = locked_capture.capture(session, str(row["url"]), chosen,
                                          str(row.get("zone") or "UTC"),
                                          (int(_number(row, "id")), int(_number(row, "case"))))
        locked_capture.write(root, prepared)
    except (TargetRefused, CaptureFailed):
        row["failures"] = int(_number(row, "failures")) + 1
        row["next_due"] = _later(every, started, int(_number(row, "failures")), rng)
        return None
    row["failures"] = 0
    row["next_due"] = _later(every, started, 0, rng)
    return locked_capture.showed_news(prepared)


def _later(every: int, started: float, failures: int, rng: random.Random) -> float:
    probe = Watch(0, 0, "", every, "")
    return schedule.next_due(probe, started, failures, rng)


# -- at the unlock ---------------------------------------------------------------------


def drain(vault: Vault) -> list[Verdict]:
    """Seal and compare what locked runs left in the watch inbox; take in the due times
    the timer moved; rewrite the schedule file."""
    verdicts = []
    found = locked_capture.entries(vault.root)
    if found:
        private = inbox.private_key(vault.root, vault.keyring)
        for path in found:
            verdict = _drain_one(vault, path, private)
            if verdict is not None:
                verdicts.append(verdict)
    sync_schedule(vault)
    return verdicts


def _drain_one(vault: Vault, path: Path, private: object) -> Verdict | None:
    from nacl.public import PrivateKey

    from spoorvast.services.watch.service import record_run as record

    assert isinstance(private, PrivateKey)
    try:
        prepared = locked_capture.read(path, private)
        case = case_service.get_case(vault, int(_number(prepared.head, "case")))
    except (inbox.InboxDamaged, ValueError, TypeError, KeyError, UserError):
        inbox.set_aside(path)  # unreadable, or its case is gone: kept as it was
        return None
    item = locked_capture.seal(vault, case, prepared, path.stem)
    inbox.remove(path)
    try:
        watch = store.watch(vault, case.id or 0, int(_number(prepared.head, "watch")))
    except UserError:
        return None  # the watch was removed meanwhile: the capture stays in the case
    started = item.acquired_at.utc.timestamp()
    return record(vault, case, watch, item, started)


def _take_due_times(vault: Vault) -> None:
    """Runs the timer made move a watch's next run later, never earlier."""
    rows = {_key(r): r for r in _read_rows(vault.root)} if enabled(vault.root) else {}
    moved = []
    for watch in store.watches(vault):
        row = rows.get((watch.case_id, watch.id))
        if row is not None and _number(row, "next_due") > watch.next_due:
            moved.append(replace(watch, next_due=_number(row, "next_due"),
                                 failures=int(_number(row, "failures"))))
    if moved:
        with vault.store.transaction() as tx:
            for watch in moved:
                store.save(tx, watch)


# -- systemd timer or crontab ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    files: tuple[tuple[Path, str], ...]  # systemd units
    crontab: str | None  # or a crontab line
    name: str


def _name(root: Path) -> str:
    return f"{MARK}-{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:10]}"


def _command(root: Path, notify: bool) -> list[str]:
    return [sys.executable, "-m", "spoorvast", "--vault", str(root.resolve()), "watch",
            "run", "--unattended", *(["--notify"] if notify else [])]


def has_systemd() -> bool:
    return shutil.which("systemctl") is not None and Path("/run/systemd/system").is_dir()


def unit_folder() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def plan(root: Path, notify: bool, force_cron: bool = False,
         systemd: bool | None = None) -> Plan:
    """The units (or crontab line) for this vault; ``systemd`` None: whether it runs."""
    name, command = _name(root), shlex.join(_command(root, notify))
    if force_cron or not (has_systemd() if systemd is None else systemd):
        line = f"*/{TIMER_MINUTES} * * * * {command} >/dev/null 2>&1 # {name}"
        return Plan((), line, name)
    service = ("[Unit]\nDescription=spoorvast: run the due watches\n\n[Service]\n"
               f"Type=oneshot\nExecStart={command}\nNice=10\n")
    timer = ("[Unit]\nDescription=spoorvast: run the due watches every "
             f"{TIMER_MINUTES} minutes\n\n[Timer]\nOnBootSec=5min\n"
             f"OnUnitActiveSec={TIMER_MINUTES}min\nRandomizedDelaySec=120\n"
             "Persistent=true\n\n[Install]\nWantedBy=timers.target\n")
    folder = unit_folder()
    return Plan(((folder / f"{name}.service", service), (folder / f"{name}.timer", timer)),
                None, name)


def _run(command: list[str], stdin: str | None = None) -> tuple[bool, str]:
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False, ""
    return done.returncode == 0, done.stdout


def apply(chosen: Plan) -> list[str]:
    """Write the units (and start the timer) or add the crontab line; what to tell."""
    if chosen.crontab is not None:
        ok, current = _run(["crontab", "-l"])
        lines = [x for x in (current if ok else "").splitlines() if chosen.name not in x]
        if not _run(["crontab", "-"], "\n".join([*lines, chosen.crontab]) + "\n")[0]:
            return [_("The crontab line could not be added (is cron installed?). Add it "
                      "yourself: {line}").format(line=chosen.crontab)]
        return []
    for path, text in chosen.files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    started = _run(["systemctl", "--user", "daemon-reload"])[0] and _run(
        ["systemctl", "--user", "enable", "--now", f"{chosen.name}.timer"])[0]
    return [] if started else [_("The timer was written but could not be started now; "
                                 "start it with: systemctl --user enable --now {unit}")
                               .format(unit=f"{chosen.name}.timer")]


def remove_plan(root: Path) -> list[str]:
    name, folder = _name(root), unit_folder()
    return [str(folder / f"{name}.timer"), str(folder / f"{name}.service"),
            f"crontab: # {name}", str(schedule_path(root))]


def uninstall(root: Path) -> None:
    name, folder = _name(root), unit_folder()
    if (folder / f"{name}.timer").exists():
        _run(["systemctl", "--user", "disable", "--now", f"{name}.timer"])
    for suffix in (".timer", ".service"):
        (folder / f"{name}{suffix}").unlink(missing_ok=True)
    ok, current = _run(["crontab", "-l"])
    if ok and name in current:
        kept = [x for x in current.splitlines() if name not in x]
        _run(["crontab", "-"], "\n".join(kept) + "\n" if kept else "")
    schedule_path(root).unlink(missing_ok=True)
