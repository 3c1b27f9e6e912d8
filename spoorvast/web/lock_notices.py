"""What a lock stopped or left unsealed, kept in the vault until an unlock says it (#24).

A lock can stop work the person started: an add job half-way through its files, or a
batch of files received but never sealed (its tab was closed, or its page never asked
to seal it). What became of it is written, just before the vault closes, into the
vault's settings table (SQLCipher: encrypted with everything else; the file names are
the person's own, so they stay inside the vault) and said once by the next unlock, in
this app or in any later start of it. A job that ends after the lock writes its final
count through its own handle; when the app ended first, the notice says that the count
is the one at the lock and the items list is the truth.

Records are plain JSON (kind and numbers, never a sentence), so the unlock says them in
the person's language of that moment.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import sqlcipher3

from spoorvast.errors import UserError
from spoorvast.i18n import _, ngettext
from spoorvast.storage.vault import Vault

KEY = "web.lock_notices"
MAX_NAMES = 50  # a notice names at most this many files, then says how many more
Record = dict[str, Any]


def _records(vault: Vault) -> list[Record]:
    raw = vault.store.setting(KEY)
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


BRIEF_WAIT_MS = 300  # what a lock's (or a request's) write waits for a job's, at most


def brief_write(vault: Vault, write: Callable[[], None]) -> bool:
    """Run a write that must not hold up a lock (or a request): it waits briefly for a
    job's transaction and never raises. False when it could not be written (a fallback
    says it then: a job's start record, a file's entry, the lock's own record)."""
    try:
        with vault.store.waiting_at_most(BRIEF_WAIT_MS):
            write()
    except (UserError, sqlcipher3.OperationalError):
        return False
    return True


def write(vault: Vault, record: Record) -> None:
    """Add a record (or replace the one with the same ``id``); raises when it cannot."""
    if not vault.writable:
        return
    with vault.store.transaction() as tx:
        records = [r for r in _records(vault)
                   if record.get("id") is None or r.get("id") != record.get("id")]
        tx.set_setting(KEY, json.dumps([*records, record]))


def keep(vault: Vault, record: Record) -> None:
    """``write``, except on a full disk (the caller has no better place to say it)."""
    try:
        write(vault, record)
    except UserError:
        return


def take(vault: Vault, keep_ids: set[str] | None = None) -> list[str]:
    """The notices, in the current language, and forget them (said once). Records whose
    ``id`` is in ``keep_ids`` (a job still ending) stay for a later unlock."""
    held = keep_ids or set()
    records = _records(vault)
    said = [r for r in records if r.get("id") not in held]
    if not said or not vault.writable:
        return [line for r in said if (line := _line(r))]
    with vault.store.transaction() as tx:
        rest = [r for r in records if r.get("id") in held]
        tx.set_setting(KEY, json.dumps(rest) if rest else None)
    return [line for r in said if (line := _line(r))]


def job_record(job_id: str, files: int, sealed: int, final: bool,
               started: bool = False, job_kind: str = "add") -> Record:
    """``started``: written as the job starts (a lock replaces it; its end removes it),
    with the wall-clock time (``at``) so that the next unlock, if the app died, can
    remove what only that job wrote. ``job_kind``: add, capture, ocr, dossier, verify."""
    record: Record = {"kind": "job", "id": job_id, "files": files, "sealed": sealed,
                      "final": final, "started": started, "job": job_kind}
    if started:
        record["at"] = time.time_ns()
    return record


def dead_jobs(vault: Vault) -> list[Record]:
    """The start records of jobs the app died in (call only when no job runs here)."""
    return [r for r in _records(vault) if r.get("kind") == "job" and r.get("started")]


def drop(vault: Vault, record_id: str) -> None:
    """Forget the record with this ``id`` (its job ended and its page said how)."""
    if not vault.writable:
        return
    try:
        with vault.store.transaction() as tx:
            records = _records(vault)
            rest = [r for r in records if r.get("id") != record_id]
            if len(rest) != len(records):
                tx.set_setting(KEY, json.dumps(rest) if rest else None)
    except UserError:  # a full disk: a later unlock says it (never less)
        return


def unsealed_record(files: list[tuple[str, int]], ended: bool = False) -> Record:
    """``ended``: the app ended before a lock (found at the next unlock)."""
    shown = [[name, size] for name, size in files[:MAX_NAMES]]
    return {"kind": "unsealed", "files": shown, "more": max(0, len(files) - MAX_NAMES),
            "ended": ended}


def cut_record(count: int) -> Record:
    return {"kind": "cut", "count": count}


def _int(record: Record, key: str) -> int:
    value = record.get(key)
    return value if isinstance(value, int) else 0


def _line(record: Record) -> str:
    if record.get("kind") == "unsealed":
        return _unsealed_line(record)
    if record.get("kind") == "cut":
        count = _int(record, "count")
        return ngettext(
            "{count} file finished uploading just as the vault locked, too late to be "
            "kept: nothing of it is in the vault. Add it again.",
            "{count} files finished uploading just as the vault locked, too late to be "
            "kept: nothing of them is in the vault. Add them again.", count).format(
                count=count)
    if record.get("kind") != "job":
        return ""
    files, sealed = _int(record, "files"), _int(record, "sealed")
    if record.get("started") and record.get("job") in _ENDED:
        return _ENDED[str(record.get("job"))]()
    if not files:
        return _("While the vault was locked, a running task was stopped: what it had "
                 "finished is kept whole, the rest was not kept. Start it again if it is "
                 "not complete.")
    if record.get("started"):
        return _("The app ended while it was adding {total} files (it was closed or "
                 "stopped before the adding finished). Every file that was sealed is on "
                 "the case's list of items; a file that is not there was not kept "
                 "(nothing of it is in the vault). Add those again.").format(total=files)
    if record.get("final"):
        return _("While the vault was locked, adding files was stopped: {sealed} of "
                 "{total} files were sealed whole and are in the case; the other files "
                 "were not kept (nothing of them is in the vault). Add them again.").format(
                     sealed=sealed, total=files)
    return _("While the vault was locked, adding files was stopped, and the app ended "
             "before it could count the end: {sealed} of {total} files were sealed whole "
             "when the lock came. Every file that is in the case is on its list of "
             "items; a file that is not there was not kept (nothing of it is in the "
             "vault). Add those again.").format(sealed=sealed, total=files)


_ENDED: dict[str, Callable[[], str]] = {
    "capture": lambda: _(
        "The app ended while it was capturing a web page (it was closed or stopped "
        "before the capture finished). Nothing of that capture was kept: capture the "
        "page again."),
    "ocr": lambda: _(
        "The app ended while it was reading text from pictures (it was closed or "
        "stopped before it finished). Text it had already saved is kept; nothing "
        "half-read was kept. Start “Read text from pictures” again for the "
        "rest."),
    "dossier": lambda: _(
        "The app ended while it was making the dossier (it was closed or stopped before "
        "it finished). No dossier was made and nothing half-made was kept: make the "
        "dossier again."),
    "verify": lambda: _(
        "The app ended while it was checking the vault (it was closed or stopped before "
        "the check finished). Nothing was changed by it: start the check again."),
}


def _unsealed_line(record: Record) -> str:
    files = [f for f in record.get("files", []) if isinstance(f, list) and len(f) == 2]
    count = len(files) + _int(record, "more")
    names = ", ".join(_("{name} ({size} bytes)").format(name=str(name), size=size)
                      for name, size in files)
    if record.get("more"):
        names += " " + _("and {count} more").format(count=_int(record, "more"))
    if record.get("ended"):
        return ngettext(
            "{count} file was received but not sealed, because the app ended before it "
            "was sealed: {names}. Nothing of it was kept; add it again.",
            "{count} files were received but not sealed, because the app ended before "
            "they were sealed: {names}. Nothing of them was kept; add them again.",
            count).format(count=count, names=names)
    return ngettext(
        "{count} file was received but not sealed, because its page was closed (or "
        "never asked to seal it) before the vault locked: {names}. Nothing of it was "
        "kept; add it again.",
        "{count} files were received but not sealed, because their page was closed (or "
        "never asked to seal them) before the vault locked: {names}. Nothing of them "
        "was kept; add them again.", count).format(count=count, names=names)
